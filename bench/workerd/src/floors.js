// Floors: what the runtime itself costs for the shapes of work Sluice does, measured in the same run.
// FLOOR selects one:
//   "pump"   a JS loop reading every chunk and writing it into an IdentityTransformStream (no parsing);
//   "tee"    the runtime's tee(), the second branch read by a coalescing BYOB reader (readAtLeast 16 KB).
//            Cheap, but not a valid design: the tee pulls the source with the largest pending read's minimum,
//            so the client's branch waits for 16 KB too (first byte of a slow stream delayed; and a reset
//            loses the bytes read so far). Measured to show why;
//   "tee1"   the same with readAtLeast(1): every chunk wakes the observer (the honest cost of a plain tee);
//   "teepaced" readAtLeast(1) into a 64 KB buffer, pausing 5 ms after a short read so chunks coalesce in the
//            tee's buffer: the client's branch is never delayed, the observer wakes a few times per stream;
//   "teepacedpipe" "teepaced" with the client's branch piped into an IdentityTransformStream that stays open
//            for a tail (the shape of Sluice's native path, which appends an error event when the upstream breaks);
//   "pipetee" the order reversed: the upstream piped natively into an IdentityTransformStream that stays
//            open for a tail, its readable tee()d, the client given the tee's own branch, the observer paced.
//            Not a valid design without the enable_request_signal flag: a client that leaves cancels only its
//            branch, so nothing sees it go and the upstream is read to its end. Measured to price the pipe's place;
//   "teepipe" "tee" with the client's branch piped natively into an IdentityTransformStream, then a tail
//            written after it (how an error event can still be appended on a native path);
//   "gate"   every byte checked by JS before the client gets it, a block at a time: the tee's second branch
//            drained into a crypto.DigestStream (so the tee keeps pulling the upstream and the first branch's
//            reads take everything that arrived), the first read paced like "teepaced" and written to the
//            client. Measured to price a full-stream key scrub: the drain alone ("digest") costs more than
//            the pump saves;
//   "digest" the upstream piped natively into a DigestStream, a 4-byte answer (the drain's own cost);
//   "rewrap" the upstream's body in a new Response built from it (its headers copied natively);
//   "copyhdr" the same with the headers copied one by one in JS (forEach, set), as an allow-list must;
//   "buffer" the body read whole (arrayBuffer) and answered from memory, as a JSON answer that is checked is;
//   "byob"   the pump reading with BYOB readAtLeast(1) into a reused 64 KB buffer (reads take all that arrived);
//   "pull"   a JS byte stream whose pull() reads one upstream chunk and enqueues it (no parsing);
//   "do"     one Durable Object RPC doing one SQLite upsert per request, then the bare passthrough;
//   "do-obj" the same RPC with a limiter's shapes: an options object in, a result object out;
//   "do-flat" the same with primitive arguments and one string out.
import { DurableObject } from "cloudflare:workers";

export class FloorCounter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, n INTEGER NOT NULL)");
  }
  /** "do-obj": the same upsert with a limiter's argument and result shapes (objects both ways). */
  take(key, cost, policy, options) {
    this.hit(key);
    return {
      allowed: cost <= policy.capacity || !!options?.force,
      remaining: policy.capacity - cost,
      retryAfterMs: 0,
    };
  }
  /** "do-flat": the same with primitives in and one string out. */
  takeFlat(key, cost, capacity, _refillPerSecond, _ttlSeconds, force) {
    this.hit(key);
    return `${cost <= capacity || force ? 1 : 0} ${capacity - cost} 0`;
  }
  hit(key) {
    this.ctx.storage.sql.exec(
      "INSERT INTO hits (key, n) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1",
      key,
    );
    return true;
  }
}

function forward(request, env) {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  // /openai/v1/...: the long-stream section's OpenAI rows; everything else is Anthropic.
  const openai = url.pathname.startsWith("/openai/v1/");
  if (openai) headers.set("authorization", `Bearer ${env.OPENAI_API_KEY}`);
  else headers.set("x-api-key", env.ANTHROPIC_API_KEY);
  const upstream = openai
    ? env.OPENAI_BASE_URL + url.pathname.slice("/openai/v1".length)
    : env.ANTHROPIC_BASE_URL + url.pathname.replace(/^\/anthropic/, "");
  return fetch(upstream, {
    method: request.method,
    headers,
    body: request.body,
  });
}

async function pump(body, writable) {
  const reader = body.getReader();
  const writer = writable.getWriter();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await writer.write(value);
  }
  await writer.close();
}

/**
 * Reads with BYOB readAtLeast(1) into one 64 KB buffer and writes each read on. `pauseMs`: after a short
 * read, wait so the next read takes more at once ("gate": the client's bytes go through JavaScript a block
 * at a time; the check itself left out).
 */
async function byobPump(body, writable, pauseMs = 0) {
  const reader = body.getReader({ mode: "byob" });
  const writer = writable.getWriter();
  let buffer = new ArrayBuffer(64 * 1024);
  for (;;) {
    const { done, value } = await reader.readAtLeast(1, new Uint8Array(buffer));
    if (value?.byteLength) {
      await writer.write(value);
      buffer = value.buffer.byteLength ? value.buffer : new ArrayBuffer(64 * 1024);
    }
    if (done) break;
    if (pauseMs > 0 && value.byteLength < 32 * 1024) await new Promise((r) => setTimeout(r, pauseMs));
  }
  await writer.close();
}

