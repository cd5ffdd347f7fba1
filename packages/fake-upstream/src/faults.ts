// Scripted faults, chosen per request by the `x-fake-fault` header, so one shared server can play
// every failure a real provider produces without restarting or reconfiguring it.

export interface Faults {
  status?: number;
  retryAfter?: string;
  retryAfterMs?: string;
  /** After N content events, send the provider's in-stream error and end. */
  inStreamOverload?: number;
  /** After N content events, reset the TCP connection. */
  resetAfter?: number;
  /** After N content events, go silent but keep the connection open. */
  stallAfter?: number;
  /** Milliseconds to wait before each content event and before the closing events. */
  drip?: number;
  /** Keep streaming content until about this many body bytes were sent. */
  huge?: number;
  /** Milliseconds to wait before sending the status line and headers. */
  delayHeaders?: number;
  truncatedJson?: boolean;
  wrongContentType?: boolean;
}

interface Parsed {
  faults: Faults;
  times?: number;
  id?: string;
}

const int = (v: string | undefined): number | undefined => {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isInteger(n) && n >= 0 ? n : undefined;
};

export function parseFaultHeader(value: string | undefined): Parsed {
  const faults: Faults = {};
  const parsed: Parsed = { faults };
  if (!value) return parsed;
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? undefined : part.slice(eq + 1).trim();
    switch (key) {
      case "status":
        faults.status = int(val);
        break;
      case "retry-after":
        faults.retryAfter = val;
        break;
      case "retry-after-ms":
        faults.retryAfterMs = val;
        break;
      case "times":
        parsed.times = int(val);
        break;
      case "id":
        parsed.id = val;
        break;
      case "in-stream-overload":
        faults.inStreamOverload = int(val);
        break;
      case "reset-after":
        faults.resetAfter = int(val);
        break;
      case "stall-after":
        faults.stallAfter = int(val);
        break;
      case "drip":
        faults.drip = int(val);
        break;
      case "huge":
        faults.huge = int(val);
        break;
      case "delay-headers":
        faults.delayHeaders = int(val);
        break;
      case "truncated-json":
        faults.truncatedJson = true;
        break;
      case "wrong-content-type":
        faults.wrongContentType = true;
        break;
    }
  }
  return parsed;
}

/** Counts requests per fault id so `times=N,id=X` fails the first N and then lets requests through. */
export class FaultCounters {
  #seen = new Map<string, number>();

  /** The faults that apply to this request (empty once `times` is used up for its id). */
  resolve(header: string | undefined): Faults {
    const { faults, times, id } = parseFaultHeader(header);
    if (times === undefined && id === undefined) return faults;
    // Without an id the whole header text is the key, so identical scripts share one budget.
    const key = id ?? header ?? "";
    const seen = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, seen);
    return times === undefined || seen <= times ? faults : {};
  }

  reset(): void {
    this.#seen.clear();
  }
}
