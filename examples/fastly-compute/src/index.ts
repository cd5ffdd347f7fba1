/// <reference types="@fastly/js-compute" />
/**
 * @module Sluice on Fastly Compute. Provider keys and SLUICE_KEYS come from the `sluice_secrets` Secret
 * Store; base URLs, the rate limit, the cache and the log endpoint from the `sluice_config` Config Store.
 * Each provider's requests go through the static backend of the same name declared in fastly.toml.
 * Managed client keys live in the `sluice_keys` KV Store (found by itself; admin API behind the
 * SLUICE_ADMIN_KEY secret). Budgets and usage counters need Upstash: see the package README.
 */
import { createHandler } from "@sluice/fastly";

const handle = createHandler({
  secretStore: "sluice_secrets",
  configStore: "sluice_config",
  // Defaults the Config Store can override without a redeploy:
  limits: { rate: "60/60s" }, // Edge Rate Limiting: approximate, per POP (see the README)
  cache: { ttlSeconds: 300 }, // Core Cache, per POP, for identical non-streamed calls
  logEndpoint: "sluice_metrics",
});

addEventListener("fetch", (event) => event.respondWith(handle(event)));
