// R2 hydration in workerd: sluice-object:// references are filled from the real local R2 bucket before the
// request reaches the (fake) provider; errors come back in the provider's shape and nothing is forwarded.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { claude, gateway, recordsWith } from "./features-helpers.js";

const put = (key: string, value: string | Uint8Array, contentType: string) =>
  env.OBJECTS.put(key, value, { httpMetadata: { contentType } });

describe("hydrateObjects (hydrate: true)", () => {
  test("a text document block is filled with the object's text, the same bytes on every call", async () => {
    const marker = crypto.randomUUID();
    const key = `shared/handbook-${marker}.txt`;
    const content = `The handbook ${marker}: ${"long context. ".repeat(200)}`;
    await put(key, content, "text/plain");
    const { call } = gateway({ hydrate: true });
    const block = {
      type: "document",
      source: { type: "text", media_type: "text/plain", data: `sluice-object://${key}` },
      cache_control: { type: "ephemeral" },
    };
    const body = claude([block, { type: "text", text: `summarise ${marker}` }]);
    const first = await call("/anthropic/v1/messages", { json: body });
    expect(first.status, first.text).toBe(200);
    // The KV cache is keyed on the hydrated bytes, so a plain repeat is a HIT; no-cache forces a 2nd send.
    const second = await call("/anthropic/v1/messages", {
      json: body,
      headers: { "cache-control": "no-cache" },
    });
    expect(second.status).toBe(200);

    const sent = await recordsWith(`summarise ${marker}`);
    expect(sent).toHaveLength(2);
    const upstream = JSON.parse(sent[0]!.body!);
    expect(upstream.messages[0].content[0]).toEqual({
      type: "document",
      source: { type: "text", media_type: "text/plain", data: content },
      cache_control: { type: "ephemeral" },
    });
    expect(sent[0]!.body).not.toContain("sluice-object://");
    expect(sent[1]!.bodySha256).toBe(sent[0]!.bodySha256);
  });

  test("a url source becomes base64 for a PDF and an image, typed by the object's content type", async () => {
    const marker = crypto.randomUUID();
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0xff, 0x00]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await put(`shared/${marker}.pdf`, pdf, "application/pdf");
    await put(`shared/${marker}.png`, png, "image/png");
    const { call } = gateway({ hydrate: true });
    const result = await call("/anthropic/v1/messages", {
      json: claude([
        { type: "document", source: { type: "url", url: `sluice-object://shared/${marker}.pdf` } },
        { type: "image", source: { type: "url", url: `sluice-object://shared/${marker}.png` } },
        { type: "text", text: `read ${marker}` },
      ]),
    });
    expect(result.status, result.text).toBe(200);
    const [record] = await recordsWith(`read ${marker}`);
    const content = JSON.parse(record!.body!).messages[0].content;
    expect(content[0].source).toEqual({
      type: "base64",
      media_type: "application/pdf",
      data: "JVBERi0xLjcK/wA=",
    });
    expect(content[1].source).toEqual({ type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" });
  });

  test("OpenAI chat: a text part and an image_url are filled (data URL)", async () => {
    const marker = crypto.randomUUID();
    await put(`shared/${marker}.txt`, `notes ${marker}`, "text/plain; charset=utf-8");
    await put(`shared/${marker}.png`, new Uint8Array([1, 2, 3]), "image/png");
    const { call } = gateway({ hydrate: true });
    const result = await call("/openai/v1/chat/completions", {
      json: {
        model: "gpt-4o-mini",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: `sluice-object://shared/${marker}.txt` },
              { type: "image_url", image_url: { url: `sluice-object://shared/${marker}.png` } },
            ],
          },
        ],
      },
    });
    expect(result.status, result.text).toBe(200);
    const [record] = await recordsWith(`notes ${marker}`);
    const parts = JSON.parse(record!.body!).messages[0].content;
    expect(parts[0]).toEqual({ type: "text", text: `notes ${marker}` });
    expect(parts[1].image_url.url).toBe("data:image/png;base64,AQID");
  });

  test("Gemini: a fileData part becomes inlineData, a text part is filled", async () => {
    const marker = crypto.randomUUID();
    await put(`shared/${marker}.pdf`, new Uint8Array([0x25, 0x50, 0x44, 0x46]), "application/pdf");
    await put(`shared/${marker}.txt`, `gemini notes ${marker}`, "text/plain");
    const { call } = gateway({ hydrate: true });
    const result = await call("/gemini/v1beta/models/gemini-2.5-flash:generateContent", {
      json: {
        contents: [
          {
            role: "user",
            parts: [
              { fileData: { fileUri: `sluice-object://shared/${marker}.pdf`, mimeType: "application/pdf" } },
              { text: `sluice-object://shared/${marker}.txt` },
            ],
          },
        ],
      },
    });
    expect(result.status, result.text).toBe(200);
    const [record] = await recordsWith(`gemini notes ${marker}`);
    expect(JSON.parse(record!.body!).contents[0].parts).toEqual([
      { inlineData: { mimeType: "application/pdf", data: "JVBERg==" } },
      { text: `gemini notes ${marker}` },
    ]);
  });

  test("a missing object is a 400 in the provider's shape naming the key, and nothing is forwarded", async () => {
    const marker = crypto.randomUUID();
    const { call } = gateway({ hydrate: true });
    const anthropic = await call("/anthropic/v1/messages", {
      json: claude([{ type: "text", text: `sluice-object://shared/missing-${marker}` }]),
    });
    expect(anthropic.status).toBe(400);
    const body = JSON.parse(anthropic.text);
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain(`shared/missing-${marker}`);
    const openai = await call("/openai/v1/chat/completions", {
      json: {
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: `sluice-object://shared/missing-${marker}` }],
      },
    });
    expect(openai.status).toBe(400);
    expect(JSON.parse(openai.text).error.message).toContain(`shared/missing-${marker}`);
    expect(await recordsWith(marker)).toHaveLength(0);
  });

  test("keys outside shared/ and the caller's uploads/ are refused (403), without reading them", async () => {
    const marker = crypto.randomUUID();
    await put(`uploads/key_someoneelse/${marker}`, "private", "text/plain");
    await put(`sluice-logs/${marker}.ndjson`, "{}", "application/x-ndjson");
    const { call } = gateway({ hydrate: true });
    for (const key of [`uploads/key_someoneelse/${marker}`, `sluice-logs/${marker}.ndjson`]) {
      const result = await call("/anthropic/v1/messages", {
        json: claude([{ type: "text", text: `sluice-object://${key}` }]),
      });
      expect(result.status).toBe(403);
      expect(JSON.parse(result.text).error.type).toBe("permission_error");
    }
    expect(await recordsWith("private")).toHaveLength(0);
  });

  test("the size cap answers 413, and the reference count is capped", async () => {
    const marker = crypto.randomUUID();
    await put(`shared/${marker}-big.txt`, "x".repeat(2048), "text/plain");
    const { call } = gateway({ hydrate: { maxBytes: 1024, maxObjects: 2 } });
    const big = await call("/anthropic/v1/messages", {
      json: claude([{ type: "text", text: `sluice-object://shared/${marker}-big.txt` }]),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text).error.message).toContain("1024 bytes");
    const many = await call("/anthropic/v1/messages", {
      json: claude([1, 2, 3].map((i) => ({ type: "text", text: `sluice-object://shared/${marker}-${i}` }))),
    });
    expect(many.status).toBe(400);
    expect(JSON.parse(many.text).error.message).toContain("limit is 2");
  });

  test("a request without references is forwarded byte for byte", async () => {
    const marker = crypto.randomUUID();
    const { call } = gateway({ hydrate: true });
    const raw = `{ "model": "claude-sonnet-4-6",  "max_tokens": 8, "messages": [{"role":"user","content":"plain ${marker}"}] }`;
    const result = await call("/anthropic/v1/messages", {
      body: raw,
      headers: { "content-type": "application/json" },
    });
    expect(result.status, result.text).toBe(200);
    const [record] = await recordsWith(`plain ${marker}`);
    expect(record!.body).toBe(raw);
  });
});
