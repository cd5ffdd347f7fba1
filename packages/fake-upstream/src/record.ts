// Every request is recorded so tests (in this process or another, via /_fake/records) can assert
// exactly what a gateway sent upstream and whether it hung up early.

export type ProviderName = "anthropic" | "openai" | "gemini" | "groq" | "cerebras";

export const BODY_PREVIEW_BYTES = 64 * 1024;

export interface FakeRecord {
  /** 1, 2, 3… in arrival order; keeps counting across reset() so ids never repeat. */
  id: number;
  provider: ProviderName;
  method: string;
  /** Full path including the provider prefix, without the query string. */
  path: string;
  query: Record<string, string>;
  /** Every request header, names lowercased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  bodySha256: string;
  bodyLength: number;
  /** The first 64 KB of the body as UTF-8 (absent for an empty body). */
  body?: string;
  /** The client closed the connection before the response was finished. */
  aborted: boolean;
  /** The response was sent in full. */
  completed: boolean;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Epoch milliseconds when the exchange ended (either way); absent while in flight. */
  endedAt?: number;
  /** Status sent (or about to be sent); 0 until headers go out. */
  status: number;
  /** Response body bytes written so far (updated live while streaming). */
  bytesSent: number;
}

export interface FakeStats {
  inFlight: number;
  maxInFlight: number;
  /** Requests per path (prefix included, query excluded). */
  counts: Record<string, number>;
}

type Waiter = { pred: (r: FakeRecord) => boolean; done: (r: FakeRecord) => void };

export class Recorder {
  readonly records: FakeRecord[] = [];
  #counts: Record<string, number> = {};
  #inFlight = 0;
  #maxInFlight = 0;
  #nextId = 1;
  /** Records with a smaller id began before the last reset(). */
  #firstId = 1;
  #perProvider = new Map<ProviderName, number>();
  #waiters = new Set<Waiter>();

  /** Oldest records are dropped beyond `maxRecords`, so a long benchmark cannot exhaust memory. */
  constructor(readonly maxRecords = 50_000) {}

  begin(rec: Omit<FakeRecord, "id">): FakeRecord {
    const record: FakeRecord = { id: this.#nextId++, ...rec };
    this.records.push(record);
    if (this.records.length > this.maxRecords) this.records.splice(0, this.records.length - this.maxRecords);
    this.#perProvider.set(record.provider, (this.#perProvider.get(record.provider) ?? 0) + 1);
    this.#counts[record.path] = (this.#counts[record.path] ?? 0) + 1;
    this.#inFlight++;
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
    this.changed(record);
    return record;
  }

  /** Called once when the exchange ends, however it ends. */
  end(record: FakeRecord, outcome: { aborted: boolean; completed: boolean }): void {
    record.aborted = outcome.aborted;
    record.completed = outcome.completed;
    record.endedAt = Date.now();
    // A reset() during the request already zeroed the gauge; do not count this one twice.
    if (record.id >= this.#firstId) this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.changed(record);
  }

  changed(record: FakeRecord): void {
    for (const w of this.#waiters) {
      if (w.pred(record)) {
        this.#waiters.delete(w);
        w.done(record);
      }
    }
  }

  stats(): FakeStats {
    return { inFlight: this.#inFlight, maxInFlight: this.#maxInFlight, counts: { ...this.#counts } };
  }

  /** Requests made so far to one provider; drives the decreasing rate-limit headers. */
  countFor(provider: ProviderName): number {
    return this.#perProvider.get(provider) ?? 0;
  }

  reset(): void {
    this.records.length = 0;
    this.#counts = {};
    this.#inFlight = 0;
    this.#maxInFlight = 0;
    this.#perProvider.clear();
    this.#firstId = this.#nextId;
  }

  waitFor(pred: (r: FakeRecord) => boolean, timeoutMs: number): Promise<FakeRecord> {
    const hit = this.records.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        done: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`fake-upstream: no matching record within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
