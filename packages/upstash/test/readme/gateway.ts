// gateway.ts: the stores on Upstash, with the adapters' env names for the rest
import { createGateway, gatewayOptionsFromEnv } from "@sluice/core";
import { redisFromEnv, upstashCache, upstashRateLimitStore } from "@sluice/upstash";
import { Redis } from "@upstash/redis";

const redis = redisFromEnv(Redis); // undefined when UPSTASH_REDIS_REST_URL/_TOKEN are unset
if (!redis) throw new Error("Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
export const gateway = createGateway({
  ...gatewayOptionsFromEnv(process.env),
  limits: { rate: "60/60s" },
  stores: { counters: upstashRateLimitStore(redis), cache: upstashCache(redis) },
});
