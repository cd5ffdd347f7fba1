import type { SluiceKeys, SluiceRateLimiter, SluiceSessions, SluiceUsage } from "../src/index.js";

declare global {
  namespace Cloudflare {
    interface Env {
      RATE_LIMITER: DurableObjectNamespace<SluiceRateLimiter>;
      SESSIONS: DurableObjectNamespace<SluiceSessions>;
      KEYS: DurableObjectNamespace<SluiceKeys>;
      USAGE: DurableObjectNamespace<SluiceUsage>;
      CACHE: KVNamespace;
      OBJECTS: R2Bucket;
      RATE_LIMIT: RateLimit;
      METRICS: AnalyticsEngineDataset;
      R2_ACCOUNT_ID: string;
      R2_BUCKET_NAME: string;
      R2_ACCESS_KEY_ID: string;
      R2_SECRET_ACCESS_KEY: string;
      ANTHROPIC_API_KEY: string;
      SLUICE_KEYS: string;
      SLUICE_ADMIN_KEY: string;
    }
  }
}
