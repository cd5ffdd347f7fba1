// Calls into the test Worker (test/worker.ts, `createWorker()` on the real local bindings) from the tests.
import { exports } from "cloudflare:workers";

export const worker = (exports as unknown as { default: unknown }).default as {
  fetch(request: Request): Promise<Response>;
};

/** An Anthropic Messages call with the client key where the SDK sends it. */
export const messages = (clientKey: string, body: object, headers: Record<string, string> = {}) =>
  worker.fetch(
    new Request("https://sluice.test/anthropic/v1/messages", {
      method: "POST",
      headers: {
        "x-api-key": clientKey,
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        ...headers,
      },
      body: JSON.stringify(body),
    }),
  );
