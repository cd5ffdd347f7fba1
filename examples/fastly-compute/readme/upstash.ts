/// <reference types="@fastly/js-compute" />
import { createHandler } from "@sluice/fastly";
import { upstashRateLimitStore } from "@sluice/upstash";
import { Redis } from "@upstash/redis/fastly";

const handle = createHandler({
  limits: { rate: "60/60s" },
  stores: async ({ secrets }) => ({
    counters: upstashRateLimitStore(
      new Redis({
        url: "https://<db>.upstash.io",
        token: (await secrets.get("UPSTASH_TOKEN"))!,
        backend: "upstash",
      }),
    ),
  }),
});

addEventListener("fetch", (event) => event.respondWith(handle(event)));
