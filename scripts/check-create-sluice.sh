#!/usr/bin/env bash
# `npm create sluice` as a new user runs it, outside the repository: the packed create-sluice writes a project
# per runtime into a temp dir, npm installs it with @sluice/* from the packed tarballs (the registry has none;
# `file:` deps are the only change to the generated package.json), and the project's own tests run:
# - cloudflare: `npm test` (vitest under workerd, local Durable Objects and KV);
# - deno: `deno task test` (the real deno binary, Deno KV in memory). Users run `deno install`, which does not
#   take `file:` tarballs, so npm installs here;
# - fastly: `npm run typecheck` and `npm run build` (bundle, compile to wasm) only: no local Compute runtime
#   (Viceroy) can be installed here, so its requests are not run;
# - node: `npm test` (server.ts in its own process, a throwaway redis-server for the shared state);
# - vercel: `npm test` (the route handler called as Next.js calls it, Upstash REST over a throwaway
#   redis-server), then `npm run build` (next build).
# @sluice/* packages the adapters depend on (@sluice/redis, @sluice/upstash) come from the tarballs too, through
# npm `overrides`.
# Needs a build first. `bash scripts/check-create-sluice.sh [runtime…]` checks only the runtimes named.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -gt 0 ]; then runtimes=("$@"); else runtimes=(cloudflare deno fastly node vercel); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The deno binary the repository's own Deno tests use, unless one is installed.
command -v deno >/dev/null || PATH="$root/packages/deno/node_modules/.bin:$PATH"
bash "$root/scripts/pack.sh" "$work/packs" >/dev/null

# create RUNTIME FEATURES: writes $work/RUNTIME and points its @sluice/* dependencies at the tarballs.
create() {
  (cd "$work" && npm exec --yes --package="$(ls "$work"/packs/create-sluice-*.tgz)" -- \
    create-sluice "$1" --runtime "$1" --providers anthropic,openai,gemini --features "$2" --yes >/dev/null)
  (cd "$work/$1" && node -e '
    const fs = require("node:fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    const packs = fs.readdirSync(process.argv[1]);
    const tarball = (name) => `file:${process.argv[1]}/${packs.find((f) => f.startsWith(name.slice(1).replace("/", "-") + "-"))}`;
    for (const name of Object.keys(pkg.dependencies).filter((n) => n.startsWith("@sluice/"))) {
      pkg.dependencies[name] = tarball(name);
    }
    pkg.overrides = {};
    for (const file of packs.filter((f) => f.startsWith("sluice-"))) {
      const name = `@sluice/${file.slice("sluice-".length).replace(/-\d.*$/, "")}`;
      if (!pkg.dependencies[name]) pkg.overrides[name] = tarball(name);
    }
    fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));
  ' "$work/packs")
}

for runtime in "${runtimes[@]}"; do
  start=$SECONDS
  echo "› npm create sluice --runtime $runtime"
  case "$runtime" in
  cloudflare)
    create cloudflare rate-limit,cache,metrics,keys
    cd "$work/cloudflare"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error
    npm run typecheck
    npm test
    ;;
  deno)
    create deno rate-limit,cache,metrics,keys
    cd "$work/deno"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error
    deno task test
    ;;
  fastly)
    create fastly rate-limit,cache,metrics
    cd "$work/fastly"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error
    npm run typecheck
    npm run build
    ;;
  node)
    create node rate-limit,cache,metrics,keys
    cd "$work/node"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error
    npm run typecheck
    npm test
    ;;
  vercel)
    create vercel rate-limit,cache,metrics,keys
    cd "$work/vercel"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error
    npm run typecheck
    npm test
    NEXT_TELEMETRY_DISABLED=1 npm run build
    ;;
  *) echo "unknown runtime $runtime" >&2; exit 2 ;;
  esac
  echo "✓ $runtime project: its own checks pass ($((SECONDS - start)) s)"
done
