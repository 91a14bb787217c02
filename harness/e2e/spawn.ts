// Process spawning: one runner.js per operation, in its own process group, with its output
// watched so a test can wait for a line and kill the run mid-flight.
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { nodeBinary } from "./environment";
import { killTree } from "./process-tree";
import type { OperationResult, RunnerRequest } from "./protocol";

const RUNNER = path.join(__dirname, "runner.js");

export interface KillableOperation {
    /** PID of the runner (leader of its own process group). */
    readonly pid: number;
    /** Everything the engine printed so far. */
    output(): string;
    /** Resolves once the engine output matches `pattern` (rejects on timeout or if the run ends first). */
    waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
    /** SIGKILL the runner, the pulumi CLI and every plugin they started. Idempotent. */
    kill(): void;
    /** Settles when the runner is gone: the result (ok=false, killed=true if it was killed). Never rejects. */
    done: Promise<OperationResult>;
}

/** What a runner needs from its harness. */
export interface RunnerHost {
    /** Request/result files live in `<tmpDir>/io`. */
    readonly tmpDir: string;
    /** Echo the live engine output to this process' stderr. */
    readonly verbose: boolean;
    /** Keep the request/result files. */
    readonly keep: boolean;
    /** Runners still alive (killed on cleanup). */
    readonly kids: Set<ChildProcess>;
}

/** Start runner.js for one request; kill it after `timeoutMs`. */
export function spawnRunner(host: RunnerHost, req: RunnerRequest, timeoutMs: number): KillableOperation {
    const id = crypto.randomBytes(6).toString("hex");
    const reqFile = path.join(host.tmpDir, "io", `${id}.req.json`);
    const resFile = path.join(host.tmpDir, "io", `${id}.res.json`);
    fs.writeFileSync(reqFile, JSON.stringify(req));
    const child = spawn(nodeBinary(), [RUNNER, reqFile, resFile], {
        cwd: req.workDir,
        env: req.envVars,
        detached: true, // own process group: kill() takes the CLI and plugins along
        stdio: ["ignore", "pipe", "pipe"],
    });
    host.kids.add(child);
    let out = "";
    let err = "";
    let killed = false;
    let finished = false;
    const waiters: Array<{ re: RegExp; resolve: (s: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
    const checkWaiters = () => {
        for (let i = waiters.length - 1; i >= 0; i--) {
            if (waiters[i].re.test(out)) {
                clearTimeout(waiters[i].timer);
                waiters[i].resolve(out);
                waiters.splice(i, 1);
            }
        }
    };
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        if (host.verbose) process.stderr.write(d);
        checkWaiters();
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        err += d;
        if (host.verbose) process.stderr.write(d);
    });
    const kill = () => {
        if (finished || killed) return;
        killed = true;
        if (child.pid) killTree(child.pid);
    };
    const timer = setTimeout(kill, timeoutMs);
    const done = new Promise<OperationResult>((resolve) => {
        child.on("close", (code, signal) => {
            finished = true;
            clearTimeout(timer);
            host.kids.delete(child);
            for (const w of waiters.splice(0)) {
                clearTimeout(w.timer);
                w.reject(new Error(`runner ended before output matched ${w.re}\n${out}`));
            }
            let result: OperationResult;
            try {
                result = JSON.parse(fs.readFileSync(resFile, "utf8"));
            } catch {
                result = {
                    op: req.op,
                    ok: false,
                    output: out,
                    steps: [],
                    diagnostics: [],
                    durationMs: 0,
                    runnerStderr: "",
                    errorMessage: killed
                        ? `runner killed${killed && !signal ? "" : ` (${signal})`}`
                        : `runner exited with code ${code} and no result`,
                };
            }
            result.runnerStderr = err;
            result.exitCode = code;
            result.signal = signal;
            if (killed) {
                result.killed = true;
                result.ok = false;
            }
            if (!host.keep) {
                fs.rmSync(reqFile, { force: true });
                fs.rmSync(resFile, { force: true });
            }
            resolve(result);
        });
    });
    return {
        pid: child.pid!,
        output: () => out,
        kill,
        done,
        waitForOutput: (pattern, ms = timeoutMs) =>
            new Promise<string>((resolve, reject) => {
                const re = typeof pattern === "string" ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : pattern;
                if (re.test(out)) return resolve(out);
                if (finished) return reject(new Error(`runner already ended; output did not match ${re}\n${out}`));
                const t = setTimeout(() => {
                    const i = waiters.findIndex((w) => w.timer === t);
                    if (i >= 0) waiters.splice(i, 1);
                    reject(new Error(`timed out after ${ms}ms waiting for ${re}\n${out}`));
                }, ms);
                waiters.push({ re, resolve, reject, timer: t });
            }),
    };
}
