/**
 * A minimal, binary-safe RESP2 client over one pipelined TCP connection. Commands written in one `send`
 * go out in one write, so a MULTI … EXEC block can never interleave with another request's commands.
 */
import { connect, type Socket } from "node:net";

export type Reply = Buffer | number | null | Reply[] | { status: string } | { error: string };

export class RespConnection {
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      for (;;) {
        const parsed = parse(this.buffer, 0);
        if (!parsed) break;
        this.buffer = this.buffer.subarray(parsed.end);
        this.waiting.shift()?.resolve(parsed.reply);
      }
    });
    const fail = (error: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(error);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("redis connection closed")));
  }

  static open(port: number, host = "127.0.0.1"): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RespConnection(socket)));
      socket.setNoDelay(true);
      socket.once("error", reject);
    });
  }

  /** Sends every command in one write and resolves with their replies, in order. */
  send(commands: (string | Buffer)[][]): Promise<Reply[]> {
    const parts: Buffer[] = [];
    for (const command of commands) {
      parts.push(Buffer.from(`*${command.length}\r\n`));
      for (const arg of command) {
        const bytes = typeof arg === "string" ? Buffer.from(arg, "utf8") : arg;
        parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
      }
    }
    const replies = commands.map(
      () => new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(parts));
    return Promise.all(replies);
  }

  close(): void {
    this.socket.destroy();
  }
}

function parse(buf: Buffer, start: number): { reply: Reply; end: number } | null {
  if (start >= buf.length) return null;
  const lineEnd = buf.indexOf("\r\n", start);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buf[start]!);
  const line = buf.toString("utf8", start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { reply: { status: line }, end: next };
    case "-":
      return { reply: { error: line }, end: next };
    case ":":
      return { reply: Number(line), end: next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { reply: null, end: next };
      if (buf.length < next + length + 2) return null;
      return { reply: buf.subarray(next, next + length), end: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: null, end: next };
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
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}
