/** The fault matrix: each fake-upstream fault mode, what the client must see, and the runner for one case. */
import { FAILURES, FAILURE_HEADER } from "@sluice/core";
import type { RouteCase } from "./routes.js";
import { clientAuth } from "./routes.js";
import { classifyStream, deadline, errorShapeProblem } from "./oracle.js";
import type { Stack } from "./stack.js";
import { CLIENT_KEY } from "./stack.js";

export const HEADERS_MS = 400;
export const STREAM_IDLE_MS = 300;
/** No case may take longer than this, end to end. */
export const CASE_DEADLINE_MS = 5_000;

export interface FaultMode {
  name: string;
  /** The `x-fake-fault` header. */
  header: string;
  /** Whether the fault breaks a call on this route (then a failure must be named; else 200 and none). */
  fails: (route: RouteCase) => boolean;
}

const statuses = [429, 500, 502, 503, 529];
const always = () => true;
const never = () => false;
/** The fake applies stream faults to streamed replies only, and JSON faults to JSON replies only. */
const streamed = (r: RouteCase) => r.stream;
const notStreamed = (r: RouteCase) => !r.stream;
export const FAULT_MODES: FaultMode[] = [
  ...statuses.map((s) => ({ name: `status ${s}`, header: `status=${s}`, fails: always })),
  ...statuses.map((s) => ({
    name: `status ${s} + retry-after 1`,
    header: `status=${s},retry-after=1`,
    fails: always,
  })),
  { name: "in-stream overload after 1 event", header: "in-stream-overload=1", fails: streamed },
  { name: "reset after 1 event", header: "reset-after=1", fails: always },
  { name: "stall after 1 event", header: "stall-after=1", fails: always },
  { name: "slow drip (60 ms/event, under the idle timeout)", header: "drip=60", fails: never },
  // Every stream (SSE or JSON array) has an idle timeout; a JSON answer that drips is slow, not broken.
  { name: "slow drip (600 ms/event, over the idle timeout)", header: "drip=600", fails: streamed },
  { name: "truncated JSON", header: "truncated-json", fails: notStreamed },
  { name: "wrong content type (text/html 200)", header: "wrong-content-type", fails: always },
  { name: "headers delayed 100 ms (under headersMs)", header: "delay-headers=100", fails: never },
  {
    name: `headers delayed ${HEADERS_MS * 3} ms (over headersMs)`,
    header: `delay-headers=${HEADERS_MS * 3}`,
    fails: always,
  },
];

export interface CaseResult {
  route: string;
  fault: string;
  status: number;
  /** The failure named by the header, the stream's error event, or the metric point. */
  failure: string;
  /** "json", "sse-end", "sse-error", "json-stream". */
  shape: string;
  ms: number;
  problems: string[];
  /** The known core defect this case showed (see defects.ts). */
  defect?: string;
}

/** One route under one fault, bounded by a deadline; every problem found is listed, none thrown. */
export async function runCase(
  stack: Stack,
  route: RouteCase,
  fault: FaultMode,
  model: string,
): Promise<CaseResult> {
  const started = Date.now();
  const result: CaseResult = {
    route: route.name,
    fault: fault.name,
    status: 0,
    failure: "",
    shape: "",
    ms: 0,
    problems: [],
  };
  const problems = result.problems;
  const control = new AbortController();
  const path = route.path.replace("{model}", model);
  let text = "";
  let headers = new Headers();
  try {
    await deadline(
      CASE_DEADLINE_MS,
      `${route.name} × ${fault.name}`,
      (async () => {
        const response = await fetch(stack.url + path, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-fake-fault": fault.header,
            ...clientAuth(route.provider, CLIENT_KEY),
          },
          body: JSON.stringify(route.body(model)),
          signal: control.signal,
        });
        result.status = response.status;
        headers = response.headers;
        try {
          text = await response.text();
        } catch (error) {
          problems.push(`the response body broke off: ${(error as Error).message}`);
        }
      })(),
    );
  } catch (error) {
    control.abort();
    problems.push((error as Error).message);
  }
  result.ms = Date.now() - started;
  if (problems.length > 0) return result;

  const type = headers.get("content-type") ?? "";
  const header = headers.get(FAILURE_HEADER) ?? "";
  let eventCode: string | undefined;
  if (result.status >= 400) {
    result.shape = "json";
    const problem = errorShapeProblem(route.provider, text);
    if (problem) problems.push(problem);
  } else if (type.includes("text/event-stream")) {
    const end = classifyStream(route.provider, route.name, text);
    if (end.kind === "broken") problems.push(end.reason);
    result.shape = end.kind === "error" ? "sse-error" : "sse-end";
    if (end.kind === "error") eventCode = end.code ?? "?";
  } else {
    result.shape = route.stream ? "json-stream" : "json";
    try {
      JSON.parse(text);
    } catch {
      problems.push(`a ${result.status} body that is not JSON: ${JSON.stringify(text.slice(0, 100))}`);
    }
  }

  await stack.flush();
  const points = stack.metrics.points.filter((p) => p.model === model);
  if (points.length !== 1) {
    problems.push(`expected 1 metric point for this call, found ${points.length}`);
    return result;
  }
  const point = points[0]!;
  result.failure = point.failure || header || eventCode || "";
  if (point.status !== result.status)
    problems.push(`metric status ${point.status} ≠ response ${result.status}`);
  if (header && point.failure !== header)
    problems.push(`metric failure "${point.failure}" ≠ header "${header}"`);
  if (eventCode && !point.failure)
    problems.push("the stream ended with an error event but the metric names no failure");
  // Sluice's own OpenAI-shaped error events carry the failure name as their code: it must be the metric's.
  // (An upstream's own error event passes through with the upstream's code.)
  if (eventCode && Object.hasOwn(FAILURES, eventCode) && eventCode !== point.failure)
    problems.push(`error event code "${eventCode}" ≠ metric failure "${point.failure}"`);
  if (point.failure === "internal_error") problems.push("Sluice answered with its own internal_error (500)");
  const fails = fault.fails(route);
  if (fails && !point.failure)
    problems.push(`the fault went unnamed: status ${result.status}, shape ${result.shape}`);
  if (!fails && (point.failure || result.status !== 200))
    problems.push(`a benign fault failed the call: ${result.status} ${point.failure}`);
  return result;
}
