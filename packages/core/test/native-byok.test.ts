/**
 * `nativeStreams: "byok"` (the Workers default): a stream answered with the caller's own provider key takes the
 * native path, which scrubs nothing, because no key of the operator's was sent on it; every stream that
 * carries a key of the operator's keeps the JavaScript path, which scrubs it. Shown against a key-echo
 * upstream that quotes the key it was sent in an in-stream error event: what the client reads tells which
 * path the stream took.
 */
import { type KeyEcho, startKeyEcho } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayOptions, Middleware } from "../src/index.js";
import { memorySecrets } from "../src/memory/index.js";
import { CLIENT_KEY, type Stack, startStack } from "./helpers.js";

const OWN = "sk-ant-callers-own-key-0123456789abcdef";
const OPERATOR = "sk-ant-operator-primary-Q1W2E3R4T5Y6";
const FALLBACK = "sk-ant-operator-fallback-V5B4N3M2";
/** Models whose first attempt the upstream refuses as overloaded (529), so their fallback answers. */
const FAILS_FIRST = new Set(["claude-own-fallback", "claude-operator-fallback"]);

let echo: KeyEcho;
const stacks: Record<"byok" | "off", Stack> = {} as never;

/** The echo upstream, except that a failing model's first attempt on each call is overloaded. */
function overloadFirst(): NonNullable<GatewayOptions["upstream"]>["fetch"] {
  const seen = new Set<string>();
  return async (url, init) => {
    const body =
      typeof init.body === "string" ? init.body : new TextDecoder().decode(init.body as Uint8Array);
    const { model, messages } = JSON.parse(body) as { model: string; messages: { content: string }[] };
    const call = messages[0]!.content;
    if (FAILS_FIRST.has(model) && !seen.has(call)) {
      seen.add(call);
      return Response.json(
        { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
        { status: 529 },
      );
    }
    return fetch(url, init);
  };
}

/**
 * A middleware an operator might write ("this model runs on our account"): it swaps the operator's key in on a
 * BYOK call, leaving `ctx.byok` as auth set it. The key sent is then the operator's, whatever `byok` says.
 */
const onOurAccount: Middleware = async (ctx, next) => {
  if (ctx.model === "claude-on-our-account") ctx.providerKey = OPERATOR;
  return next();
};

function options(nativeStreams: "byok" | false): Partial<GatewayOptions> {
  return {
    secrets: memorySecrets({ ANTHROPIC_API_KEY: OPERATOR, FALLBACK_KEY: FALLBACK, SLUICE_KEYS: CLIENT_KEY }),
    providers: { anthropic: { baseUrl: echo.url } },
    clients: { byok: true },
    middleware: [onOurAccount],
    upstream: {
      fetch: overloadFirst(),
      retry: { maxRetries: 0 },
      passThrough: () => new TransformStream<Uint8Array, Uint8Array>(),
      nativeStreams,
      fallbacks: {
        // Another model on the caller's own key, and the operator's fallback key.
        "claude-own-fallback": [{ model: "claude-sonnet-4-5" }],
        "claude-operator-fallback": [{ keySecret: "FALLBACK_KEY" }],
      },
    },
  };
}

beforeAll(async () => {
  echo = await startKeyEcho();
  stacks.byok = await startStack(options("byok"));
  stacks.off = await startStack(options(false));
});
afterAll(async () => {
  await stacks.byok?.close();
  await stacks.off?.close();
  await echo?.close();
});

async function stream(stack: Stack, key: string, model = "claude-sonnet-4-5") {
  const response = await fetch(`${stack.url}/anthropic/v1/messages?echo=stream-error`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key, "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model,
      max_tokens: 16,
      stream: true,
      messages: [{ role: "user", content: crypto.randomUUID() }],
    }),
  });
  const body = await response.text();
  expect(response.status, body).toBe(200);
  expect(body).toContain("event: error");
  await stack.flush();
  return { body, sent: echo.records.at(-1)!.headers["x-api-key"] };
}

describe('nativeStreams: "byok"', () => {
  it("passes a stream on the caller's own key natively: exactly as the upstream sent it, usage read", async () => {
    const points = stacks.byok.metrics.points.length;
    const { body, sent } = await stream(stacks.byok, OWN);
    expect(sent).toBe(OWN);
    // Unscrubbed: the native path passes the bytes on untouched (the quoted key is the caller's own).
    expect(body).toContain(OWN);
    expect(body).not.toContain("[redacted]");
    const point = stacks.byok.metrics.points.at(-1)!;
    expect(stacks.byok.metrics.points.length).toBe(points + 1);
    expect(point).toMatchObject({ inputTokens: 1, failure: "in_stream_error" });
  });

  it("with nativeStreams off, the same stream takes the JavaScript path (scrubbed from the error event on)", async () => {
    const { body, sent } = await stream(stacks.off, OWN);
    expect(sent).toBe(OWN);
    expect(body).not.toContain(OWN);
    expect(body).toContain("[redacted]");
  });

  it("keeps the JavaScript path for a stream on the operator's key: the key is scrubbed", async () => {
    const { body, sent } = await stream(stacks.byok, CLIENT_KEY);
    expect(sent).toBe(OPERATOR);
    expect(body).not.toContain(OPERATOR);
    expect(body).toContain("[redacted]");
  });

  it("keeps the JavaScript path when a fallback answers a BYOK call with the operator's key", async () => {
    const { body, sent } = await stream(stacks.byok, OWN, "claude-operator-fallback");
    expect(sent).toBe(FALLBACK);
    expect(body).not.toContain(FALLBACK);
    expect(body).toContain("[redacted]");
  });

  it("takes the native path when a fallback answers a BYOK call with the caller's own key", async () => {
    const { body, sent } = await stream(stacks.byok, OWN, "claude-own-fallback");
    expect(sent).toBe(OWN);
    expect(body).toContain(OWN);
  });

  it("keeps the JavaScript path when a middleware swaps the operator's key in on a BYOK call", async () => {
    const { body, sent } = await stream(stacks.byok, OWN, "claude-on-our-account");
    expect(sent).toBe(OPERATOR);
    expect(body).not.toContain(OPERATOR);
    expect(body).toContain("[redacted]");
  });
});
