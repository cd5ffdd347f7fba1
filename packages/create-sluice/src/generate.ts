/** Choices in, files out: no I/O here, so every runtime's output is testable as data. */
import type { Choices, Runtime } from "./options.js";
import { cloudflareProject } from "./runtimes/cloudflare.js";
import type { Files } from "./runtimes/files.js";
import { denoProject } from "./runtimes/deno.js";
import { fastlyProject, vercelProject } from "./runtimes/others.js";

const RUNTIME_PROJECTS: Record<Runtime, (choices: Choices, sluiceVersion: string) => Files> = {
  cloudflare: cloudflareProject,
  deno: denoProject,
  fastly: fastlyProject,
  vercel: vercelProject,
};

/** Next steps printed after writing, per runtime. */
export const NEXT_STEPS: Record<Runtime, string[]> = {
  cloudflare: [
    "npm install",
    "npm test",
    "cp .dev.vars.example .dev.vars   # then fill in your keys",
    "npm run dev",
  ],
  deno: [
    "deno install",
    "deno task test",
    "cp .env.example .env   # then fill in your keys",
    "deno task dev",
  ],
  fastly: ["npm install", "npm run build", "npm run deploy   # needs a Fastly account"],
  vercel: [
    "npm install",
    "vercel env add ANTHROPIC_API_KEY   # and the rest of .env.example",
    "npm run deploy",
  ],
};

/** The project for these choices, with @sluice/* at `sluiceVersion`, plus a README saying what was chosen. */
export function generate(choices: Choices, sluiceVersion: string): Files {
  const files = RUNTIME_PROJECTS[choices.runtime](choices, sluiceVersion);
  files["README.md"] = `# ${choices.name}

A Sluice LLM gateway on ${choices.runtime}, made by \`npm create sluice\`.

- Providers: ${choices.providers.join(", ")}
- Features: ${choices.features.join(", ") || "none"}

\`\`\`sh
${NEXT_STEPS[choices.runtime].join("\n")}
\`\`\`

Clients change only their SDK's base URL (e.g. \`<your gateway>/anthropic\`, \`<your gateway>/openai/v1\`) and
send a key from \`SLUICE_KEYS\` where the SDK sends its key. Sluice's documentation:
https://github.com/sluice-gateway/sluice
`;
  return files;
}
