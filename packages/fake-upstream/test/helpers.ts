// Shared setup: one fake per test file, raw HTTP helpers for byte-level assertions.
import { request } from "node:http";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../src/index.js";

export function useFake(): { fake: FakeUpstream } {
  const box = {} as { fake: FakeUpstream };
  beforeAll(async () => {
    box.fake = await startFakeUpstream();
  });
  afterAll(async () => {
    await box.fake.close();
  });
  beforeEach(() => {
    box.fake.reset();
  });
  return box;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** A plain node:http request, so tests see the exact bytes (no SDK, no fetch decoding). */
export function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? (init.body ? "POST" : "GET"), headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

export const json = (body: unknown) => JSON.stringify(body);
