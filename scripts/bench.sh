#!/usr/bin/env bash
# `npm run bench`: build, make sure the pulumi CLI is there, run the benchmark against the emulator.
# Prints the tables and writes docs/benchmarks.md. Knobs: see the header of scripts/bench.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash scripts/ensure-pulumi.sh >/dev/null
exec tsx scripts/bench.ts
