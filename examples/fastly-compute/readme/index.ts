/// <reference types="@fastly/js-compute" />
import { createHandler } from "@sluice/fastly";

const handle = createHandler({
  secretStore: "sluice_secrets", // ANTHROPIC_API_KEY, OPENAI_API_KEY, …, SLUICE_KEYS
  configStore: "sluice_config", // optional overrides, see below
  limits: { rate: "60/60s" }, // Edge Rate Limiting by default (approximate, per POP)
  cache: { ttlSeconds: 300 }, // Core Cache by default
  logEndpoint: "sluice_metrics",
  backends: { providers: { anthropic: "anthropic" } }, // the default: backend = provider name
});

addEventListener("fetch", (event) => event.respondWith(handle(event)));
// or simply: serve({ ...same options })
