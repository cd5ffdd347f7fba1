/**
 * `upstream.passThrough`: streamed answers pumped into the runtime's own stream (here a web-standard
 * TransformStream; workerd's IdentityTransformStream in packages/cloudflare) give the client the same bytes,
 * the same usage and the same endings as the JavaScript stream. The stream suites run again on this path in
 * the "pump" project (vitest.config.ts); this file checks that the path is taken and agrees byte for byte.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { anthropicHeaders, post, type Stack, startStack } from "./helpers.js";

let plain: Stack;
let pumped: Stack;
let passThroughs = 0;
beforeAll(async () => {
  plain = await startStack({ upstream: { passThrough: undefined } });
  pumped = await startStack(
    {
      upstream: {
        passThrough: () => {
          passThroughs++;
          return new TransformStream<Uint8Array, Uint8Array>();
        },
      },
    },
    plain.fake,
  );
});
afterAll(async () => {
  await pumped.close();
  await plain.close();
});
beforeEach(async () => {
  await Promise.all([plain.flush(), pumped.flush()]);
  plain.metrics.points.length = 0;
  pumped.metrics.points.length = 0;
  passThroughs = 0;
});

const body = JSON.stringify({
  model: "claude-sonnet-4-6",
  max_tokens: 64,
  stream: true,
  messages: [{ role: "user", content: "hi" }],
});
const call = (stack: Stack, fault?: string) =>
  post(`${stack.url}/anthropic/v1/messages`, body, {
    ...anthropicHeaders(),
    "x-fake-events": "40",
    ...(fault ? { "x-fake-fault": fault } : {}),
  });

/** The event names of a stream, in order: equal for two calls (ids and padding differ call to call). */
const eventNames = (text: string) => [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);

it("takes the pump path and gives the client every byte the upstream sent, and the same usage", async () => {
  plain.fake.reset();
  const a = await call(plain);
  const textA = await a.text();
  const b = await call(pumped);
  const bytesB = new Uint8Array(await b.arrayBuffer());
  const textB = new TextDecoder().decode(bytesB);
  expect(passThroughs).toBe(1);
  const [, sent] = plain.fake.records;
  expect(bytesB.byteLength).toBe(sent?.bytesSent);
  expect(eventNames(textB)).toEqual(eventNames(textA));
  expect(eventNames(textB)).toContain("message_stop");
  await Promise.all([plain.flush(), pumped.flush()]);
  const [pointA, pointB] = [plain.metrics.points[0], pumped.metrics.points[0]];
  expect(pointB).toMatchObject({
    status: 200,
    inputTokens: pointA?.inputTokens,
    outputTokens: pointA?.outputTokens,
  });
  expect(pointB?.outputTokens).toBeGreaterThan(0);
  expect(pointB?.failure).toBe(pointA?.failure);
  expect(pointB?.failure).toBeFalsy();
});

it("ends a reset stream with the provider's error event, as the JavaScript stream does", async () => {
  const [a, b] = await Promise.all([call(plain, "reset-after=5"), call(pumped, "reset-after=5")]);
  const [textA, textB] = await Promise.all([a.text(), b.text()]);
  expect(eventNames(textB)).toEqual(eventNames(textA));
  expect(eventNames(textB).at(-1)).toBe("error");
  await pumped.flush();
  expect(pumped.metrics.points[0]).toMatchObject({ failure: "stream_reset" });
});

it("a client that leaves mid-stream is a client_abort, and the upstream is aborted", async () => {
  plain.fake.reset();
  const response = await call(pumped, "drip=100");
  const reader = response.body!.getReader();
  await reader.read();
  await reader.cancel();
  const record = await plain.fake.waitForRecord((r) => r.endedAt !== undefined);
  expect(record).toMatchObject({ aborted: true, completed: false });
  await pumped.flush();
  expect(pumped.metrics.points[0]).toMatchObject({ failure: "client_abort" });
});
