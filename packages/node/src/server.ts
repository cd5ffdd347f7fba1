/**
 * A `node:http` server in front of a fetch handler: each request becomes a web `Request` (its body streamed,
 * its signal aborted when the client goes away), each web `Response` streams back with backpressure, and a
 * shutdown (SIGTERM) finishes in-flight requests and the handler's background work before exiting.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  type HousekeepingScheduleOptions,
  type HousekeepingTarget,
  scheduleHousekeeping,
} from "./housekeeping.js";

/** A fetch handler; one from `createHandler` also drains its background work and closes its Redis. */
export interface FetchHandler extends HousekeepingTarget {
  (request: Request): Promise<Response>;
  drain?(): Promise<void>;
  close?(): Promise<void>;
}

export interface ServeOptions {
  /** Default `PORT` from the environment, else 8787. 0 picks a free port. */
  port?: number;
  /** Default "0.0.0.0" (every interface, as a container needs). */
  hostname?: string;
  /** How long a shutdown waits for in-flight requests and background work. Default 25 s. */
  drainMs?: number;
  /** Signals that start a graceful shutdown. Default SIGTERM and SIGINT; `[]` to handle them yourself. */
  signals?: NodeJS.Signals[];
  /** Runs after the drain and the handler's `close()`. */
  onShutdown?: () => Promise<void> | void;
  /**
   * Usage housekeeping (rollup and prune) when the handler has it: at start, then every `everyMs` (default
   * hourly), by one of the processes sharing the Redis (a lock per period). `false` turns it off, e.g. when a
   * cron job of your own calls `handler.housekeeping()`.
   */
  housekeeping?: false | HousekeepingScheduleOptions;
}

export interface NodeServer {
  server: Server;
  /** `http://host:port` the server listens on. */
  url: string;
  /** Stops accepting, waits for in-flight requests and background work (up to `drainMs`), then closes. */
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.flushHeaders(); // an SSE client sees the status before the first event
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  // A client that leaves cancels the body, which core passes on to the upstream call.
  const cancel = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) break;
      // Backpressure: a slow client pauses the read, so nothing piles up in memory.
      if (!res.write(value)) await once(res, "drain", { signal }).catch(() => {});
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

/**
 * Serves a fetch handler (a Sluice gateway's `fetch`) over `node:http`.
 *
 * @example
 * ```ts
 * await serve(createHandler());
 * ```
 */
export async function serve(handler: FetchHandler, options: ServeOptions = {}): Promise<NodeServer> {
  const { hostname = "0.0.0.0", drainMs = 25_000, signals = ["SIGTERM", "SIGINT"], onShutdown } = options;
  const port = options.port ?? Number(process.env.PORT || 8787);
  const server = createServer(async (req, res) => {
    const controller = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      const response = await handler(toRequest(req, controller.signal));
      await send(res, response, controller.signal);
    } catch (error) {
      console.error(`sluice: request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ error: { message: "Internal error in the gateway.", type: "internal_error" } }),
      );
    }
  });
  server.listen(port, hostname);
  await once(server, "listening");
  const { port: bound } = server.address() as AddressInfo;
  const schedule =
    options.housekeeping === false ? undefined : scheduleHousekeeping(handler, options.housekeeping);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const deadline = new Promise((resolve) => setTimeout(resolve, drainMs).unref());
      const stopped = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await Promise.race([stopped, deadline]);
      await Promise.race([Promise.all([handler.drain?.(), schedule?.stop()]), deadline]);
      server.closeAllConnections();
      await handler.close?.();
      await onShutdown?.();
    })());
  for (const signal of signals) process.once(signal, () => void close());

  return {
    server,
    url: `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${bound}`,
    close,
  };
}
