#!/usr/bin/env bash
# Every test: unit, integration (client ↔ emulator over HTTP) and e2e (real pulumi engine ↔ emulator).
# Builds the package and, if needed, the pulumi CLI first. Extra arguments go to jest.
#
# Two jest runs (projects in jest.config.js): the in-process suites in parallel workers, then the
# engine suites one at a time. Prints one line per suite with its time, then the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash scripts/ensure-pulumi.sh >/dev/null
mkdir -p .tools
status=0
results=()
run() {
    local project=$1
    shift
    local out=".tools/jest-results-$project.json"
    rm -f "$out"
    results+=("$out")
    jest --selectProjects "$project" --passWithNoTests --json --outputFile="$out" "$@" || status=$?
}
run in-process --maxWorkers=2 "$@"
run engine --runInBand "$@"
node scripts/test-summary.js "${results[@]}" || status=$?
exit "$status"
