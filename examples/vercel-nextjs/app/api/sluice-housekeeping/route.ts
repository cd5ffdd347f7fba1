// app/api/sluice-housekeeping/route.ts: the Vercel Cron Job of vercel.json. Once a day it rolls old usage
// into one row per key and day and deletes rows past the retention, so Upstash does not grow forever.
// Vercel calls it with "Authorization: Bearer $CRON_SECRET"; without CRON_SECRET it answers 500 naming the fix.
import { createHousekeepingRoute, redisFromEnv } from "@sluice/vercel";
import { Redis } from "@upstash/redis";

export const runtime = "nodejs";

export const { GET } = createHousekeepingRoute({ redis: () => redisFromEnv(Redis) });
