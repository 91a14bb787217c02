#!/usr/bin/env bash
# Every test: unit, integration (client ↔ emulator over HTTP) and e2e (real pulumi engine ↔ emulator).
# Builds the package and, if needed, the pulumi CLI first. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash scripts/ensure-pulumi.sh >/dev/null
exec jest --runInBand "$@"
