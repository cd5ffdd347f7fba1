// README blocks that are code (kept equal to test/readme/* by scripts/check-snippets.mjs), run as written:
// they import "@sluice/core" by name, so they run the built public API. Only the environment is ours.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";

describe("README: OpenTelemetry", () => {
  it("otel.ts exports every call to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT, with its headers", async () => {
    const received: Array<{ path: string; authorization: string | undefined; body: string }> = [];
    const collector = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        received.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    const { port } = collector.address() as AddressInfo;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "authorization=Bearer collector-token";
    process.env.OTEL_SERVICE_NAME = "readme-gateway";
    process.env.SLUICE_KEYS = "sk-sluice-readme";
    try {
      const { gateway } = await import("./readme/otel.js");
      // A call without a key: errors are always exported (successes at successSampleRate).
      const response = await gateway.fetch(
        new Request("http://gateway.test/anthropic/v1/messages", { method: "POST", body: "{}" }),
      );
      expect(response.status).toBe(401);
      await expect.poll(() => received.map((r) => r.path).sort()).toEqual(["/v1/metrics", "/v1/traces"]);
      for (const r of received) expect(r.authorization).toBe("Bearer collector-token");
      expect(received.find((r) => r.path === "/v1/traces")?.body).toContain("readme-gateway");
    } finally {
      for (const name of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME"]) {
        delete process.env[name];
      }
      delete process.env.SLUICE_KEYS;
      collector.close();
    }
  });
});
