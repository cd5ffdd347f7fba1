/// <reference types="@fastly/js-compute" />
import { createHandler } from "@sluice/fastly";
import { upstashRateLimitStore, upstashUsageStore } from "@sluice/upstash";
import { Redis } from "@upstash/redis/fastly";

const handle = createHandler({
  stores: async ({ secrets }) => {
    const redis = new Redis({
      url: "https://<db>.upstash.io",
      token: (await secrets.get("UPSTASH_TOKEN"))!,
      backend: "upstash",
    });
    return { counters: upstashRateLimitStore(redis), usage: upstashUsageStore(redis) };
  },
}); // keys: the sluice_keys KV Store, found by itself

addEventListener("fetch", (event) => event.respondWith(handle(event)));
