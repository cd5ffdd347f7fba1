/** Choices in, files out: no I/O here, so every runtime's output is testable as data. */
import type { Choices, Runtime } from "./options.js";
import { cloudflareProject } from "./runtimes/cloudflare.js";
import type { Files } from "./runtimes/files.js";
import { denoProject } from "./runtimes/deno.js";
import { nodeProject, needsRedis } from "./runtimes/node.js";
import { fastlyProject } from "./runtimes/others.js";
import { needsUpstash, vercelProject } from "./runtimes/vercel.js";

const RUNTIME_PROJECTS: Record<Runtime, (choices: Choices, sluiceVersion: string) => Files> = {
  cloudflare: cloudflareProject,
  deno: denoProject,
  fastly: fastlyProject,
  node: nodeProject,
  vercel: vercelProject,
};

/** Next steps printed after writing, and in the project's README: commands that run as written. */
export function nextSteps(choices: Choices): string[] {
  switch (choices.runtime) {
    case "cloudflare":
      return [
        "npm install",
        "npm test",
        "cp .dev.vars.example .dev.vars   # then fill in your keys",
        "npm run dev",
      ];
    case "deno":
      return [
        "deno install",
        "deno task test",
        "cp .env.example .env   # then fill in your keys",
        "deno task dev",
      ];
    case "fastly":
      return ["npm install", "npm run build", "npm run deploy   # needs a Fastly account"];
    case "node":
      return [
        "npm install",
        "npm test",
        "cp .env.example .env   # then fill in your keys",
        ...(needsRedis(choices)
          ? ["redis-server --daemonize yes   # or: docker run -d -p 6379:6379 valkey/valkey"]
          : []),
        "npm start",
      ];
    case "vercel":
      return [
        "npm install",
        "npm test",
        `cp .env.example .env.local   # then fill in your keys${needsUpstash(choices) ? " and Upstash's URL and token" : ""}`,
        "npm run build && npm start",
        "npx vercel deploy   # needs a Vercel account; then `npx vercel env add` each variable",
      ];
  }
}

/** What the project's tests run, and what they need on the machine. */
function testsNote(choices: Choices): string {
  const redis =
    "a throwaway `redis-server` (install Redis first: `apt-get install redis-server` or `brew install redis`)";
  switch (choices.runtime) {
    case "cloudflare":
      return "The tests run the Worker under workerd (local Durable Objects and KV) against a stand-in for the providers.";
    case "deno":
      return "The tests run `main.ts` under `deno test` (Deno KV in memory) against a stand-in for the providers.";
    case "fastly":
      return "There are no request tests (no local Compute runtime): `npm run typecheck` checks the code, `npm run build` compiles it to wasm.";
    case "node":
      return `The tests run \`server.ts\` in its own process, as \`npm start\` does, against a stand-in for the providers${
        needsRedis(choices) ? ` and ${redis}` : ""
      }.`;
    case "vercel":
      return `The tests call the route handler as Next.js does, against a stand-in for the providers${
        needsUpstash(choices) ? ` and Upstash REST over ${redis}` : ""
      }; \`npm run build\` is \`next build\`.`;
  }
}

/** The project for these choices, with @sluice/* at `sluiceVersion`, plus a README saying what was chosen. */
export function generate(choices: Choices, sluiceVersion: string): Files {
  const files = RUNTIME_PROJECTS[choices.runtime](choices, sluiceVersion);
  files["README.md"] = `# ${choices.name}

A Sluice LLM gateway on ${choices.runtime}, made by \`npm create sluice\`.

- Providers: ${choices.providers.join(", ")}
- Features: ${choices.features.join(", ") || "none"}

\`\`\`sh
${nextSteps(choices).join("\n")}
\`\`\`

${testsNote(choices)}

Clients change only their SDK's base URL (e.g. \`<your gateway>/anthropic\`, \`<your gateway>/openai/v1\`) and
send a key from \`SLUICE_KEYS\` where the SDK sends its key. Sluice's documentation:
https://github.com/sluice-gateway/sluice
`;
  return files;
}
