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
# One version line: every publishable package in the changesets fixed group, all at the same version.
node -e '
  const fs = require("node:fs");
  const fixed = JSON.parse(fs.readFileSync(".changeset/config.json", "utf8")).fixed.flat();
  const pkgs = fs.readdirSync("packages").map((d) => JSON.parse(fs.readFileSync(`packages/${d}/package.json`, "utf8"))).filter((p) => !p.private);
  const bad = pkgs.filter((p) => !fixed.includes(p.name) || p.version !== pkgs[0].version);
  if (bad.length) { console.error(`not in the fixed group or not at ${pkgs[0].version}: ${bad.map((p) => `${p.name}@${p.version}`).join(", ")}`); process.exit(1); }
'
for tgz in $(bash scripts/pack.sh "$packs"); do
  run pnpm -s exec publint run --strict "$tgz"
  run pnpm -s exec attw --profile esm-only --format table-flipped --no-emoji --no-color "$tgz"
  run node scripts/check-tarball.mjs "$tgz"
  echo "✓ $(basename "$tgz"): publint --strict, attw --profile esm-only, LICENSE/README/fields/peers"
done
