/**
 * A small OTLP/HTTP JSON logs receiver for tests: `POST /{id}/v1/logs` keeps the records under `id`,
 * decoded back to MetricPoints (attribute `sluice.<field>` → field); `GET /{id}/points` returns them.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
};

function fromAnyValue(value: AnyValue): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  throw new Error(`unsupported OTLP value ${JSON.stringify(value)}`);
}

export async function startOtlpCollector(): Promise<{ url: string; close(): Promise<void> }> {
  const points = new Map<string, Record<string, unknown>[]>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const [, id, ...rest] = (request.url ?? "").split("/");
    const path = rest.join("/");
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(json));
    };
    if (request.method === "GET" && path === "points") return reply(200, points.get(id!) ?? []);
    if (request.method !== "POST" || path !== "v1/logs") return reply(404, {});
    if (!String(request.headers["content-type"]).startsWith("application/json")) return reply(415, {});
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const list = points.get(id!) ?? [];
    for (const resource of body.resourceLogs) {
      for (const scope of resource.scopeLogs) {
        for (const record of scope.logRecords) {
          const point: Record<string, unknown> = {};
          for (const { key, value } of record.attributes) {
            if (key.startsWith("sluice.")) point[key.slice(7)] = fromAnyValue(value);
          }
          // The record's own time must agree with the point's timestamp.
          if (BigInt(record.timeUnixNano) !== BigInt(point.timestamp as number) * 1_000_000n) {
            return reply(400, { error: "timeUnixNano does not match the timestamp" });
          }
          list.push(point);
        }
      }
    }
    points.set(id!, list);
    reply(200, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
