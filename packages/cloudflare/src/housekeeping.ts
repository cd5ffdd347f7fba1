/**
 * The Worker's `scheduled` handler: one housekeeping pass of the gateway (usage rolled up to days, rows past
 * the retention deleted) per cron trigger, logged as one JSON line. The rate limiter's Durable Objects expire
 * their buckets by alarm, so only the usage store has work here.
 */
import type { Built } from "./handler.js";

export type SluiceScheduledHandler<E> = (
  controller: ScheduledController,
  env: E,
  ctx: ExecutionContext,
) => Promise<void>;

const LOG = "sluice.housekeeping";

/** Errors are logged by message only: a configuration error names bindings and variables, never their values. */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function housekeepingHandler<E extends object>(build: (env: E) => Built): SluiceScheduledHandler<E> {
  // Awaited, not handed to `waitUntil`: the runtime sees the rejection and marks the cron event failed.
  return async (controller, env, _ctx) => {
    await run(build, env, controller);
  };
}

async function run<E extends object>(build: (env: E) => Built, env: E, controller: ScheduledController) {
  const cron = controller.cron;
  let built: Built;
  try {
    built = build(env);
  } catch (error) {
    console.error(JSON.stringify({ event: LOG, cron, error: `configuration error: ${messageOf(error)}` }));
    throw error;
  }
  if (!built.usage) {
    console.log(
      JSON.stringify({
        event: LOG,
        cron,
        skipped:
          "no usage store: bind the SluiceUsage Durable Object as USAGE to record (and keep tidy) usage rows",
      }),
    );
    return;
  }
  try {
    // The trigger's own time, not the clock: a late or replayed run keeps the retention of its slot.
    const report = await built.gateway.housekeeping(controller.scheduledTime);
    console.log(JSON.stringify({ event: LOG, cron, ...report }));
  } catch (error) {
    console.error(JSON.stringify({ event: LOG, cron, error: messageOf(error) }));
    throw error; // the cron event is marked failed in the dashboard's Cron Events
  }
}
