// Reads the `jest --json` results of scripts/test.sh's runs: one line per suite with its time (so
// growth is visible), then the totals over all runs. Exits non-zero if a run left no results.
"use strict";
const fs = require("fs");
const path = require("path");

const totals = { passed: 0, failed: 0, skipped: 0, suitesFailedToRun: 0 };
const suites = [];
let missing = 0;
for (const file of process.argv.slice(2)) {
    if (!fs.existsSync(file)) {
        console.log(`no results in ${file}: jest did not finish`);
        missing++;
        continue;
    }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    totals.suitesFailedToRun += r.numRuntimeErrorTestSuites;
    for (const s of r.testResults) {
        suites.push({ name: path.relative(process.cwd(), s.name), seconds: (s.endTime - s.startTime) / 1000, status: s.status });
    }
}
for (const s of suites.sort((a, b) => a.name.localeCompare(b.name))) {
    console.log(`suite ${s.seconds.toFixed(1).padStart(6)}s  ${s.name}${s.status === "passed" ? "" : `  (${s.status})`}`);
}
if (totals.suitesFailedToRun) console.log(`suites that failed to run: ${totals.suitesFailedToRun}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(missing ? 1 : 0);
