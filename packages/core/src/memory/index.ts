/** @module In-memory ports for tests, demos and single-process servers. */
export { memorySecrets } from "./secrets.js";
export { memoryRateLimitStore } from "./rate-limit.js";
export { memoryCache } from "./cache.js";
export { memoryMetrics } from "./metrics.js";
export { memoryObjects } from "./objects.js";
