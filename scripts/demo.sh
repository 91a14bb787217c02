#!/usr/bin/env bash
# The main job: build, make sure the pulumi CLI is there, run examples/basic against the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash scripts/ensure-pulumi.sh >/dev/null
exec tsx scripts/demo.ts "$@"
