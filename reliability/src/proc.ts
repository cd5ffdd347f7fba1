/**
 * Memory of the processes `wrangler dev` started, read from Linux /proc: the wrangler process is found as a
 * child of this process by its `--port`, and since it leads its own process group (spawned detached), every
 * workerd in that group is the runtime serving the Worker. Linux only; elsewhere `findGroup` returns undefined.
 */
import { readFileSync, readdirSync } from "node:fs";

interface Stat {
  pid: number;
  ppid: number;
  pgrp: number;
  comm: string;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may contain spaces; the fields after the last ")" are fixed.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    return { pid, comm, ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function processes(): Stat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => stat(Number(name)) ?? []);
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** The process group of the `wrangler dev` this process started on `port`. */
export function findWranglerGroup(port: number): number | undefined {
  const mine = processes().filter((p) => p.ppid === process.pid);
  const wrangler = mine.find((p) => {
    const args = cmdline(p.pid);
    const at = args.indexOf("--port");
    return args.some((a) => a.endsWith("wrangler.js")) && args[at + 1] === String(port);
  });
  return wrangler?.pgrp;
}

/** Resident set size in bytes, or 0 when the process is gone. */
function rss(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface GroupMemory {
  /** Summed RSS of the group's workerd processes. */
  workerd: number;
  /** RSS of everything else in the group (wrangler's Node process, its proxy, esbuild). */
  other: number;
  workerdPids: number[];
}

function groupMemory(pgrp: number): GroupMemory {
  const members = processes().filter((p) => p.pgrp === pgrp);
  const workerd = members.filter((p) => p.comm.includes("workerd"));
  const rest = members.filter((p) => !p.comm.includes("workerd"));
  return {
    workerd: workerd.reduce((sum, p) => sum + rss(p.pid), 0),
    other: rest.reduce((sum, p) => sum + rss(p.pid), 0),
    workerdPids: workerd.map((p) => p.pid),
  };
}

/** Samples `groupMemory` (and how many requests were answered so far) every `everyMs` until stopped. */
export function sampleMemory(pgrp: number, answered: () => number, everyMs = 1_000) {
  const samples: (GroupMemory & { atMs: number; answered: number })[] = [];
  const started = Date.now();
  const take = () => samples.push({ atMs: Date.now() - started, answered: answered(), ...groupMemory(pgrp) });
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Least-squares slope of y over x: here bytes of RSS per answered request. */
export function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}
