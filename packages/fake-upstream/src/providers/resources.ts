// The account-level resources one provider key shares between everyone who uses it: Anthropic Files and
// Message Batches, OpenAI Files and stored Responses, kept in memory per fake-upstream process.
//   https://docs.claude.com/en/api/files-create · /files-list · /creating-message-batches · /listing-message-batches
//   https://platform.openai.com/docs/api-reference/files · /responses/get
import { randomBytes } from "node:crypto";
import type { Handler, Reply, RequestContext } from "./types.js";

type Item = Record<string, unknown> & { id: string };

/** One store per provider and kind; shared by every fake in the process (ids are random, so runs never clash). */
const stores = new Map<string, Map<string, { item: Item; content: Buffer }>>();
const storeOf = (ctx: RequestContext, kind: string) => {
  const name = `${ctx.provider}:${kind}`;
  let store = stores.get(name);
  if (!store) {
    store = new Map();
    stores.set(name, store);
  }
  return store;
};
const rid = () => randomBytes(9).toString("hex");
const json = (status: number, body: unknown, type = "application/json"): Reply => ({
  kind: "json",
  status,
  headers: { "content-type": type, "request-id": `req_${rid()}` },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
const notFound = (ctx: RequestContext, id: string): Reply =>
  ctx.provider === "anthropic"
    ? json(404, { type: "error", error: { type: "not_found_error", message: `${id} not found` } })
    : json(404, {
        error: {
          message: `No such File object: ${id}`,
          type: "invalid_request_error",
          param: "id",
          code: null,
        },
      });

function listing(ctx: RequestContext, items: Item[]): Reply {
  const data = [...items].reverse();
  const page = { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  return json(200, ctx.provider === "openai" ? { object: "list", ...page } : page);
}

/** A filename from a multipart body, if it has one (enough for the tests: the bytes are kept as sent). */
const filenameOf = (body: Buffer) => /filename="([^"]*)"/.exec(body.toString("latin1"))?.[1] ?? "upload.bin";

function files(ctx: RequestContext, id: string | undefined, tail: string | undefined): Reply {
  const store = storeOf(ctx, "files");
  const anthropic = ctx.provider === "anthropic";
  if (!id && ctx.method === "POST") {
    const fileId = anthropic ? `file_${rid()}` : `file-${rid()}`;
    const created = ctx.created;
    const item: Item = anthropic
      ? {
          id: fileId,
          type: "file",
          filename: filenameOf(ctx.body),
          mime_type: "text/plain",
          size_bytes: ctx.body.length,
          created_at: new Date(created * 1000).toISOString(),
          downloadable: true,
        }
      : {
          id: fileId,
          object: "file",
          bytes: ctx.body.length,
          created_at: created,
          filename: filenameOf(ctx.body),
          purpose: "user_data",
        };
    store.set(fileId, { item, content: ctx.body });
    return json(200, item);
  }
  if (!id)
    return listing(
      ctx,
      [...store.values()].map((v) => v.item),
    );
  const found = store.get(id);
  if (!found) return notFound(ctx, id);
  if (ctx.method === "DELETE") {
    store.delete(id);
    return json(200, anthropic ? { id, type: "file_deleted" } : { id, object: "file", deleted: true });
  }
  if (tail === "/content") return json(200, found.content.toString("utf8"), "application/octet-stream");
  return json(200, found.item);
}

function batches(ctx: RequestContext, id: string | undefined, tail: string | undefined): Reply {
  const store = storeOf(ctx, "batches");
  if (!id && ctx.method === "POST") {
    const requests = (ctx.json?.requests as { custom_id?: string }[] | undefined) ?? [];
    const batchId = `msgbatch_${rid()}`;
    const item: Item = {
      id: batchId,
      type: "message_batch",
      processing_status: "ended",
      request_counts: { processing: 0, succeeded: requests.length, errored: 0, canceled: 0, expired: 0 },
      created_at: new Date(ctx.created * 1000).toISOString(),
      results_url: `https://api.anthropic.com/v1/messages/batches/${batchId}/results`,
    };
    const results = requests.map((r) =>
      JSON.stringify({
        custom_id: r.custom_id,
        result: {
          type: "succeeded",
          message: {
            id: `msg_${rid()}`,
            type: "message",
            role: "assistant",
            content: [{ type: "text", text: "ok" }],
          },
        },
      }),
    );
    store.set(batchId, { item, content: Buffer.from(`${results.join("\n")}\n`) });
    return json(200, item);
  }
  if (!id)
    return listing(
      ctx,
      [...store.values()].map((v) => v.item),
    );
  const found = store.get(id);
  if (!found) return notFound(ctx, id);
  if (ctx.method === "DELETE") {
    store.delete(id);
    return json(200, { id, type: "message_batch_deleted" });
  }
  if (tail === "/results") return json(200, found.content.toString("utf8"), "application/binary");
  return json(200, found.item);
}

/** Stored Responses: the fake keeps no answers, so any id reads back as a completed, empty response. */
function storedResponse(ctx: RequestContext, id: string): Reply {
  if (ctx.method === "DELETE") return json(200, { id, object: "response", deleted: true });
  return json(200, { id, object: "response", status: "completed", output: [] });
}

const PATH = /^\/v1\/(files|messages\/batches|responses)(?:\/([^/]+))?(\/[^/]+)?$/;

/** The handler for a resource route, or undefined when the path is not one. */
export function resourceRoute(ctx: RequestContext): Handler | undefined {
  const match = PATH.exec(ctx.subpath.replace(/\/+$/, ""));
  if (!match) return undefined;
  const [, kind, id, tail] = match;
  if (kind === "files") return (c) => files(c, id, tail);
  if (kind === "messages/batches" && ctx.provider === "anthropic") return (c) => batches(c, id, tail);
  if (kind === "responses" && id && ctx.provider === "openai") return (c) => storedResponse(c, id);
  return undefined;
}
