// Part 1: every fake-upstream fault mode against every policy route, through createGateway over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CASE_DEADLINE_MS,
  type CaseResult,
  FAULT_MODES,
  HEADERS_MS,
  STREAM_IDLE_MS,
  runCase,
} from "../src/faults.js";
import { KNOWN_DEFECTS, defectFor } from "../src/defects.js";
import { saveSection, table } from "../src/report.js";
import { ROUTES } from "../src/routes.js";
import { type Stack, startStack } from "../src/stack.js";

let stack: Stack;
const results: CaseResult[] = [];

beforeAll(async () => {
  stack = await startStack({
    upstream: {
      timeouts: { headersMs: HEADERS_MS, streamIdleMs: STREAM_IDLE_MS },
      retry: { maxRetries: 1, baseDelayMs: 10 },
    },
  });
});

afterAll(async () => {
  await stack?.close();
});

describe("faults × routes", () => {
  FAULT_MODES.forEach((fault, f) => {
    test(
      fault.name,
      async () => {
        const outcomes = await Promise.all(
          ROUTES.map((route, r) => runCase(stack, route, fault, `rel-f${f}-r${r}`)),
        );
        results.push(...outcomes);
        const failed: string[] = [];
        ROUTES.forEach((route, r) => {
          const o = outcomes[r]!;
          const defect = defectFor(route, fault);
          if (!defect) {
            if (o.problems.length > 0) failed.push(`${o.route}: ${o.problems.join("; ")}`);
          } else if (o.problems.length === 0) {
            failed.push(
              `${o.route}: known defect ${defect.id} no longer shows: remove it from src/defects.ts`,
            );
          } else if (!o.problems.every((p) => defect.symptom.test(p))) {
            failed.push(`${o.route} (${defect.id}): ${o.problems.join("; ")}`);
          } else {
            o.defect = defect.id;
          }
        });
        if (process.env.RELIABILITY_VERBOSE)
          console.log(
            outcomes
              .map(
                (o) =>
                  `${fault.name} | ${o.route} | ${o.status} ${o.shape} ${o.failure} ${o.ms}ms ${o.problems.join(";")}`,
              )
              .join("\n"),
          );
        expect(failed).toEqual([]);
      },
      CASE_DEADLINE_MS * 2,
    );
  });

  test("the gateway is still up", async () => {
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });
});

afterAll(() => {
  const rows = FAULT_MODES.map((fault) => {
    const mine = results.filter((r) => r.fault === fault.name);
    const outcomes = [...new Set(mine.map((r) => `${r.status} ${r.failure || "ok"}`))].sort().join(", ");
    const defects = [...new Set(mine.flatMap((r) => (r.defect ? [r.defect] : [])))];
    return [
      fault.name,
      `\`${fault.header}\``,
      mine.length,
      mine.filter((r) => r.problems.length === 0).length,
      mine.filter((r) => r.defect).length + (defects.length ? ` (${defects.join(", ")})` : ""),
      outcomes,
      Math.max(0, ...mine.map((r) => r.ms)),
    ];
  });
  const total = results.length;
  const passed = results.filter((r) => r.problems.length === 0).length;
  const defective = results.filter((r) => r.defect).length;
  saveSection("1-faults", {
    order: 1,
    title: "Faults: every fake-upstream fault against every route",
    markdown: [
      `${FAULT_MODES.length} fault modes × ${ROUTES.length} route variants = **${total} cases: ${passed} survived, ${defective} hit a known core defect (below), ${total - passed - defective} failed otherwise**.`,
      `Gateway: \`createGateway\` from @sluice/core over @hono/node-server on 127.0.0.1, \`upstream.timeouts: { headersMs: ${HEADERS_MS}, streamIdleMs: ${STREAM_IDLE_MS} }\`,`,
      `\`upstream.retry: { maxRetries: 1, baseDelayMs: 10 }\`, memory metrics sink. Each case has a ${CASE_DEADLINE_MS} ms deadline (a hang fails it).`,
      "A case survives when the client got JSON in the provider's error shape, a JSON success, or an SSE stream whose last",
      "event is the provider's normal end or a clean error event; when the one metric point for the call has the response's",
      "status and names the failure as the `x-sluice-failure` header (and as an OpenAI-shaped error event's `code`) does;",
      "and when a fault that breaks the call is named at all (benign faults: 200 and no failure).",
      "",
      `Routes: ${ROUTES.map((r) => r.name).join(", ")}.`,
      "",
      table(
        [
          "fault",
          "x-fake-fault",
          "cases",
          "survived",
          "known core defect",
          "client saw (status failure)",
          "slowest ms",
        ],
        rows,
      ),
      "",
      `### Known core defects (${results.filter((r) => r.defect).length} cases; each is asserted to fail exactly this way until core is fixed)`,
      "",
      ...KNOWN_DEFECTS.map((d) => {
        const hit = results.filter((r) => r.defect === d.id);
        return `- **${d.id}** (${hit.length} cases: ${[...new Set(hit.map((r) => r.route))].join(", ")}): ${d.summary}`;
      }),
      "",
      ...results
        .filter((r) => r.problems.length > 0 && !r.defect)
        .map((r) => `- FAILED ${r.route} × ${r.fault}: ${r.problems.join("; ")}`),
    ].join("\n"),
  });
});
