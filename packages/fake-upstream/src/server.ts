// The HTTP server: one listener, every provider under its own prefix. It owns what is common to
// all providers — recording, in-flight accounting, the order of checks (route → key → scripted
// fault → handler) and the non-streaming faults — and leaves wire formats to src/providers.
import { createHash } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { computeUsage, parseEventsHeader, parseUsageHeader } from "./content.js";
import { FaultCounters, type Faults } from "./faults.js";
import { type FakeKeys, resolveKeys } from "./keys.js";
import { anthropic } from "./providers/anthropic.js";
import { cerebras } from "./providers/cerebras.js";
import { gemini } from "./providers/gemini.js";
import { groq } from "./providers/groq.js";
import { openai } from "./providers/openai.js";
import type { OutHeaders, Provider, Reply, RequestContext } from "./providers/types.js";
import {
  BODY_PREVIEW_BYTES,
  type FakeRecord,
  type FakeStats,
  type ProviderName,
  Recorder,
} from "./record.js";
import { type StreamIo, runStream, sleep, stall } from "./sse.js";

const PROVIDERS: Record<ProviderName, Provider> = { anthropic, openai, gemini, groq, cerebras };

export interface FakeUpstreamOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted keys per provider; a provider listed here no longer accepts its FAKE_KEYS default. */
  keys?: FakeKeys;
  /** Oldest records are dropped beyond this many (default 50 000). */
  maxRecords?: number;
}

export interface BaseUrls {
  anthropic: string;
  openai: string;
  gemini: string;
  groq: string;
  cerebras: string;
}

export interface FakeUpstream {
  url: string;
  port: number;
  baseUrls: BaseUrls;
  /** Live list of recorded requests (cleared in place by reset()). */
  records: FakeRecord[];
  stats(): FakeStats;
  /** Clears records, counters, fault ids and maxInFlight. */
  reset(): void;
  close(): Promise<void>;
  /** Resolves with the first record (existing or future, incl. updates) matching `pred`. */
  waitForRecord(pred: (r: FakeRecord) => boolean, timeoutMs?: number): Promise<FakeRecord>;
}

const HTML_BODY =
  '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Just a moment...</title></head>\n<body><h1>Please wait while we check your browser</h1><p>This page was served by sluice fake-upstream (x-fake-fault: wrong-content-type).</p></body>\n</html>\n';

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    // A client that hangs up mid-upload still gets its partial body recorded.
    req.on("error", () => resolve(Buffer.concat(chunks)));
    req.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

function parseJson(body: Buffer): { json: Record<string, unknown> | undefined; badJson: boolean } {
  if (body.length === 0) return { json: undefined, badJson: false };
  try {
    const v: unknown = JSON.parse(body.toString("utf8"));
    if (v && typeof v === "object" && !Array.isArray(v))
      return { json: v as Record<string, unknown>, badJson: false };
  } catch {
    // fall through
  }
  return { json: undefined, badJson: true };
}

