/**
 * `SluiceSessions`: one SQLite-backed Durable Object per conversation. It stores each message's JSON text
 * exactly as it will be sent again, grouped in turns, so the history prefix is byte-identical on every call.
 */
import { DurableObject } from "cloudflare:workers";

export interface SessionCaps {
  /** Most messages kept; the oldest whole turns are dropped first. */
  maxMessages: number;
  /** Most bytes of message JSON kept. */
  maxBytes: number;
  /** A session idle this long is deleted by the alarm. */
  ttlSeconds: number;
}

export interface SessionHistory {
  /** Each message's JSON text, oldest first. */
  messages: string[];
  bytes: number;
}

/**
 * @example
 * // the entry module must export the class; wrangler config binds it as SESSIONS (new_sqlite_classes)
 * export { SluiceRateLimiter, SluiceSessions } from "@sluice/cloudflare";
 */
export class SluiceSessions extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, turn INTEGER NOT NULL, json TEXT NOT NULL, bytes INTEGER NOT NULL)",
    );
  }

  history(): SessionHistory {
    const rows = this.ctx.storage.sql
      .exec<{ json: string; bytes: number }>("SELECT json, bytes FROM messages ORDER BY seq")
      .toArray();
    return { messages: rows.map((r) => r.json), bytes: rows.reduce((sum, r) => sum + r.bytes, 0) };
  }

  /** Appends one turn (the client's new messages and the assistant's reply), then trims to the caps. */
  async append(messages: string[], caps: SessionCaps): Promise<SessionHistory> {
    const sql = this.ctx.storage.sql;
    const last = sql.exec<{ turn: number | null }>("SELECT MAX(turn) AS turn FROM messages").one().turn;
    const turn = (last ?? 0) + 1;
    for (const json of messages)
      sql.exec(
        "INSERT INTO messages (turn, json, bytes) VALUES (?, ?, ?)",
        turn,
        json,
        new TextEncoder().encode(json).byteLength,
      );
    // Whole turns go, oldest first, so the history always starts with a user message.
    for (;;) {
      const totals = sql
        .exec<{ n: number; bytes: number; turns: number }>(
          "SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes, COUNT(DISTINCT turn) AS turns FROM messages",
        )
        .one();
      if ((totals.n <= caps.maxMessages && totals.bytes <= caps.maxBytes) || totals.turns <= 1) break;
      sql.exec("DELETE FROM messages WHERE turn = (SELECT MIN(turn) FROM messages)");
    }
    await this.ctx.storage.setAlarm(Date.now() + caps.ttlSeconds * 1000);
    return this.history();
  }

  /** Forgets the conversation. */
  async clear(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
