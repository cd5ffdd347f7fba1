/**
 * Versions written into generated projects: the tools the repository's own examples are tested with
 * (test/versions.test.ts fails when they drift apart). Sluice's packages share one version (a changesets
 * fixed group), this package's own.
 */
export const TOOL_VERSIONS = {
  wrangler: "4.156.2",
  "@cloudflare/vitest-plugin": "1.5.0",
  "@cloudflare/workers-types": "5.20261117.1",
  vitest: "4.1.12",
  typescript: "5.9.3",
  "@types/node": "^22.10.0",
  "@upstash/redis": "^1.39.0",
  "@fastly/js-compute": "3.46.0",
  esbuild: "0.28.2",
  "@anthropic-ai/sdk": "1.15.0",
  openai: "7.59.0",
  next: "16.4.6",
  react: "19.3.1",
  "react-dom": "19.3.1",
  "@types/react": "19.3.3",
} as const;
