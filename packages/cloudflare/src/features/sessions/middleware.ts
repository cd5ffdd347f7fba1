/**
 * Conversation sessions: a client sending `x-sluice-session: <id>` sends only its new message(s); Sluice
 * prepends the stored history, forwards, and stores the turn (new messages + the assistant's reply) when the
 * response has ended cleanly, before its end reaches the client. This rewrites the request body.
 */
import { GatewayError, type Middleware } from "@sluice/core";
import { isObject, observeBody, replaceBody } from "../body.js";
import type { SessionCaps, SluiceSessions } from "./durable-object.js";
import { replyReader } from "./reply.js";

export const SESSION_HEADER = "x-sluice-session";
/** Response header: how many stored messages were prepended. */
export const SESSION_MESSAGES_HEADER = "x-sluice-session-messages";

export interface SessionOptions {
  /** Most messages kept per session. Default 200. */
  maxMessages?: number;
  /** Most bytes of message JSON kept per session. Default 1 MiB. */
  maxBytes?: number;
  /** Idle sessions are deleted after this long. Default 7 days. */
  ttlSeconds?: number;
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * @example
 * createWorker({ sessions: { maxMessages: 100 } }); // with a SESSIONS Durable Object binding
 * // by hand: middleware: [conversationSessions(env.SESSIONS)]
 */
export function conversationSessions(
  namespace: DurableObjectNamespace<SluiceSessions>,
  options: SessionOptions = {},
): Middleware {
  const caps: SessionCaps = {
    maxMessages: options.maxMessages ?? 200,
    maxBytes: options.maxBytes ?? 1024 * 1024,
    ttlSeconds: options.ttlSeconds ?? 7 * 24 * 3600,
  };
  return async function session(ctx, next) {
    const id = ctx.request.headers.get(SESSION_HEADER);
    if (id === null) return next();
    if (!ID.test(id))
      throw new GatewayError(
        "bad_request",
        `${SESSION_HEADER} must be 1–128 characters of A–Z a–z 0–9 . _ : -`,
      );
    // Chat endpoints (`chat` in their provider file) carry a `messages` conversation.
    if (!ctx.endpoint.chat)
      throw new GatewayError("bad_request", `Sessions work on chat routes only, not ${ctx.route}.`);
    const body = ctx.json;
    if (!isObject(body) || !Array.isArray(body.messages))
      throw new GatewayError("bad_request", "A session request needs a `messages` array.");

    // Sessions belong to the client key: another key with the same session id gets another conversation.
    const stub = namespace.get(namespace.idFromName(`${ctx.client?.id ?? "*"}\n${id}`));
    const stored = await stub.history();
    const fresh = body.messages.map((message) => JSON.stringify(message));
    // The stored texts are spliced in verbatim: the history prefix is the same bytes on every call.
    const messages = `[${[...stored.messages, ...fresh].join(",")}]`;
    const placeholder = `sluice-session-${crypto.randomUUID()}`;
    const text = JSON.stringify({ ...body, messages: placeholder }).replace(
      `"${placeholder}"`,
      () => messages,
    );
    replaceBody(ctx, text, {
      ...body,
      messages: [...stored.messages.map((m) => JSON.parse(m)), ...body.messages],
    });

    const response = await next();
    try {
      response.headers.set(SESSION_MESSAGES_HEADER, String(stored.messages.length));
    } catch {
      // Immutable headers (a response passed through as is): the count is informational only.
    }
    if (response.status !== 200 || !response.body) return response;
    const sse = (response.headers.get("content-type") ?? "").includes("text/event-stream");
    const reader = replyReader(ctx.provider.name, sse);
    // The turn is stored before the client's stream closes: a client that has read the whole reply can
    // send its next message at once and find this turn in the history.
    const { stream } = observeBody(
      response.body,
      (chunk) => reader.push(chunk),
      async () => {
        const result = await ctx.completion;
        if (result.failure) return;
        const reply = reader.end();
        if (!reply) return;
        try {
          await stub.append([...fresh, JSON.stringify(reply)], caps);
        } catch {
          console.error("[sluice] session: this turn could not be stored");
        }
      },
    );
    return new Response(stream, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
