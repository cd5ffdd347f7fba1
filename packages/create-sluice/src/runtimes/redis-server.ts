/**
 * `test/redis-server.ts` for the projects whose features keep state in Redis (node: over TCP; vercel: through
 * an Upstash REST bridge): a throwaway `redis-server` on a free loopback port, so the tests need no account.
 */
import type { Files } from "./files.js";

const REDIS_SERVER = String.raw`// A throwaway redis-server for the tests: a free loopback port, no persistence, stopped when they end.
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";

export interface RedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

const INSTALL =
  "The tests start a throwaway redis-server, and none is installed: install Redis " +
  "(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and run the tests again.";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(String(data).startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const child = spawn("redis-server", args, { stdio: "ignore" });
  let failure: Error | undefined;
  child.once("error", (error: NodeJS.ErrnoException) => {
    failure = error.code === "ENOENT" ? new Error(INSTALL) : error;
  });
  for (let attempt = 0; attempt < 200; attempt++) {
    if (failure) throw failure;
    if (child.exitCode !== null) throw new Error("redis-server exited at once (code " + child.exitCode + ")");
    if (await answersPing(port)) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      return {
        port,
        url: "redis://127.0.0.1:" + port,
        stop: async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error("redis-server did not answer PING on port " + port);
}
`;

/** The throwaway redis-server the tests start. */
export function redisServer(): Files {
  return { "test/redis-server.ts": REDIS_SERVER };
}
