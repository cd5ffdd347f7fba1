/**
 * Every failure the gateway produces, for every provider: the status, JSON in that provider's error shape,
 * the failure named in `x-sluice-failure`, and the official SDK surfacing it as its typed error with our
 * message. The SDKs get the gateway's real response through their `fetch` option.
 */
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILURE_HEADER } from "../src/index.js";
import { CLIENT_KEY } from "./helpers.js";
import {
  SCENARIOS,
  type Shape,
  type Stacks,
  type Target,
  TARGETS,
  request,
  json,
  startErrorStacks,
} from "./scenarios.js";

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  415: "invalid_request_error",
  429: "rate_limit_error",
  502: "api_error",
  504: "timeout_error",
};
const GEMINI_STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  404: "NOT_FOUND",
  405: "UNIMPLEMENTED",
  413: "INVALID_ARGUMENT",
  415: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  502: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** Checks the body is exactly the provider's error shape; returns its message. */
function messageOf(shape: Shape, body: unknown, status: number, failure: string): string {
  if (shape === "anthropic") {
    expect(body).toEqual({
      type: "error",
      error: { type: ANTHROPIC_TYPES[status], message: expect.any(String) },
    });
    return (body as { error: { message: string } }).error.message;
  }
  if (shape === "openai") {
    expect(body).toEqual({
      error: { message: expect.any(String), type: expect.any(String), param: null, code: failure },
    });
    return (body as { error: { message: string } }).error.message;
  }
  expect(body).toEqual({
    error: { code: status, message: expect.any(String), status: GEMINI_STATUSES[status] },
  });
  return (body as { error: { message: string } }).error.message;
}

/** Makes the call with the provider's official SDK, fed the gateway's response; returns what it threw. */
async function sdkError(t: Target, respond: () => Promise<Response>): Promise<unknown> {
  const fetch = () => respond();
  try {
    if (t.shape === "anthropic") {
      const client = new Anthropic({
        apiKey: CLIENT_KEY,
        baseURL: "http://sluice.invalid",
        maxRetries: 0,
        fetch,
      });
      await client.messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      });
    } else if (t.shape === "openai") {
      const client = new OpenAI({
        apiKey: CLIENT_KEY,
        baseURL: "http://sluice.invalid",
        maxRetries: 0,
        fetch,
      });
      await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
    } else {
      const client = new GoogleGenAI({
        apiKey: CLIENT_KEY,
        httpOptions: { baseUrl: "http://sluice.invalid", fetch },
      });
      await client.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    }
  } catch (error) {
    return error;
  }
  throw new Error("the SDK call should have failed");
}

const ANTHROPIC_CLASSES: Record<number, unknown> = {
  400: Anthropic.BadRequestError,
  401: Anthropic.AuthenticationError,
  404: Anthropic.NotFoundError,
  413: Anthropic.ContentTooLargeError,
  429: Anthropic.RateLimitError,
  502: Anthropic.InternalServerError,
  504: Anthropic.GatewayTimeoutError,
};
const OPENAI_CLASSES: Record<number, unknown> = {
  400: OpenAI.BadRequestError,
  401: OpenAI.AuthenticationError,
  404: OpenAI.NotFoundError,
  429: OpenAI.RateLimitError,
  502: OpenAI.InternalServerError,
  504: OpenAI.InternalServerError,
};

function expectTypedSdkError(t: Target, error: unknown, status: number, failure: string, message: string) {
  if (t.shape === "anthropic") {
    const cls = (ANTHROPIC_CLASSES[status] ?? Anthropic.APIError) as typeof Anthropic.APIError;
    expect(error).toBeInstanceOf(cls);
    const e = error as InstanceType<typeof Anthropic.APIError>;
    if (!ANTHROPIC_CLASSES[status]) expect(e.constructor).toBe(Anthropic.APIError);
    expect(e.status).toBe(status);
    expect(e.type).toBe(ANTHROPIC_TYPES[status]);
    expect(e.apiMessage).toBe(message);
    expect(e.headers?.get(FAILURE_HEADER)).toBe(failure);
  } else if (t.shape === "openai") {
    const cls = (OPENAI_CLASSES[status] ?? OpenAI.APIError) as typeof OpenAI.APIError;
    expect(error).toBeInstanceOf(cls);
    const e = error as InstanceType<typeof OpenAI.APIError>;
    if (!OPENAI_CLASSES[status]) expect(e.constructor).toBe(OpenAI.APIError);
    expect(e.status).toBe(status);
    expect(e.message).toBe(`${status} ${message}`);
    expect(e.code).toBe(failure);
  } else {
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.status).toBe(status);
    expect(JSON.parse(e.message)).toEqual({
      error: { code: status, message, status: GEMINI_STATUSES[status] },
    });
  }
}

let fake: FakeUpstream;
let stacks: Stacks;
beforeAll(async () => {
  fake = await startFakeUpstream();
  stacks = await startErrorStacks(fake);
});
afterAll(async () => {
  await Promise.all(Object.values(stacks ?? {}).map((s) => s.close()));
  await fake?.close();
});

describe.each(TARGETS)("$name errors", (t) => {
  describe.each(SCENARIOS)("$name", (scenario) => {
    it("is JSON in the provider's shape, with the failure named", async () => {
      const response = await scenario.send(stacks, t);
      expect(response.status).toBe(scenario.status);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get(FAILURE_HEADER)).toBe(scenario.failure);
      await scenario.check?.(response, t);
      const message = messageOf(t.shape, await response.json(), scenario.status, scenario.failure);
      expect(message).toMatch(scenario.message);
    });

    it(`surfaces as the ${t.shape} SDK's typed error with our message`, async () => {
      let message = "";
      const error = await sdkError(t, async () => {
        const response = await scenario.send(stacks, t);
        message = messageOf(t.shape, await response.clone().json(), scenario.status, scenario.failure);
        return response;
      });
      expect(message).toMatch(scenario.message);
      expectTypedSdkError(t, error, scenario.status, scenario.failure, message);
    });
  });
});

describe("errors outside any provider", () => {
  it("an unknown provider prefix is a 404 in OpenAI's shape (the most widely parsed)", async () => {
    const response = await request(stacks.main, "/nope/v1/chat/completions", { headers: json, body: "{}" });
    expect(response.status).toBe(404);
    expect(response.headers.get(FAILURE_HEADER)).toBe("not_found");
    expect(await response.json()).toEqual({
      error: { message: "No route for POST /nope/v1/chat/completions.", type: "not_found", code: 404 },
    });
  });

  it("the headers timeout aborted the upstream request, and it was retried once", async () => {
    fake.reset();
    const t = TARGETS[0]!;
    const response = await SCENARIOS.find((s) => s.failure === "upstream_timeout")!.send(stacks, t);
    expect(response.status).toBe(504);
    await response.arrayBuffer();
    // Both attempts reached the upstream and were abandoned by the gateway.
    await fake.waitForRecord((r) => r.id === fake.records[1]?.id && r.endedAt !== undefined);
    expect(fake.records.map((r) => r.aborted)).toEqual([true, true]);
  });
});
