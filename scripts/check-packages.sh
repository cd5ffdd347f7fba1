#!/usr/bin/env bash
# The packed tarballs, checked as a user would receive them: publint --strict (exports, files, fields),
# Are The Types Wrong (types resolve for every entry; ESM-only, so the esm-only profile), and our own
# rules: LICENSE and README inside, repository/homepage/bugs set, @sluice/core only ever a peer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
packs="$(mktemp -d)"
trap 'rm -rf "$packs"' EXIT
cd "$root"
# Quiet when it passes; the whole report when it does not.
run() { local out; out="$("$@" 2>&1)" || { echo "$out"; echo "✗ failed: $*" >&2; exit 1; }; }
for tgz in $(bash scripts/pack.sh "$packs"); do
  run pnpm -s exec publint run --strict "$tgz"
  run pnpm -s exec attw --profile esm-only --format table-flipped --no-emoji --no-color "$tgz"
  run node scripts/check-tarball.mjs "$tgz"
  echo "✓ $(basename "$tgz"): publint --strict, attw --profile esm-only, LICENSE/README/fields/peers"
done
