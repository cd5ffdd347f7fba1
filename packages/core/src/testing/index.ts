/**
 * @module Port contract suites. Every adapter runs them against its real storage in its real runtime:
 * `for (const c of rateLimitContract(() => myStore)) test(c.name, c.run)`.
 */
export { type ContractCase, ContractFailure, check, equal, freshKey, pause } from "./assert.js";
export { rateLimitContract, type RateLimitContractOptions } from "./rate-limit-contract.js";
export { cacheContract, type CacheContractOptions } from "./cache-contract.js";
export {
  metricsContract,
  samplePoint,
  METRIC_FIELDS,
  type MetricsContractOptions,
} from "./metrics-contract.js";
export { objectsContract } from "./objects-contract.js";
export { secretsContract } from "./secrets-contract.js";
export { keyStoreContract } from "./keys-contract.js";
export { usageStoreContract, type UsageContractOptions } from "./usage-contract.js";
export { resourcesContract } from "./resources-contract.js";
