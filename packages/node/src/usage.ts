/** Per-key usage counters (`GET /_sluice/usage`): `@sluice/redis`'s, one atomic `HINCRBY` script per call. */
export { redisUsageStore, type RedisUsageOptions } from "@sluice/redis";
