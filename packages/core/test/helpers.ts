/** Test stack: the fake upstream, a gateway pointed at it, served over real HTTP on loopback. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { createGateway, type GatewayOptions } from "../src/index.js";
import { memoryMetrics, memorySecrets } from "../src/memory/index.js";

export const CLIENT_KEY = "sluice-test-key-0001";
export const OTHER_CLIENT_KEY = "sluice-test-key-0002";

export const PROVIDER_SECRETS = {
  ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
  OPENAI_API_KEY: FAKE_KEYS.openai,
  GEMINI_API_KEY: FAKE_KEYS.gemini,
  GROQ_API_KEY: FAKE_KEYS.groq,
  CEREBRAS_API_KEY: FAKE_KEYS.cerebras,
};

export interface Stack {
  fake: FakeUpstream;
  url: string;
  metrics: ReturnType<typeof memoryMetrics>;
  /** Waits for every waitUntil promise (metrics, cache writes) handed over so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(
  overrides: Partial<GatewayOptions> = {},
  fakeArg?: FakeUpstream,
): Promise<Stack> {
  const fake = fakeArg ?? (await startFakeUpstream());
  const metrics = memoryMetrics();
  const gateway = createGateway({
    secrets: memorySecrets({ ...PROVIDER_SECRETS, SLUICE_KEYS: `${CLIENT_KEY},${OTHER_CLIENT_KEY}` }),
    providers: {
      anthropic: { baseUrl: fake.baseUrls.anthropic },
      openai: { baseUrl: fake.baseUrls.openai },
      gemini: { baseUrl: fake.baseUrls.gemini },
      groq: { baseUrl: fake.baseUrls.groq },
      cerebras: { baseUrl: fake.baseUrls.cerebras },
    },
    metrics,
    ...overrides,
    upstream: {
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
      // The "pump" test project runs the stream suites again with a pass-through (tap.ts's other path).
      ...(process.env.SLUICE_TEST_PASS_THROUGH ? { passThrough: () => new TransformStream() } : {}),
      ...overrides.upstream,
    },
  });
  const pending: Promise<unknown>[] = [];
  const server = serve({
    fetch: (request: Request) => gateway.fetch(request, { waitUntil: (p) => pending.push(p) }),
    port: 0,
    hostname: "127.0.0.1",
  });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    fake,
    url: `http://127.0.0.1:${port}`,
    metrics,
    async flush() {
      for (let i = 0; i < 50 && pending.length > 0; i++) {
        await Promise.all(pending.splice(0));
      }
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!fakeArg) await fake.close();
    },
  };
}

/** Posts JSON bytes exactly as given. */
export function post(
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

/**
 * An upstream fetch that keeps a copy of every response body exactly as the upstream sent it, so a test can
 * compare it with what the client received. Pass `fetch` to startStack.
 */
export function capturingFetch() {
  const bodies: Promise<string>[] = [];
  const upstreamFetch: NonNullable<NonNullable<GatewayOptions["upstream"]>["fetch"]> = async (url, init) => {
    const response = await fetch(url, init);
    if (!response.body) return response;
    const [forGateway, copy] = response.body.tee();
    // A body cut short (client gone, reset) resolves to a marker instead of an unhandled rejection.
    bodies.push(new Response(copy).text().catch((error) => `[upstream body failed: ${error}]`));
    return new Response(forGateway, response);
  };
  return { fetch: upstreamFetch, bodies };
}

export async function readText(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

export const anthropicHeaders = (key = CLIENT_KEY) => ({
  "x-api-key": key,
  "anthropic-version": "2023-06-01",
});
export const bearerHeaders = (key = CLIENT_KEY) => ({ authorization: `Bearer ${key}` });
