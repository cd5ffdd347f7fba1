/** Starts a throwaway `redis-server` on a free loopback port: no persistence, stopped by `stop()`. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { RespConnection } from "./resp.js";

export interface RedisServer {
  port: number;
  stop(): Promise<void>;
}

export function redisServerAvailable(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `port`: a chosen one (a test that brings Redis up where a client already waits); default a free one. */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  for (let attempt = 0; ; attempt++) {
    try {
      const probe = await RespConnection.open(port);
      await probe.send([["PING"]]);
      probe.close();
      break;
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null) {
        child.kill("SIGKILL");
        throw new Error(`redis-server did not start on ${port}: ${stderr || String(error)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
