import type { MetricPoint, MetricsSink } from "@sluice/core";

export interface JsonLogSinkOptions {
  /** Where each line goes. Default `console.log`, which Vercel ships to log drains. */
  write?: (line: string) => void;
  /** The `msg` field of every line, to filter on in a drain. Default "sluice.call". */
  message?: string;
}

/**
 * One JSON line per call, `{"msg":"sluice.call", ...MetricPoint}`, for Vercel's runtime logs and log drains
 * (Datadog, Axiom, …) to index. A point holds no secret: key ids only, never keys.
 *
 * @example
 * ```ts
 * createGateway({ secrets, metrics: jsonLogSink() });
 * ```
 */
export function jsonLogSink({ write, message = "sluice.call" }: JsonLogSinkOptions = {}): MetricsSink {
  return {
    record(point: MetricPoint) {
      try {
        const line = JSON.stringify({ msg: message, ...point });
        (write ?? ((text: string) => console.log(text)))(line);
      } catch {
        // A sink must never break a call; a point that cannot be written is dropped.
      }
    },
  };
}