export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const host = opts.host ?? "127.0.0.1";
  const keys = resolveKeys(opts.keys);
  const recorder = new Recorder(opts.maxRecords);
  const faultCounters = new FaultCounters();
  const lifetime = new AbortController();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`fake-upstream internal error: ${String(err)}`);
      } else res.destroy();
    });
  });
  server.timeout = 0;
  server.requestTimeout = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake-upstream");
    if (url.pathname.startsWith("/_fake/")) return control(req, res, url.pathname);

    const [, prefix = "", ...rest] = url.pathname.split("/");
    const provider = PROVIDERS[prefix as ProviderName] as Provider | undefined;
    if (!provider) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `fake-upstream: unknown provider prefix "/${prefix}"` } }));
      return;
    }

    const record = recorder.begin({
      provider: provider.name,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: lowerHeaders(req),
      bodySha256: "",
      bodyLength: 0,
      aborted: false,
      completed: false,
      startedAt: Date.now(),
      status: 0,
      bytesSent: 0,
    });
    // One signal per exchange: aborted when the client leaves or the server shuts down.
    const exchange = new AbortController();
    const onShutdown = () => exchange.abort();
    lifetime.signal.addEventListener("abort", onShutdown);
    let selfDestroyed = false;
    res.on("close", () => {
      lifetime.signal.removeEventListener("abort", onShutdown);
      const completed = res.writableFinished && !selfDestroyed;
      if (!res.writableFinished) exchange.abort();
      // Neither our own resets/stall cut-offs nor close() count as the client going away.
      recorder.end(record, { completed, aborted: !completed && !selfDestroyed && !lifetime.signal.aborted });
    });

    const body = await readBody(req);
    record.bodyLength = body.length;
    record.bodySha256 = createHash("sha256").update(body).digest("hex");
    if (body.length > 0) record.body = body.subarray(0, BODY_PREVIEW_BYTES).toString("utf8");
    recorder.changed(record);
    if (exchange.signal.aborted) return;

    const headers = record.headers;
    const events = parseEventsHeader(headers["x-fake-events"]);
    const usageOverride = parseUsageHeader(headers["x-fake-usage"]);
    const { json, badJson } = parseJson(body);
    const ctx: RequestContext = {
      provider: provider.name,
      method: record.method,
      subpath: `/${rest.join("/")}`,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
      badJson,
      seq: record.id,
      requestCount: recorder.countFor(provider.name),
      events,
      usageFor: (count) => computeUsage(body.length, count, usageOverride),
      keys: keys[provider.name],
      created: Math.floor(record.startedAt / 1000),
    };

    const io: StreamIo = {
      res,
      signal: exchange.signal,
      onBytes: (n) => {
        record.bytesSent += n;
      },
      markSelfDestroyed: () => {
        selfDestroyed = true;
      },
    };

    const handler = provider.route(ctx);
    if (!handler) return send(io, record, provider.notFound(ctx), {}, events);
    const denied = provider.authenticate(ctx);
    if (denied) return send(io, record, denied, {}, events);
    const faults = faultCounters.resolve(headers["x-fake-fault"]);
    let reply: Reply;
    if (faults.status !== undefined && faults.status >= 400) {
      reply = provider.error(ctx, faults.status, {
        retryAfter: faults.retryAfter,
        retryAfterMs: faults.retryAfterMs,
      });
    } else {
      reply = handler(ctx);
    }
    if (faults.wrongContentType) {
      reply = {
        kind: "json",
        status: faults.status ?? 200,
        headers: { "content-type": "text/html" },
        body: HTML_BODY,
      };
    }
    return send(io, record, reply, faults, events);
  }

  async function send(io: StreamIo, record: FakeRecord, reply: Reply, faults: Faults, events: number) {
    const { res, signal } = io;
    if (faults.delayHeaders && !(await sleep(faults.delayHeaders, signal))) return;
    if (signal.aborted) return;
    if (reply.kind === "json") {
      // A plain JSON reply has no events to count, so reset/stall act before any byte is sent.
      if (faults.resetAfter !== undefined) {
        io.markSelfDestroyed();
        res.socket?.resetAndDestroy();
        return;
      }
      if (faults.stallAfter !== undefined) return stall(io);
      let body = Buffer.from(reply.body);
      if (faults.truncatedJson) body = body.subarray(0, Math.floor(body.length / 2));
      record.status = reply.status;
      res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) });
      io.onBytes(body.length);
      res.end(body);
      return;
    }
    record.status = reply.status;
    res.writeHead(reply.status, reply.headers as OutHeaders);
    res.flushHeaders();
    await runStream(io, reply.stream, faults, events);
  }

  function control(req: IncomingMessage, res: ServerResponse, path: string): void {
    req.resume();
    let status = 200;
    let value: unknown;
    if (req.method === "GET" && path === "/_fake/records") value = recorder.records;
    else if (req.method === "GET" && path === "/_fake/stats") value = recorder.stats();
    else if (req.method === "POST" && path === "/_fake/reset") {
      reset();
      value = { ok: true };
    } else {
      status = 404;
      value = { error: { message: `fake-upstream: unknown control route ${req.method} ${path}` } };
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  }

  function reset(): void {
    recorder.reset();
    faultCounters.reset();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    baseUrls: {
      anthropic: `${url}/anthropic`,
      openai: `${url}/openai/v1`,
      gemini: `${url}/gemini`,
      groq: `${url}/groq`,
      cerebras: `${url}/cerebras`,
    },
    get records() {
      return recorder.records;
    },
    stats: () => recorder.stats(),
    reset,
    waitForRecord: (pred, timeoutMs = 5000) => recorder.waitFor(pred, timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        lifetime.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
