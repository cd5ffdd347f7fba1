/** The response cache: `@sluice/redis`'s, one string per entry with Redis's own expiry. */
export { redisCache, type RedisCacheOptions } from "@sluice/redis";
