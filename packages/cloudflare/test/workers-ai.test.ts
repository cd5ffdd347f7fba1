// Workers AI on the OpenAI route, in workerd, with the official openai SDK in front. Workers AI cannot run
// locally, so the AI binding is a stand-in that answers in the documented format: non-streamed
// `{ response, usage }`, streamed `data: {"response":"…"}` events, a last event with `usage`, `data: [DONE]`.
import OpenAI from "openai";
import { describe, expect, test } from "vitest";
import type { MetricPoint } from "@sluice/core";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { fakeKeys, gateway, recordsWith } from "./features-helpers.js";

class AiStandIn {
  calls: { model: string; inputs: Record<string, unknown> }[] = [];
  async run(model: string, inputs: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ model, inputs });
    if (model.includes("missing")) throw new Error("5007: No such model");
    const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };
    if (!inputs.stream) return { response: "Hello from the edge", usage };
    const events = [
      ...["Hello", " from", " the", " edge"].map((response) => ({ response })),
      { response: "", usage },
    ];
    const text = `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`;
    const bytes = new TextEncoder().encode(text);
    // Split mid-event so the parser has to join chunks.
    return new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 17) controller.enqueue(bytes.slice(i, i + 17));
        controller.close();
      },
    });
  }
}

function setup(overrides: Record<string, unknown> = {}) {
  const ai = new AiStandIn();
  const points: MetricPoint[] = [];
  const g = gateway(
    { gateway: { metrics: { record: (p) => void points.push(p) }, upstream: { retry: { maxRetries: 0 } } } },
    { AI: ai, ...overrides },
  );
  const through = async (url: string | URL | Request, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await g.handler(new Request(url, init), g.env, ctx);
    const body = await response.arrayBuffer();
    await waitOnExecutionContext(ctx);
    return new Response(body, response);
  };
  const client = new OpenAI({
    apiKey: g.clientKey,
    baseURL: "https://sluice.test/openai/v1",
    maxRetries: 0,
    fetch: through,
  });
  return { ai, points, client, through, ...g };
}

describe("Workers AI behind /openai/v1/chat/completions (@cf/ models)", () => {
  test("non-streamed: a chat.completion the SDK parses, inputs translated, usage in metrics", async () => {
    const { ai, client, points } = setup();
    const completion = await client.chat.completions.create({
      model: "@cf/meta/llama-3.1-8b-instruct",
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Say hello" }] },
      ],
      max_completion_tokens: 50,
      temperature: 0.2,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.content).toBe("Hello from the edge");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
    expect(ai.calls).toEqual([
      {
        model: "@cf/meta/llama-3.1-8b-instruct",
        inputs: {
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Say hello" },
          ],
          stream: false,
          max_tokens: 50,
          temperature: 0.2,
        },
      },
    ]);
    expect(points.map((p) => [p.route, p.model, p.inputTokens, p.outputTokens, p.status])).toEqual([
      ["openai.chat", "@cf/meta/llama-3.1-8b-instruct", 12, 3, 200],
    ]);
  });

  test("streamed with include_usage: chunks the SDK reads as deltas, then a usage chunk", async () => {
    const { client, points } = setup();
    const stream = await client.chat.completions.create({
      model: "@cf/meta/llama-3.1-8b-instruct",
      messages: [{ role: "user", content: "Say hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown;
    const finishes: unknown[] = [];
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello from the edge");
    expect(finishes).toEqual(["stop"]);
    expect(usage).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
    expect(points[0]).toMatchObject({ stream: true, inputTokens: 12, outputTokens: 3, failure: "" });
  });

  test("other models still go to OpenAI (the fake) with the real key", async () => {
    const { ai, client } = setup();
    const marker = crypto.randomUUID();
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `to openai ${marker}` }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(ai.calls).toHaveLength(0);
    const [record] = await recordsWith(marker);
    expect(record!.headers.authorization).toBe(`Bearer ${fakeKeys.openai}`);
  });

  test("without OPENAI_API_KEY, @cf models work and OpenAI models get 502 upstream_auth (placeholder key)", async () => {
    const { client } = setup({ OPENAI_API_KEY: undefined });
    const ok = await client.chat.completions.create({
      model: "@cf/meta/llama-3.1-8b-instruct",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(ok.choices[0]?.message.content).toBe("Hello from the edge");
    const error = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get("x-sluice-failure")).toBe(
      "upstream_auth",
    );
  });

  test("auth and rate limits apply: unknown keys 401, the bucket's limit holds", async () => {
    const { client, ai, through } = setup({ SLUICE_RATE_LIMIT: "2/600s" });
    const ask = () =>
      client.chat.completions
        .create({
          model: "@cf/meta/llama-3.1-8b-instruct",
          messages: [{ role: "user", content: `hi ${crypto.randomUUID()}` }],
        })
        .then(
          () => 200,
          (e: InstanceType<typeof OpenAI.APIError>) => e.status,
        );
    expect([await ask(), await ask(), await ask()]).toEqual([200, 200, 429]);
    expect(ai.calls).toHaveLength(2);
    const stranger = new OpenAI({
      apiKey: "sk-nope",
      baseURL: "https://sluice.test/openai/v1",
      maxRetries: 0,
      fetch: through,
    });
    const denied = await stranger.chat.completions
      .create({ model: "@cf/meta/llama-3.1-8b-instruct", messages: [{ role: "user", content: "hi" }] })
      .catch((e: InstanceType<typeof OpenAI.APIError>) => e.status);
    expect(denied).toBe(401);
    expect(ai.calls).toHaveLength(2);
  });

  test("a Workers AI error is an OpenAI-shaped 502", async () => {
    const { client } = setup();
    const error = (await client.chat.completions
      .create({ model: "@cf/missing/model", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    expect(error.message).toContain("Workers AI: 5007: No such model");
  });
});
