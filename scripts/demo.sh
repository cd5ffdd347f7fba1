#!/usr/bin/env bash
# The demo: a fake provider and a Sluice gateway on loopback, and the official SDKs streaming through it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
exec pnpm -s demo
