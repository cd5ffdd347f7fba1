// The Deno baseline: `Deno.serve` forwarding bytes with fetch, swapping the key. Same server as Sluice's.
// FLOOR=pull serves the body from a JS stream whose pull() reads and enqueues one upstream chunk (no
// parsing), FLOOR=pipe pipes it through an empty TransformStream: the least any design that hands each chunk
// to JavaScript pays in Deno.
const upstream = Deno.env.get("UPSTREAM_ANTHROPIC")!;
const key = Deno.env.get("PROVIDER_KEY")!;
const floor = Deno.env.get("FLOOR");

function pulled(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

Deno.serve(
  { port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", onListen: () => console.log("ready") },
  async (request) => {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set("x-api-key", key);
    headers.delete("host");
    const response = await fetch(upstream + url.pathname.replace(/^\/anthropic/, ""), {
      method: request.method,
      headers,
      body: request.body,
    });
    if (!floor || !response.body) return response;
    const body = floor === "pull" ? pulled(response.body) : response.body.pipeThrough(new TransformStream());
    return new Response(body, response);
  },
);
