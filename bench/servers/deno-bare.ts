// The Deno baseline: `Deno.serve` forwarding bytes with fetch, swapping the key. Same server as Sluice's.
const upstream = Deno.env.get("UPSTREAM_ANTHROPIC")!;
const key = Deno.env.get("PROVIDER_KEY")!;

Deno.serve(
  { port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", onListen: () => console.log("ready") },
  (request) => {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set("x-api-key", key);
    headers.delete("host");
    return fetch(upstream + url.pathname.replace(/^\/anthropic/, ""), {
      method: request.method,
      headers,
      body: request.body,
    });
  },
);
