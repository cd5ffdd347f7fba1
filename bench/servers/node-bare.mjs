// The baseline: a handler that only forwards bytes with fetch, swapping the key. Same server library as Sluice's.
import { serve } from "@hono/node-server";

const upstream = process.env.UPSTREAM_ANTHROPIC;
const key = process.env.PROVIDER_KEY;
const port = Number(process.env.PORT);

serve(
  {
    port,
    hostname: "127.0.0.1",
    fetch(request) {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.set("x-api-key", key);
      headers.delete("host");
      return fetch(upstream + url.pathname.replace(/^\/anthropic/, ""), {
        method: request.method,
        headers,
        body: request.body,
        duplex: "half",
      });
    },
  },
  () => process.stdout.write("ready\n"),
);
