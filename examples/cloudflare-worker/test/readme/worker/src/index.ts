// src/index.ts
import { createWorker } from "@sluice/cloudflare";
export { SluiceRateLimiter } from "@sluice/cloudflare"; // the rate-limit Durable Object

export default createWorker();
