// `node bench/sse-reader.mjs [core dist folder]`: CPU time of the SSE usage reader (core's SseReader, from
// the built packages/core/dist or another build of it) on what an upstream can send: ordinary text deltas, and one very long line
// arriving in small chunks (which the reader once rescanned whole on every chunk). Median of 5 runs, in ms.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const dist = process.argv[2] ?? join(import.meta.dirname, "../packages/core/dist");
const { SseReader } = await import(pathToFileURL(join(dist, "index.js")).href);
const encoder = new TextEncoder();

function chunks(text, size) {
  const all = encoder.encode(text);
  const out = [];
  for (let i = 0; i < all.byteLength; i += size) out.push(all.subarray(i, i + size));
  return out;
}

function time(parts) {
  const runs = [];
  for (let run = 0; run < 5; run++) {
    let seen = 0;
    const reader = new SseReader(() => seen++);
    const start = process.cpuUsage();
    for (const part of parts) reader.push(part);
    reader.end();
    const used = process.cpuUsage(start);
    runs.push((used.user + used.system) / 1000);
  }
  return runs.sort((a, b) => a - b)[2].toFixed(1);
}

const delta = (i) =>
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"token ${i} "}}\n\n`;
const deltas = Array.from({ length: 100_000 }, (_, i) => delta(i)).join("");
const line = (n) => `data: {"type":"response.completed","usage":{"x":"${"a".repeat(n)}"}}\n\n`;

console.log("100,000 text deltas, one read each:", time(chunks(deltas, 120)), "ms");
console.log("100,000 text deltas, 64 KB reads:  ", time(chunks(deltas, 64 * 1024)), "ms");
for (const mib of [1, 3])
  console.log(`one ${mib} MiB line in 1 KB chunks:      `, time(chunks(line(mib * 1024 * 1024), 1024)), "ms");
