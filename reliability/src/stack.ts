/** The gateway under test: `createGateway` from @sluice/core served over real HTTP on loopback, the fake upstream behind it. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, type GatewayOptions } from "@sluice/core";
import { memoryMetrics, memorySecrets } from "@sluice/core/memory";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";

export const CLIENT_KEY = "sluice-reliability-client-key-0001";

export interface Stack {
  fake: FakeUpstream;
  url: string;
  metrics: ReturnType<typeof memoryMetrics>;
  /** Waits for every `waitUntil` promise (metric writes) handed over so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(overrides: Partial<GatewayOptions> = {}): Promise<Stack> {
  const fake = await startFakeUpstream();
  const metrics = memoryMetrics();
  const gateway = createGateway({
    secrets: memorySecrets({
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      OPENAI_API_KEY: FAKE_KEYS.openai,
      GEMINI_API_KEY: FAKE_KEYS.gemini,
      GROQ_API_KEY: FAKE_KEYS.groq,
      CEREBRAS_API_KEY: FAKE_KEYS.cerebras,
      SLUICE_KEYS: CLIENT_KEY,
    }),
    providers: {
      anthropic: { baseUrl: fake.baseUrls.anthropic },
      openai: { baseUrl: fake.baseUrls.openai },
      gemini: { baseUrl: fake.baseUrls.gemini },
      groq: { baseUrl: fake.baseUrls.groq },
      cerebras: { baseUrl: fake.baseUrls.cerebras },
    },
    metrics,
    ...overrides,
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
      for (let i = 0; i < 50 && pending.length > 0; i++) await Promise.all(pending.splice(0));
    },
    async close() {
      // Open keep-alive and stalled sockets would hold close() forever.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    },
  };
}
