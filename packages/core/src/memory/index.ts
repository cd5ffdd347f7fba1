/** @module In-memory ports for tests, demos and single-process servers. */
export { memorySecrets } from "./secrets.js";
export { memoryRateLimitStore } from "./rate-limit.js";
export { memoryCache } from "./cache.js";
export { memoryMetrics } from "./metrics.js";
export { memoryObjects } from "./objects.js";
export { memoryKeyStore } from "./keys.js";
export { memoryUsageStore } from "./usage.js";
export { memoryResourceStore } from "./resources.js";
