/**
 * Sluice's housekeeping as a Vercel Cron Job route: Vercel calls the route's path on the schedule in
 * `vercel.json` with `Authorization: Bearer <CRON_SECRET>`, and the route runs `gateway.housekeeping()`.
 * https://vercel.com/docs/cron-jobs/manage-cron-jobs#securing-cron-jobs
 */
import { createGateway, type Gateway, sha256Hex } from "@sluice/core";
import { ConfigurationError, configurationErrorResponse } from "@sluice/core/adapter";
import { gatewayOptions } from "./env.js";
import type { VercelHandlerOptions } from "./handler.js";
import { envSecrets } from "./secrets.js";

/** The variable Vercel sends to cron routes as `Authorization: Bearer …`. */
export const CRON_SECRET = "CRON_SECRET";
/** Vercel recommends at least 16 random characters. */
const MIN_SECRET_LENGTH = 16;

/** The route's Next.js export: Vercel Cron Jobs call it with GET. */
export interface HousekeepingRoute {
  GET(request: Request): Promise<Response>;
}

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });

const unauthorized = (message: string) =>
  json({ error: { message, type: "unauthorized", code: 401 } }, 401, { "x-sluice-failure": "unauthorized" });

/** Equal strings by their SHA-256, so neither the time taken nor a length gives the secret away. */
async function sameSecret(presented: string, secret: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256Hex(presented), sha256Hex(secret)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * A route that runs one housekeeping pass (usage rollup and prune, by the gateway's `retention`) when Vercel
 * Cron calls it, and answers the report as JSON. It takes the same options as `createHandler` and builds its
 * own gateway on the first call (a route is its own function). Without `CRON_SECRET` (or with one shorter
 * than 16 characters) it answers 500 naming the fix; a missing or wrong bearer is a 401.
 *
 * @example
 * ```ts
 * // app/api/sluice-housekeeping/route.ts, with vercel.json: { "crons": [{ "path": "/api/sluice-housekeeping", "schedule": "0 3 * * *" }] }
 * import { createHousekeepingRoute, redisFromEnv } from "@sluice/vercel";
 * import { Redis } from "@upstash/redis";
 * export const { GET } = createHousekeepingRoute({ redis: () => redisFromEnv(Redis) });
 * ```
 */
export function createHousekeepingRoute(options: VercelHandlerOptions = {}): HousekeepingRoute {
  const secrets = options.secrets ?? envSecrets();
  let gateway: Promise<Gateway> | undefined;
  return {
    async GET(request) {
      const secret = await secrets.get(CRON_SECRET);
      if (!secret || secret.length < MIN_SECRET_LENGTH) {
        const problem = secret ? `is shorter than ${MIN_SECRET_LENGTH} characters` : "is not set";
        return configurationErrorResponse(
          request,
          new ConfigurationError(
            `${CRON_SECRET} ${problem}, so the housekeeping route cannot tell Vercel Cron from anyone else. ` +
              `Set ${CRON_SECRET} to a random string of at least ${MIN_SECRET_LENGTH} characters in the ` +
              "project's Environment Variables (Settings → Environment Variables) and redeploy; Vercel sends it " +
              "as `Authorization: Bearer …` when it calls the cron route.",
          ),
        );
      }
      const presented = request.headers
        .get("authorization")
        ?.match(/^Bearer\s+(.+)$/i)?.[1]
        ?.trim();
      if (!presented) return unauthorized(`Send "Authorization: Bearer <${CRON_SECRET}>".`);
      if (!(await sameSecret(presented, secret))) return unauthorized(`Invalid ${CRON_SECRET}.`);

      gateway ??= gatewayOptions({ ...options, secrets }).then(createGateway);
      let ready: Gateway;
      try {
        ready = await gateway;
      } catch (error) {
        gateway = undefined; // retried on the next call: the environment may be fixed by then
        return configurationErrorResponse(request, error);
      }
      try {
        const report = await ready.housekeeping();
        console.log(JSON.stringify({ event: "sluice.housekeeping", ...report }));
        return json(report, 200);
      } catch (error) {
        // A store's error may name keys and hosts: the log gets it, the caller a fixed message.
        console.error(
          `[sluice] housekeeping failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        const message = "Housekeeping failed; see the function logs. The next run carries on.";
        return json({ error: { message, type: "internal_error", code: 500 } }, 500, {
          "x-sluice-failure": "internal_error",
        });
      }
    },
  };
}
