// Long streams: CPU per event and throughput for 200- and 1,000-event streams (one TCP write per event),
// each target in its own workerd process so the process's CPU counter is that target's alone.
import { cpuSeconds } from "./proc.mjs";
import { wrk } from "./wrk.mjs";

/**
 * `targets`: [{ name, url, pid }], each in its own process. Alternates targets for `rounds` rounds and
 * returns, per event count and target, samples of { rps, cpuUsPerEvent, cpuMsPerStream }.
 */
export async function longStreams(targets, { request, eventCounts, seconds, rounds, connections = 8 }) {
  const out = {};
  for (const events of eventCounts) {
    const req = { ...request, headers: { ...request.headers, "x-fake-events": String(events) } };
    const url = (t) => `${t.url}${request.path ?? "/anthropic/v1/messages"}`;
    for (const t of targets) await wrk(url(t), { ...req, seconds: 1, connections });
    const samples = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const before = cpuSeconds(t.pid);
        const r = await wrk(url(t), { ...req, seconds, connections });
        const cpu = cpuSeconds(t.pid) - before;
        if (r.non2xx || r.errors)
          console.warn(
            `  ${t.name} ${events} events: ${r.non2xx} non-2xx, socket errors ${r.errors ?? "none"}`,
          );
        const sample = {
          rps: r.rps,
          cpuMsPerStream: (cpu * 1000) / r.requests,
          cpuUsPerEvent: (cpu * 1e6) / (r.requests * events),
        };
        samples[t.name].push(sample);
        console.log(
          `  ${String(events).padStart(5)} events ${t.name.padEnd(14)} ${r.rps.toFixed(1)} streams/s, ${sample.cpuMsPerStream.toFixed(2)} ms CPU/stream, ${sample.cpuUsPerEvent.toFixed(1)} µs/event`,
        );
      }
    }
    out[events] = samples;
  }
  return out;
}
