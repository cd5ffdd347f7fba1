// Shared by the feature tests: a handler built by createHandler on the real local bindings (with env
// overrides), a call that waits for the call's waitUntil work, and the fake upstream's request records.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import { type CloudflareOptions, createHandler } from "../src/index.js";

export const fakeUrl = inject("fakeUrl" as never) as string;
export const fakeKeys = inject("fakeKeys" as never) as Record<string, string>;

export interface FakeRecord {
  path: string;
  body?: string;
  bodySha256: string;
  headers: Record<string, string>;
}

/** A fresh client key (so no other test's rate-limit bucket or session is shared) and a handler. */
export function gateway(options: CloudflareOptions = {}, overrides: Record<string, unknown> = {}) {
  const clientKey = `sk-sluice-feature-${crypto.randomUUID()}`;
  const testEnv = { ...env, SLUICE_KEYS: clientKey, SLUICE_RATE_LIMIT: undefined, ...overrides };
  const handler = createHandler(options);
  /** Calls the handler and waits for its background work (waitUntil) to finish. */
  async function call(
    path: string,
    init: RequestInit & { json?: unknown; key?: string; background?: "wait" | "leave" } = {},
  ) {
    const headers = new Headers(init.headers);
    const key = init.key ?? clientKey;
    if (path.startsWith("/anthropic")) {
      headers.set("x-api-key", key);
      headers.set("anthropic-version", "2023-06-01");
    } else if (path.startsWith("/gemini")) headers.set("x-goog-api-key", key);
    else headers.set("authorization", `Bearer ${key}`);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    const ctx = createExecutionContext();
    const response = await handler(
      new Request(`https://sluice.test${path}`, {
        method: init.method ?? "POST",
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      }),
      testEnv,
      ctx,
    );
    const text = await response.text();
    if (init.background !== "leave") await waitOnExecutionContext(ctx);
    return { response, text, status: response.status };
  }
  return { clientKey, env: testEnv, handler, call };
}

/** Requests the fake upstream received whose body contains `marker`. */
export async function recordsWith(marker: string): Promise<FakeRecord[]> {
  const records = (await (await fetch(`${fakeUrl}/_fake/records`)).json()) as FakeRecord[];
  return records.filter((r) => r.body?.includes(marker));
}

export const claude = (content: unknown, extra: object = {}) => ({
  model: "claude-sonnet-4-6",
  max_tokens: 64,
  messages: [{ role: "user", content }],
  ...extra,
});
