#!/usr/bin/env bash
# `bash scripts/pack.sh DIR`: `pnpm pack` every publishable package (packages/* without "private": true)
# into DIR, as the registry would receive them (workspace: ranges replaced by versions). Needs a build first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: pack.sh DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
for dir in "$root"/packages/*/; do
  if node -e 'process.exit(require(process.argv[1]).private ? 0 : 1)' "$dir/package.json"; then continue; fi
  (cd "$dir" && pnpm pack --pack-destination "$out" >/dev/null)
done
ls "$out"/*.tgz
