// Latency at a fixed request rate below saturation (an open-loop schedule, so a slow response does not
// delay the next request), and time to first byte. Timings are performance.now() microsecond-precise.
import { Agent, request } from "undici";

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

export async function fixedRate(url, { body, headers, seconds, rate }) {
  const agent = new Agent({ connections: 64, pipelining: 1 });
  const total = Math.round(seconds * rate);
  const interval = 1000 / rate;
  const samples = [];
  let non2xx = 0;
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        const response = await request(url, { method: "POST", body, headers, dispatcher: agent });
        await response.body.dump({ limit: Number.POSITIVE_INFINITY });
        if (response.statusCode >= 300) non2xx++;
        samples.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(inFlight);
  await agent.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), non2xx, count: samples.length };
}

/**
 * Median milliseconds from sending a request to the first body byte, and to the first byte of the first event
 * holding `until` (e.g. the first token's event), over `count` sequential requests.
 */
export async function ttfb(url, { body, headers, count, until }) {
  const agent = new Agent({ connections: 1 });
  const first = [];
  const marked = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await request(url, { method: "POST", body, headers, dispatcher: agent });
    let text = "";
    for await (const chunk of response.body) {
      if (text === "") first.push(performance.now() - started);
      text += chunk.toString();
      if (!until || text.includes(until)) break;
    }
    if (until) marked.push(performance.now() - started);
    await response.body.dump({ limit: Number.POSITIVE_INFINITY }).catch(() => {});
  }
  await agent.close();
  first.sort((a, b) => a - b);
  marked.sort((a, b) => a - b);
  return until
    ? { firstByte: percentile(first, 0.5), marked: percentile(marked, 0.5) }
    : percentile(first, 0.5);
}

/** Reads a whole streamed response and returns its byte count. */
export async function drain(url, { body, headers }) {
  const response = await request(url, { method: "POST", body, headers });
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.byteLength;
  return bytes;
}
