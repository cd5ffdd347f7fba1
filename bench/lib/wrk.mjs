// Saturating throughput with wrk (Debian package): one thread, fixed connections, a POST from a Lua script.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "sluice-bench-"));

export function wrk(url, { body, headers, seconds, connections = 32 }) {
  const script = join(dir, `post-${Math.random().toString(36).slice(2)}.lua`);
  const lines = [`wrk.method = "POST"`, `wrk.body = ${JSON.stringify(body)}`];
  for (const [name, value] of Object.entries(headers))
    lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  writeFileSync(script, lines.join("\n"));
  return new Promise((resolve, reject) => {
    // A long stream on a loaded machine can take seconds: wrk's default 2 s timeout would drop it uncounted.
    const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "30s", "-s", script, url];
    execFile("wrk", args, (error, stdout) => {
      if (error) return reject(error);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
      const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
      const errors = /Socket errors:(.*)/.exec(stdout)?.[1]?.trim();
      resolve({ rps, requests, non2xx, errors, raw: stdout });
    });
  });
}
