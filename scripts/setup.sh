#!/usr/bin/env bash
# Sourced by demo.sh and test.sh: makes sure Node >= 22 and pnpm are on PATH, then installs and builds.
# Everything it downloads comes from the npm registry and lands in ./.tools (gitignored).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$tools/node_modules/.bin/node" ]; then
    echo "› system Node is $(node --version 2>/dev/null || echo missing); installing Node 22 from the npm registry into .tools/"
    npm install --silent --no-audit --no-fund --prefix "$tools" node@22 >/dev/null
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
fi
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "10" ]; then
  if [ ! -x "$tools/node_modules/.bin/pnpm" ]; then
    echo "› installing pnpm 10 into .tools/"
    npm install --silent --no-audit --no-fund --prefix "$tools" pnpm@10 >/dev/null
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
fi
echo "› node $(node --version), pnpm $(pnpm --version)"

cd "$root"
pnpm install --frozen-lockfile=false --reporter=silent
pnpm -s build
