/**
 * Managed client keys (the admin API): `@sluice/redis`'s key store, one hash per key by its SHA-256, so a
 * revocation holds in every process from the next request.
 */
export { redisKeyStore, type RedisKeyStore, type RedisKeyStoreOptions } from "@sluice/redis";
