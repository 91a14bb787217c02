#!/usr/bin/env bash
# Every test: unit, integration (client ↔ emulator over HTTP) and e2e (real pulumi engine ↔ emulator).
# Builds the package and, if needed, the pulumi CLI first. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash scripts/ensure-pulumi.sh >/dev/null
mkdir -p .tools
results=.tools/jest-results.json
status=0
jest --runInBand --json --outputFile="$results" "$@" || status=$?
node -e '
const r = require(process.argv[1]);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$PWD/$results"
exit "$status"
