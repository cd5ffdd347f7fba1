import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const standIns = fileURLToPath(new URL("./test/stand-ins/", import.meta.url));

export default defineConfig({
  // The `fastly:*` modules exist only inside Fastly's runtime: in Node, the stand-ins answer for them.
  resolve: { alias: [{ find: /^fastly:(.*)$/, replacement: `${standIns}$1.ts` }] },
  test: { include: ["test/**/*.test.ts"], testTimeout: 20_000, hookTimeout: 30_000 },
});
