import { createHandler, serve } from "@sluice/node";
import { createCluster } from "redis";

const cluster = await createCluster({ rootNodes: [{ url: "redis://10.0.0.1:6379" }] }).connect();
// A hash tag keeps the key store's scripts and the usage store's transactions in one slot.
await serve(createHandler({ redis: cluster, prefix: "{sluice}:" }), { onShutdown: () => cluster.close() });