async function observe(branch, min = 16 * 1024) {
  const reader = branch.getReader({ mode: "byob" });
  let buffer = new ArrayBuffer(16 * 1024);
  let bytes = 0;
  let reads = 0;
  for (;;) {
    reads++;
    const { done, value } = await reader.readAtLeast(min, new Uint8Array(buffer));
    if (value) {
      bytes += value.byteLength;
      buffer = value.buffer;
    }
    if (done) return { bytes, reads };
  }
}

/** readAtLeast(1): never delays the client's branch; pausing after a short read lets chunks pile up. */
async function observePaced(branch, pauseMs) {
  const reader = branch.getReader({ mode: "byob" });
  let buffer = new ArrayBuffer(64 * 1024);
  let bytes = 0;
  let reads = 0;
  for (;;) {
    reads++;
    const { done, value } = await reader.readAtLeast(1, new Uint8Array(buffer));
    if (value) {
      bytes += value.byteLength;
      buffer = value.buffer;
    }
    if (done) return { bytes, reads };
    if (value.byteLength < buffer.byteLength / 2) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

export default {
  async fetch(request, env, ctx) {
    if (env.FLOOR?.startsWith("do")) {
      const stub = env.COUNTER.get(env.COUNTER.idFromName(request.headers.get("x-api-key") ?? "-"));
      if (env.FLOOR === "do") await stub.hit("bench");
      else if (env.FLOOR === "do-flat") (await stub.takeFlat("bench", 1, 1e9, 1e7, 60, false)).split(" ");
      else await stub.take("bench", 1, { capacity: 1e9, refillPerSecond: 1e7, ttlSeconds: 60 }, undefined);
      return forward(request, env);
    }
    const upstream = await forward(request, env);
    if (!upstream.body) return upstream;
    // Non-streamed attribution: what a response's headers and a buffered body cost in themselves.
    if (env.FLOOR === "rewrap") return new Response(upstream.body, upstream);
    if (env.FLOOR === "copyhdr") {
      const h = new Headers();
      upstream.headers.forEach((v, n) => {
        h.set(n, v);
      });
      return new Response(upstream.body, { status: upstream.status, headers: h });
    }
    if (env.FLOOR === "buffer") {
      const bytes = await upstream.arrayBuffer();
      return new Response(bytes, upstream);
    }
    if (env.FLOOR === "pump") {
      const { readable, writable } = new IdentityTransformStream();
      ctx.waitUntil(pump(upstream.body, writable));
      return new Response(readable, upstream);
    }
    if (env.FLOOR === "byob") {
      // The pump, reading with BYOB readAtLeast(1) into one 64 KB buffer: each read takes whatever has
      // arrived (at least one byte, so nothing waits), and the JS loop runs once per read, not per chunk.
      const { readable, writable } = new IdentityTransformStream();
      ctx.waitUntil(byobPump(upstream.body, writable).catch(() => {}));
      return new Response(readable, upstream);
    }
    if (env.FLOOR === "pull") {
      // A JS byte stream pulled chunk by chunk (the shape of a tap written as a ReadableStream source).
      const reader = upstream.body.getReader();
      const stream = new ReadableStream({
        type: "bytes",
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return new Response(stream, upstream);
    }
    if (env.FLOOR === "tee" || env.FLOOR === "tee1") {
      const [client, observer] = upstream.body.tee();
      ctx.waitUntil(observe(observer, env.FLOOR === "tee1" ? 1 : undefined));
      return new Response(client, upstream);
    }
    if (env.FLOOR === "digest") {
      // The drain "gate" needs, alone: the upstream piped natively into a DigestStream, nothing sent on.
      await upstream.body.pipeTo(new crypto.DigestStream("MD5"));
      return new Response("done");
    }
    if (env.FLOOR === "gate") {
      const [client, drain] = upstream.body.tee();
      ctx.waitUntil(drain.pipeTo(new crypto.DigestStream("MD5")).catch(() => {}));
      const { readable, writable } = new IdentityTransformStream();
      ctx.waitUntil(byobPump(client, writable, 5).catch(() => {}));
      return new Response(readable, upstream);
    }
    if (env.FLOOR === "teepacedpipe") {
      const [client, observer] = upstream.body.tee();
      const { readable, writable } = new IdentityTransformStream();
      ctx.waitUntil(observePaced(observer, 5));
      ctx.waitUntil(
        client
          .pipeTo(writable, { preventClose: true, preventAbort: true })
          .catch(() => {})
          .then(() => writable.getWriter().close()),
      );
      return new Response(readable, upstream);
    }
    if (env.FLOOR === "pipetee") {
      const { readable, writable } = new IdentityTransformStream();
      ctx.waitUntil(
        upstream.body
          .pipeTo(writable, { preventClose: true, preventAbort: true })
          .catch(() => {})
          .then(() => writable.getWriter().close()),
      );
      const [client, observer] = readable.tee();
      ctx.waitUntil(observePaced(observer, 5));
      return new Response(client, upstream);
    }
    if (env.FLOOR === "teepaced") {
      const [client, observer] = upstream.body.tee();
      ctx.waitUntil(observePaced(observer, 5));
      return new Response(client, upstream);
    }
    if (env.FLOOR === "teepipe") {
      const [client, observer] = upstream.body.tee();
      const { readable, writable } = new IdentityTransformStream();
      ctx.waitUntil(observe(observer));
      ctx.waitUntil(
        client
          .pipeTo(writable, { preventClose: true, preventAbort: true })
          .catch(() => {})
          .then(async () => {
            const w = writable.getWriter();
            await w.write(new TextEncoder().encode("event: tail\ndata: {}\n\n"));
            await w.close();
          }),
      );
      return new Response(readable, upstream);
    }
    return upstream;
  },
};
