// src/index.ts
import { createWorker } from "@sluice/cloudflare";
// Durable Object classes must be exported by the entry module
export { SluiceKeys, SluiceRateLimiter, SluiceSessions, SluiceUsage } from "@sluice/cloudflare";

export default createWorker({
  metrics: { successSampleRate: 0.1 },
  hydrate: true, // sluice-object://<key> references filled from R2
  uploads: true, // POST /_sluice/uploads → pre-signed R2 PUT URL
  requestLog: { bodies: false }, // NDJSON batches in R2 under sluice-logs/
});
