// GatewayOptions: a feature turned on without the store it keeps its state in is a startup error that names
// the option, the store and the fix, from one place (resolveOptions), never a feature silently off.
import { describe, expect, it } from "vitest";
import { createGateway, type GatewayOptions } from "../src/index.js";
import {
  memoryCache,
  memoryRateLimitStore,
  memoryResourceStore,
  memorySecrets,
} from "../src/memory/index.js";

const secrets = memorySecrets({ SLUICE_KEYS: "sk-sluice-test" });

describe("a feature without its store", () => {
  const cases: [string, Partial<GatewayOptions>, RegExp, Partial<GatewayOptions>][] = [
    [
      "limits.rate",
      { limits: { rate: "60/60s" } },
      /`limits\.rate` needs `stores\.counters`.*memoryRateLimitStore\(\)/,
      { stores: { counters: memoryRateLimitStore() } },
    ],
    [
      "limits.lease",
      { limits: { lease: { size: 8 } } },
      /`limits\.lease` needs `stores\.counters`/,
      { stores: { counters: memoryRateLimitStore() } },
    ],
    [
      "upstream.circuitBreaker",
      { upstream: { circuitBreaker: { threshold: 2 } } },
      /`upstream\.circuitBreaker` needs `stores\.counters`/,
      { stores: { counters: memoryRateLimitStore() } },
    ],
    [
      "cache",
      { cache: { ttlSeconds: 60 } },
      /`cache` needs `stores\.cache`.*memoryCache\(\)/,
      { stores: { cache: memoryCache() } },
    ],
    [
      "clients.staticKeyGrants",
      { clients: { staticKeyGrants: ["files"] } },
      /`clients\.staticKeyGrants` needs `stores\.resources`.*memoryResourceStore\(\)/,
      { stores: { resources: memoryResourceStore() } },
    ],
  ];
  for (const [name, on, message, store] of cases) {
    it(`${name} is a startup error naming the store, and starts once the store is there`, () => {
      expect(() => createGateway({ secrets, ...on })).toThrow(message);
      expect(() => createGateway({ secrets, ...on, ...store })).not.toThrow();
    });
  }

  it("a feature left off needs no store", () => {
    expect(() =>
      createGateway({
        secrets,
        limits: { rate: false, lease: false },
        cache: false,
        upstream: { circuitBreaker: false },
      }),
    ).not.toThrow();
  });
});

// The native stream path scrubs nothing (docs/security.md), so only the documented values turn it on: anything
// else was once read as "every stream native".
describe("upstream.nativeStreams", () => {
  const passThrough = () => new TransformStream<Uint8Array, Uint8Array>();
  const start = (upstream: unknown) =>
    createGateway({ secrets, upstream: upstream as GatewayOptions["upstream"] });

  for (const value of ["off", "BYOK", "all", "true", 1, null]) {
    it(`${JSON.stringify(value)} is a startup error naming the values it takes`, () => {
      expect(() => start({ nativeStreams: value, passThrough })).toThrow(
        /`upstream\.nativeStreams` is .*use false .*"byok" .*true/,
      );
    });
  }

  it('takes false, true, "byok" and { passThrough }', () => {
    for (const value of [undefined, false, true, "byok"]) {
      expect(() => start({ nativeStreams: value, passThrough })).not.toThrow();
    }
    expect(() => start({ nativeStreams: { passThrough } })).not.toThrow();
  });

  it("needs a pass-through stream, and says which setting set it", () => {
    expect(() => start({ nativeStreams: "byok" })).toThrow(
      /`upstream\.nativeStreams` \("byok"; @sluice\/cloudflare sets "byok" by default\) needs .*passThrough/,
    );
    expect(() => start({ nativeStreams: { passThrough: "identity" } })).toThrow(
      /`upstream\.passThrough` must be a function/,
    );
    expect(() => start({ passThrough: {} })).toThrow(/`upstream\.passThrough` must be a function/);
  });
});
