/**
 * `test/upstash.ts` for Vercel projects with Upstash: the Upstash REST protocol `@upstash/redis` speaks, served
 * in front of a real redis-server by a minimal RESP client (the repository's packages/upstash test bridge, in
 * one file), so the tests need no Upstash account. What the protocol needs, per Upstash's REST API docs:
 * `POST /` with one command, `POST /pipeline` with many, `POST /multi-exec` atomically, a bearer token, and
 * base64 strings when `Upstash-Encoding: base64` is asked (the client asks by default).
 */
import type { Files } from "./files.js";

const UPSTASH = String.raw`// An Upstash-REST-compatible server in front of a real redis-server, for the tests (no Upstash account).
import { createServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";

type Reply = Buffer | number | null | Reply[] | { status: string } | { error: string };

/** One pipelined RESP2 connection: the commands of one send go out in one write, so MULTI…EXEC never interleaves. */
class Resp {
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void }[] = [];

  constructor(private readonly socket: Socket) {
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (let parsed = parse(this.buffer, 0); parsed; parsed = parse(this.buffer, 0)) {
        this.buffer = this.buffer.subarray(parsed.end);
        this.waiting.shift()?.resolve(parsed.reply);
      }
    });
    socket.on("close", () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error("redis connection closed"));
    });
  }

  send(commands: string[][]): Promise<Reply[]> {
    const parts: Buffer[] = [];
    for (const command of commands) {
      parts.push(Buffer.from("*" + command.length + "\r\n"));
      for (const arg of command) {
        const bytes = Buffer.from(arg, "utf8");
        parts.push(Buffer.from("$" + bytes.length + "\r\n"), bytes, Buffer.from("\r\n"));
      }
    }
    const replies = commands.map(() => new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject })));
    this.socket.write(Buffer.concat(parts));
    return Promise.all(replies);
  }
}

function parse(buf: Buffer, start: number): { reply: Reply; end: number } | null {
  const lineEnd = buf.indexOf("\r\n", start);
  if (start >= buf.length || lineEnd < 0) return null;
  const type = String.fromCharCode(buf[start]!);
  const line = buf.toString("utf8", start + 1, lineEnd);
  const next = lineEnd + 2;
  if (type === "+") return { reply: { status: line }, end: next };
  if (type === "-") return { reply: { error: line }, end: next };
  if (type === ":") return { reply: Number(line), end: next };
  const count = Number(line);
  if (count < 0) return { reply: null, end: next };
  if (type === "$") {
    if (buf.length < next + count + 2) return null;
    return { reply: buf.subarray(next, next + count), end: next + count + 2 };
  }
  const items: Reply[] = [];
  let at = next;
  for (let i = 0; i < count; i++) {
    const item = parse(buf, at);
    if (!item) return null;
    items.push(item.reply);
    at = item.end;
  }
  return { reply: items, end: at };
}

const isError = (reply: Reply): reply is { error: string } =>
  typeof reply === "object" && reply !== null && "error" in reply;

/** A reply as Upstash's JSON: strings base64 when asked, except a top-level "OK" status. */
function toJson(reply: Reply, base64: boolean, top: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (Buffer.isBuffer(reply)) return reply.toString(base64 ? "base64" : "utf8");
  if (Array.isArray(reply)) return reply.map((r) => (isError(r) ? r.error : toJson(r, base64, false)));
  if ("status" in reply) {
    return base64 && !(top && reply.status === "OK") ? Buffer.from(reply.status).toString("base64") : reply.status;
  }
  return reply.error;
}

const item = (reply: Reply, base64: boolean) =>
  isError(reply) ? { error: reply.error } : { result: toJson(reply, base64, true) };

function toArgs(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0) throw new Error("ERR a command is a non-empty array");
  return command.map((a) => (typeof a === "string" ? a : JSON.stringify(a)));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export interface Upstash {
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Upstash REST on a free loopback port, in front of the redis-server on redisPort. */
export async function startUpstash(redisPort: number, token = "test-upstash-token"): Promise<Upstash> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ port: redisPort, host: "127.0.0.1" }, () => resolve(s)).once("error", reject);
  });
  const redis = new Resp(socket);

  async function answer(path: string, body: string, base64: boolean): Promise<[number, unknown]> {
    if (path === "/pipeline") {
      const replies = await redis.send((JSON.parse(body) as unknown[]).map(toArgs));
      return [200, replies.map((r) => item(r, base64))];
    }
    if (path === "/multi-exec") {
      const replies = await redis.send([["MULTI"], ...(JSON.parse(body) as unknown[]).map(toArgs), ["EXEC"]]);
      const exec = replies[replies.length - 1]!;
      if (!Array.isArray(exec)) return [400, { error: isError(exec) ? exec.error : "ERR transaction aborted" }];
      return [200, exec.map((r) => item(r, base64))];
    }
    const command = path === "/" ? toArgs(JSON.parse(body)) : path.split("/").filter(Boolean).map(decodeURIComponent);
    if (path !== "/" && body) command.push(body);
    const result = item((await redis.send([command]))[0]!, base64);
    return ["error" in result ? 400 : 200, result];
  }

  const server = createServer(async (request, response) => {
    const send = (status: number, json: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(json));
    };
    if (request.headers.authorization !== "Bearer " + token) return send(401, { error: "Unauthorized" });
    const path = new URL(request.url ?? "/", "http://upstash").pathname;
    try {
      const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      send(...(await answer(path, await readBody(request), base64)));
    } catch (error) {
      send(400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: "http://127.0.0.1:" + port,
    token,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      socket.destroy();
    },
  };
}
`;

/** The Upstash REST stand-in over a real redis-server. */
export function upstashBridge(): Files {
  return { "test/upstash.ts": UPSTASH };
}
