#!/usr/bin/env bash
# The one command that runs every check: install, build, lint, typecheck, then every package's tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The Vercel adapter's tests need a real redis-server (Debian package) on loopback.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "› installing redis-server (Debian package)"
  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null 2>&1 ||
    echo "! could not install redis-server; the Upstash tests will say so"
fi
# The dashboard's browser tests drive Debian's Chromium (playwright-core never downloads one).
if [ ! -x /usr/bin/chromium ]; then
  echo "› installing chromium (Debian package)"
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 ||
    echo "! could not install chromium; the dashboard browser tests will say so"
fi
source "$root/scripts/setup.sh"
cd "$root"
pnpm -s lint
node scripts/check-snippets.mjs        # README code blocks equal the snippet files the tests run
node scripts/check-adapter-layout.mjs  # every adapter has the port files and names docs/adapters.md lists
pnpm -s typecheck
bash scripts/check-packages.sh   # the packed tarballs: publint --strict, attw --profile esm-only, LICENSE, peers
bash scripts/check-create-sluice.sh   # npm create sluice from the packed tarball, npm install, its own tests
pnpm -s test
