/**
 * Reads the request body once, bounded, and keeps the bytes to forward unchanged. JSON endpoints also get a
 * parsed copy (for the model, the stream flag and policy); nothing is ever re-serialized.
 */
import type { Middleware } from "../compose.js";
import { GatewayError } from "../failures.js";

export function readBody(maxBytes: number): Middleware {
  return async function body(ctx, next) {
    const { request, endpoint } = ctx;
    if (request.method === "GET" || request.method === "DELETE" || !request.body) {
      if (endpoint.kind === "json")
        throw new GatewayError("bad_request", "This endpoint needs a JSON request body.");
      return next();
    }
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > maxBytes) throw tooLarge(maxBytes);
    if (endpoint.kind === "json") {
      const type = request.headers.get("content-type") ?? "";
      if (!/^application\/(.+\+)?json\b/i.test(type)) {
        throw new GatewayError(
          "unsupported_media_type",
          `Send the body as application/json (got "${type || "none"}").`,
        );
      }
    }
    // A declared length within the limit lets the runtime read the body natively in one go (much faster
    // than a JS read loop); without one, read chunk by chunk and stop at the limit.
    ctx.body = request.headers.has("content-length")
      ? await readDeclared(request, declared, maxBytes)
      : await readBounded(request.body, maxBytes);
    if (endpoint.kind === "json") parse(ctx);
    return next();
  };
}

function parse(ctx: Parameters<Middleware>[0]): void {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(ctx.body);
  } catch {
    throw new GatewayError("bad_request", "The request body is not valid UTF-8.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GatewayError("bad_request", "The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new GatewayError("bad_request", "The request body must be a JSON object.");
  }
  ctx.json = value;
  const fields = value as { model?: unknown; stream?: unknown };
  if (!ctx.model && typeof fields.model === "string") ctx.model = fields.model;
  const mode = ctx.endpoint.stream;
  ctx.stream = mode === "always" || (mode === "body-flag" && fields.stream === true);
  // `allowedModels` is checked on the model actually sent, after routing (upstream/policy.ts).
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    "payload_too_large",
    `The request body is larger than this gateway's limit of ${maxBytes} bytes.`,
  );
}

async function readDeclared(request: Request, declared: number, maxBytes: number): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch {
    throw new GatewayError("bad_request", "The request body could not be read to its end.");
  }
  // The header is the client's word; the bytes are what counts.
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  if (bytes.byteLength !== declared)
    throw new GatewayError("bad_request", "The request body does not match its content-length.");
  return bytes;
}

async function readBounded(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch {
      throw new GatewayError("bad_request", "The request body could not be read to its end.");
    }
    if (result.done) break;
    size += result.value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(result.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
