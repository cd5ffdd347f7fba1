// Streams in workerd, on both paths: by default every chunk of a stream on the operator's key is read (usage,
// scrubbing) and written into an IdentityTransformStream; on the native path (`nativeStreams: true`, and by
// default a stream on the caller's own key) the upstream body is tee()d, one branch piped natively into it
// for the client, the other read for usage. Checked here in the real runtime:
// unbuffered delivery, the error event after a reset, and backpressure with a slow client (the upstream is
// not read ahead of the client: nothing is buffered for it).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, test } from "vitest";
import { claude, fakeKeys, fakeUrl, gateway } from "./features-helpers.js";

interface Sent {
  body?: string;
  completed: boolean;
  aborted: boolean;
  bytesSent: number;
}
async function upstreamRecord(marker: string): Promise<Sent | undefined> {
  const records = (await (await fetch(`${fakeUrl}/_fake/records`)).json()) as Sent[];
  return records.find((r) => r.body?.includes(marker));
}

function streamCall(handler: ReturnType<typeof gateway>, marker: string, headers: Record<string, string>) {
  const ctx = createExecutionContext();
  const response = handler.handler(
    new Request("https://sluice.test/anthropic/v1/messages", {
      method: "POST",
      headers: {
        "x-api-key": handler.clientKey,
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
        ...headers,
      },
      body: JSON.stringify(claude(marker, { stream: true })),
    }),
    handler.env,
    ctx,
  );
  return { ctx, response };
}

// Both of workerd's stream paths: the default pump (every chunk read by Sluice, then written into an
// IdentityTransformStream) and `nativeStreams` (tee, one branch piped natively).
for (const [path, options] of [
  ["the default pump", {}],
  ["nativeStreams", { nativeStreams: true }],
] as const)
  describe(`${path} in workerd`, () => {
    test("streams the same events, and reads usage (the metric point carries it)", async () => {
      const gw = gateway(options);
      const { text, status } = await gw.call("/anthropic/v1/messages", {
        json: claude(`native ${crypto.randomUUID()}`, { stream: true }),
        headers: { "x-fake-usage": "input=11,output=9" },
      });
      expect(status).toBe(200);
      for (const event of ["message_start", "content_block_delta", "message_delta", "message_stop"])
        expect(text).toContain(`event: ${event}`);
    });

    test("delivers the first event while the upstream is still dripping", async () => {
      const gw = gateway(options);
      const marker = `drip ${crypto.randomUUID()}`;
      const { ctx, response } = streamCall(gw, marker, { "x-fake-fault": "drip=200", "x-fake-events": "6" });
      const reader = (await response).body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain("event: message_start");
      expect((await upstreamRecord(marker))?.completed).toBe(false);
      await reader.cancel();
      await waitOnExecutionContext(ctx);
    });

    test("a reset mid-stream ends with the provider's error event after the bytes already sent", async () => {
      const gw = gateway(options);
      const { text } = await gw.call("/anthropic/v1/messages", {
        json: claude(`reset ${crypto.randomUUID()}`, { stream: true }),
        headers: { "x-fake-fault": "reset-after=2" },
      });
      expect(text).toContain("content_block_delta");
      expect(text).toContain("event: error");
      expect(text).toContain("The upstream connection broke mid-stream.");
    });

    test("a slow client holds the upstream back: nothing is read far ahead of it", async () => {
      const gw = gateway(options);
      const marker = `slow ${crypto.randomUUID()}`;
      const { ctx, response } = streamCall(gw, marker, { "x-fake-fault": `huge=${64 * 1024 * 1024}` });
      const reader = (await response).body!.getReader();
      await reader.read();
      // The client now reads nothing for a while. Over loopback the upstream could send all 64 MB in that time.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const sent = (await upstreamRecord(marker))?.bytesSent ?? 0;
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(16 * 1024 * 1024);
      await reader.cancel();
      await waitOnExecutionContext(ctx);
    });
  });

// The Workers default (`nativeStreams: "byok"`): a stream on the caller's own provider key takes the native
// path (no key of the operator's is in it to scrub), a stream on the operator's key the pump, which scrubs it.
// A key-echo upstream quotes the key it was sent in an in-stream error event, so what arrives tells the path.
describe("the Workers default with bring-your-own-key", () => {
  const echoUrl = inject("echoUrl" as never) as string;
  const own = "sk-ant-callers-own-key-0123456789abcdef";
  const echoStream = async (options: { nativeStreams?: false }, key?: string) => {
    const gw = gateway({ ...options, gateway: { clients: { byok: true } } }, { ANTHROPIC_BASE_URL: echoUrl });
    const { status, text } = await gw.call("/anthropic/v1/messages?echo=stream-error", {
      json: claude(`byok ${crypto.randomUUID()}`, { stream: true }),
      key: key ?? gw.clientKey,
    });
    expect(status, text).toBe(200);
    expect(text).toContain("event: error");
    return text;
  };

  test("a stream on the caller's own key arrives exactly as sent (the native path)", async () => {
    const text = await echoStream({}, own);
    expect(text).toContain(own);
    expect(text).not.toContain("[redacted]");
  });

  test("a stream on the operator's key is scrubbed (the pump)", async () => {
    const text = await echoStream({});
    expect(text).not.toContain(fakeKeys.anthropic);
    expect(text).toContain("[redacted]");
  });

  test("nativeStreams: false keeps the caller's own stream on the pump too", async () => {
    const text = await echoStream({ nativeStreams: false }, own);
    expect(text).not.toContain(own);
    expect(text).toContain("[redacted]");
  });
});
