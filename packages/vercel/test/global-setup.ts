/**
 * Starts what every test file shares: a real redis-server on a free loopback port (no persistence) and the
 * Upstash REST bridge in front of it; stops both when the run ends.
 */
import type { TestProject } from "vitest/node";
import { redisServerAvailable, startRedisServer } from "../../redis/test/tooling/redis-server.js";
import { startUpstashBridge } from "../../upstash/test/tooling/upstash-bridge.js";

declare module "vitest" {
  export interface ProvidedContext {
    upstash: { url: string; token: string; redisPort: number };
  }
}

export default async function setup(project: TestProject) {
  if (!redisServerAvailable()) {
    throw new Error(
      "redis-server is not installed: `apt-get install -y redis-server` (the Upstash tests need a real Redis).",
    );
  }
  const redis = await startRedisServer();
  const bridge = await startUpstashBridge(redis.port);
  project.provide("upstash", { url: bridge.url, token: bridge.token, redisPort: redis.port });
  return async () => {
    await bridge.close();
    await redis.stop();
  };
}
