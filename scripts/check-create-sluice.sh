#!/usr/bin/env bash
# `npm create sluice` as a new user runs it, outside the repository: the packed create-sluice writes a
# Cloudflare project into a temp dir, npm installs it with @sluice/* from the packed tarballs (the registry
# has none; `file:` deps are the only change to the generated package.json), and the project's own tests run
# under workerd. Needs a build first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash "$root/scripts/pack.sh" "$work/packs" >/dev/null
cd "$work"
npm exec --yes --package="$(ls "$work"/packs/create-sluice-*.tgz)" -- \
  create-sluice my-gateway --runtime cloudflare --providers anthropic,openai,gemini --features rate-limit,cache,metrics,keys --yes
cd my-gateway
node -e '
  const fs = require("node:fs");
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  const packs = fs.readdirSync(process.argv[1]);
  for (const name of Object.keys(pkg.dependencies).filter((n) => n.startsWith("@sluice/"))) {
    const file = packs.find((f) => f.startsWith(name.slice(1).replace("/", "-") + "-"));
    pkg.dependencies[name] = `file:${process.argv[1]}/${file}`;
  }
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));
' "$work/packs"
npm install --no-audit --no-fund --prefer-offline --loglevel=error
npm run typecheck
npm test
