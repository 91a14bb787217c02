/**
 * E2E harness: drives the real Pulumi engine (CLI from scripts/ensure-pulumi.sh) from jest.
 *
 * Every operation runs in a separate plain Node process (./runner.js) — Pulumi programs must
 * not run inside jest's module sandbox. The program is data: a list of resources
 * (`{ name, args }`, by default of type ScalingGroupVServerGroups from the package).
 *
 *   const h = await E2EHarness.start();
 *   const stack = await h.stack({ name: "basic", env: { ALIBABA_CLOUD_ESS_ENDPOINT: emu.endpoint } });
 *   const r = await stack.up([{ name: "web", args: { scalingGroupId: "asg-1", vserverGroups: [...] } }]);
 *   expect(r.changeSummary).toEqual({ create: 2 });   // the stack + the resource
 *   await h.cleanup();
 *
 * Layout on disk:
 *   <repo>/.tools/bin/pulumi                     the CLI (+ the pulumi-resource-pulumi-nodejs plugin)
 *   <repo>/.tools/e2e/node_modules/<pkg>/        a COPY of package.json + dist/ (made once per run)
 *   <repo>/.tools/e2e/<run>-<stack>/             one work dir per stack (Pulumi.yaml lives here)
 *   $TMPDIR/pulumi-e2e-XXXX/{backend,home,...}   file:// backend, PULUMI_HOME, request/result files
 */
import { ChildProcess, execFile, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installPackageCopy } from "../package-copy";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const DEFAULT_PACKAGE_NAME = "pulumi-alicloud-ess-vserver-groups";
export const DEFAULT_RESOURCE_TYPE = "ScalingGroupVServerGroups";
const RUNNER = path.join(__dirname, "runner.js");

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/**
 * JSON value with two escapes understood by the runner:
 *   `{ $ref: "otherResource.someOutput" }` → that resource's output (declare it earlier);
 *   `{ $secret: value }`                   → `pulumi.secret(value)`.
 */
export type ProgramValue =
    | string
    | number
    | boolean
    | null
    | ProgramValue[]
    | { $ref: string }
    | { $secret: ProgramValue }
    | { [key: string]: ProgramValue | undefined };

/** Resource options, JSON form (resource references by name). */
export interface ResourceOptionsSpec {
    dependsOn?: string[];
    parent?: string;
    protect?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    customTimeouts?: { create?: string; update?: string; delete?: string };
    aliases?: ProgramValue[];
}

/** One resource of the program. */
export interface ResourceSpec {
    name: string;
    /** Export of the package to construct; default "ScalingGroupVServerGroups". */
    type?: string;
    args?: Record<string, ProgramValue | undefined>;
    opts?: ResourceOptionsSpec;
}

export type ProgramSpec = ResourceSpec[];

/** A real Pulumi program (TypeScript), copied into the stack's folder as index.ts and run as is. */
export interface ProgramFile {
    file: string;
}

export type Program = ProgramSpec | ProgramFile;

export type OperationKind = "up" | "preview" | "refresh" | "destroy" | "export" | "import" | "cancel" | "outputs" | "remove";

/** Options passed through to the Automation API call (`stack.up(opts)` etc.). */
export interface OperationOptions {
    /** Fail if the operation would change anything (up/preview/refresh/destroy). */
    expectNoChanges?: boolean;
    /** Target URNs. */
    target?: string[];
    /** URNs to replace (up/preview). */
    replace?: string[];
    /** Run a refresh before up/preview/destroy. */
    refresh?: boolean;
    /** Engine parallelism. */
    parallel?: number;
    /** refresh: drop pending creates (engine support permitting). */
    clearPendingCreates?: boolean;
    /** destroy/refresh: run the program (needed for inline programs with provider config). */
    runProgram?: boolean;
    /** Show diff details in the output text. */
    diff?: boolean;
    /** Engine log verbosity (--verbose); goes to the CLI's stderr (`commandStderr`). */
    logVerbosity?: number;
    logToStdErr?: boolean;
    /** Anything else the Automation API accepts for this operation. */
    [key: string]: unknown;
}

export interface PerOperation {
    /** Extra env for this one invocation (merged over harness and stack env). */
    env?: Record<string, string | undefined>;
    /** Options for the Automation API call. */
    options?: OperationOptions;
    /** Extra stack outputs: name → value (may use $ref / $secret). */
    exports?: Record<string, ProgramValue>;
    /** Do not throw on failure; return the result with ok=false. */
    allowFailure?: boolean;
    /** Kill the runner after this long (ms). Default: harness opTimeoutMs. */
    timeoutMs?: number;
    /** Keep the raw engine events in the result (`events`). */
    keepEvents?: boolean;
}

/** One resource step, distilled from the engine events. */
export interface StepInfo {
    urn: string;
    name: string;
    type: string;
    /** "create" | "update" | "delete" | "replace" | "same" | "refresh" | "create-replacement" | "delete-replaced" | "read" | ... */
    op: string;
    diffs?: string[];
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
    oldInputs?: Record<string, unknown>;
    newInputs?: Record<string, unknown>;
    oldOutputs?: Record<string, unknown>;
    newOutputs?: Record<string, unknown>;
    status: "started" | "done" | "failed";
}

export interface DiagnosticInfo {
    severity: string; // "info" | "warning" | "error" | "info#err" | "debug"
    message: string;
    urn?: string;
}

export interface OutputValue {
    value: unknown;
    secret: boolean;
}

/** What the runner reports for one operation. */
export interface OperationResult {
    op: OperationKind;
    ok: boolean;
    /** Everything the engine printed (onOutput), uncolored. */
    output: string;
    /**
     * Counts by op, e.g. `{ create: 2 }`, `{ same: 1, update: 1 }`. For up/refresh/destroy this is
     * summary.resourceChanges, for preview the preview's changeSummary. Includes the stack resource.
     */
    changeSummary?: Record<string, number>;
    /** The update summary (up/refresh/destroy). */
    summary?: {
        kind: string;
        result: string;
        message: string;
        resourceChanges?: Record<string, number>;
        startTime: string;
        endTime: string;
        [key: string]: unknown;
    };
    /** Stack outputs (up, outputs): one per resource of the program (its id, urn and outputs) + `exports`. */
    outputs?: Record<string, OutputValue>;
    /** Per-resource steps (create/update/replace/delete/same/refresh...) with diffs. */
    steps: StepInfo[];
    diagnostics: DiagnosticInfo[];
    /** export: the state. */
    deployment?: Deployment;
    /** On failure: the Automation API error message (contains the CLI stderr/stdout). */
    errorMessage?: string;
    errorName?: string;
    commandStdout?: string;
    commandStderr?: string;
    /** Raw engine events (only with keepEvents). */
    events?: unknown[];
    durationMs: number;
    /** Runner process stderr (Node warnings, crashes). */
    runnerStderr: string;
    /** Set when the runner was killed (timeout or kill()); the rest may be empty. */
    killed?: boolean;
    exitCode?: number | null;
    signal?: NodeJS.Signals | null;
}

export interface Deployment {
    version: number;
    deployment: {
        manifest?: unknown;
        secrets_providers?: unknown;
        resources?: Array<{
            urn: string;
            type: string;
            id?: string;
            custom?: boolean;
            inputs?: Record<string, unknown>;
            outputs?: Record<string, unknown>;
            [key: string]: unknown;
        }>;
        pending_operations?: Array<{ resource: { urn: string; [key: string]: unknown }; type: string }>;
        [key: string]: unknown;
    };
}

/** Error thrown by a failed operation; `.result` has the engine output. */
export class E2EOperationError extends Error {
    constructor(public readonly result: OperationResult) {
        super(
            `pulumi ${result.op} failed${result.killed ? " (runner killed)" : ""}: ${result.errorMessage ?? ""}\n` +
                `--- engine output ---\n${result.output}\n--- runner stderr ---\n${result.runnerStderr}`,
        );
        this.name = "E2EOperationError";
    }
}

/** The run request the harness writes for runner.js. */
export interface RunnerRequest {
    op: OperationKind;
    stackName: string;
    projectName: string;
    workDir: string;
    backendUrl: string;
    pulumiPath: string;
    packageName: string;
    defaultType: string;
    envVars: Record<string, string>;
    config?: Record<string, string>;
    secretConfig?: Record<string, string>;
    removeConfig?: string[];
    resources?: ProgramSpec;
    /** Set for a ProgramFile: the copy in the work dir that the runner loads. */
    programFile?: string;
    exports?: Record<string, ProgramValue>;
    options?: OperationOptions;
    deployment?: Deployment;
    keepEvents?: boolean;
}

export interface HarnessOptions {
    /** Directory holding the package.json + dist/ to copy. Default: the repo root. */
    packageSource?: string;
    /** Package name to install under the program root. Default: read from packageSource/package.json. */
    packageName?: string;
    /** Export constructed when a resource has no `type`. Default "ScalingGroupVServerGroups". */
    defaultType?: string;
    /** Program root (its node_modules holds the package copy). Default <repo>/.tools/e2e. */
    programRoot?: string;
    /** The program root already has the package installed (e.g. from the npm tarball): copy nothing. */
    preinstalled?: boolean;
    /** Env for every invocation (after scrubbing ambient ALIBABA_CLOUD_* / ALICLOUD_* / PULUMI_*). */
    env?: Record<string, string | undefined>;
    /** Default timeout of one operation, ms. Default 180000. */
    opTimeoutMs?: number;
    /** Echo the live engine output to this process' stderr. Default: env E2E_VERBOSE=1. */
    verbose?: boolean;
    /** Keep temp dirs and stack folders on cleanup (debugging). Default: env E2E_KEEP=1. */
    keep?: boolean;
    /** Pulumi CLI path; default: the result of scripts/ensure-pulumi.sh (env PULUMI_E2E_CLI overrides). */
    pulumiPath?: string;
}

export interface StackOptions {
    /** Stack name (unique within the harness). */
    name: string;
    /** Project name. Default "e2e". */
    project?: string;
    /** Env for every operation on this stack, e.g. ALIBABA_CLOUD_ESS_ENDPOINT, credentials, region. */
    env?: Record<string, string | undefined>;
    /** Plain stack config, e.g. { "alicloud:region": "cn-hangzhou" }. Keys without ":" get the project prefix. */
    config?: Record<string, string>;
    /** Secret stack config, e.g. { "alicloud:accessKey": "...", "alicloud:secretKey": "..." }. */
    secretConfig?: Record<string, string>;
}

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

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function run(
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { ...opts, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) reject(Object.assign(err, { stdout, stderr }));
            else resolve({ stdout, stderr });
        });
    });
}

const SCRUB = /^(ALIBABA_CLOUD_|ALICLOUD_|PULUMI_)/;

function cleanEnv(...layers: Array<Record<string, string | undefined> | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const layer of layers) {
        if (!layer) continue;
        for (const [k, v] of Object.entries(layer)) {
            if (v === undefined) delete out[k];
            else out[k] = v;
        }
    }
    return out;
}

/** All descendants of `pid` (Linux /proc), deepest last. */
function descendants(pid: number): number[] {
    let entries: string[];
    try {
        entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
    } catch {
        return [];
    }
    const children = new Map<number, number[]>();
    for (const e of entries) {
        try {
            const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            const list = children.get(ppid) ?? [];
            list.push(Number(e));
            children.set(ppid, list);
        } catch {
            /* process gone */
        }
    }
    const out: number[] = [];
    const queue = [pid];
    while (queue.length) {
        const p = queue.shift()!;
        for (const c of children.get(p) ?? []) {
            out.push(c);
            queue.push(c);
        }
    }
    return out;
}

/** SIGKILL a process group leader, its group, and every descendant (plugins may set their own pgid). */
function killTree(pid: number): void {
    const all = descendants(pid);
    const groups = new Set<number>([pid]);
    for (const p of all) {
        try {
            const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
            groups.add(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]));
        } catch {
            /* gone */
        }
    }
    // Stop the tree first so nothing spawns more children while we kill.
    for (const p of [pid, ...all]) {
        try {
            process.kill(p, "SIGSTOP");
        } catch {
            /* gone */
        }
    }
    for (const g of groups) {
        if (g <= 1 || g === process.pid) continue;
        try {
            process.kill(-g, "SIGKILL");
        } catch {
            /* gone */
        }
    }
    for (const p of [pid, ...all]) {
        try {
            process.kill(p, "SIGKILL");
        } catch {
            /* gone */
        }
    }
}

function nodeBinary(): string {
    // Node >= 22 is required by the package; the repo pins Node 24 as a devDependency.
    const local = path.join(REPO_ROOT, "node_modules", ".bin", "node");
    if (fs.existsSync(local)) return local;
    return process.execPath;
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

let ensuredCli: Promise<string> | undefined;

/** Runs scripts/ensure-pulumi.sh once per process; returns the CLI path. */
export function ensurePulumiCli(): Promise<string> {
    if (process.env.PULUMI_E2E_CLI) return Promise.resolve(process.env.PULUMI_E2E_CLI);
    ensuredCli ??= run("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh"), "--print-path"], {
        cwd: REPO_ROOT,
    }).then(
        ({ stdout }) => stdout.trim().split("\n").pop()!,
        (err) => {
            ensuredCli = undefined;
            throw new Error(`scripts/ensure-pulumi.sh failed: ${err.message}\n${err.stderr ?? ""}`);
        },
    );
    return ensuredCli;
}

export class E2EHarness {
    readonly runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
    readonly stacks: E2EStack[] = [];
    private readonly kids = new Set<ChildProcess>();

    private constructor(
        readonly pulumiPath: string,
        readonly programRoot: string,
        readonly packageName: string,
        readonly defaultType: string,
        /** file:// backend, PULUMI_HOME, request/result files live here. */
        readonly tmpDir: string,
        readonly baseEnv: Record<string, string>,
        readonly opTimeoutMs: number,
        readonly verbose: boolean,
        readonly keep: boolean,
    ) {}

    get backendUrl(): string {
        return `file://${path.join(this.tmpDir, "backend")}`;
    }

    /** Ensure the CLI, copy the package under the program root, make a temp backend + PULUMI_HOME. */
    static async start(opts: HarnessOptions = {}): Promise<E2EHarness> {
        const pulumiPath = opts.pulumiPath ?? (await ensurePulumiCli());
        const programRoot = opts.programRoot ?? path.join(REPO_ROOT, ".tools", "e2e");
        const name = opts.preinstalled
            ? (opts.packageName ?? DEFAULT_PACKAGE_NAME)
            : installPackageCopy(programRoot, opts.packageSource ?? REPO_ROOT, opts.packageName).name;
        const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-e2e-"));
        for (const d of ["backend", "home", "io", "userhome"]) fs.mkdirSync(path.join(tmpDir, d));

        const ambient: Record<string, string> = {};
        for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) ambient[k] = v;
        const toolsBin = path.dirname(pulumiPath);
        const pathDirs = [
            path.join(REPO_ROOT, ".tools", "bin"), // pulumi + pulumi-resource-pulumi-nodejs
            toolsBin,
            path.join(REPO_ROOT, "node_modules", ".bin"), // Node 24 first for the plugin's `node`
            process.env.PATH ?? "",
        ];
        const baseEnv = cleanEnv(
            ambient,
            {
                PATH: [...new Set(pathDirs)].join(path.delimiter),
                HOME: path.join(tmpDir, "userhome"), // no ~/.alibabacloud, ~/.aliyun, ~/.pulumi leaks
                PULUMI_HOME: path.join(tmpDir, "home"),
                PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
                PULUMI_SKIP_UPDATE_CHECK: "true",
                PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
                PULUMI_SKIP_CONFIRMATIONS: "true",
                PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
                ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true", // the credentials chain must not probe 100.100.100.200
                NODE_OPTIONS: undefined, // jest/ts-node flags must not leak into the engine's node processes
            },
            opts.env,
        );
        const h = new E2EHarness(
            pulumiPath,
            programRoot,
            name,
            opts.defaultType ?? DEFAULT_RESOURCE_TYPE,
            tmpDir,
            baseEnv,
            opts.opTimeoutMs ?? 180_000,
            opts.verbose ?? process.env.E2E_VERBOSE === "1",
            opts.keep ?? process.env.E2E_KEEP === "1",
        );
        return h;
    }

    /** A new stack with its own fresh work dir under the program root (nothing runs until the first op). */
    async stack(opts: StackOptions): Promise<E2EStack> {
        if (this.stacks.some((s) => s.name === opts.name)) throw new Error(`stack ${opts.name} already exists in this harness`);
        const workDir = path.join(this.programRoot, `${this.runId}-${opts.name}`);
        fs.rmSync(workDir, { recursive: true, force: true });
        fs.mkdirSync(workDir, { recursive: true });
        // A program has its own package.json; without one Node resolves the package name to this repo itself.
        fs.writeFileSync(path.join(workDir, "package.json"), JSON.stringify({ name: `e2e-${opts.name}`, private: true }));
        const s = new E2EStack(this, opts, workDir);
        this.stacks.push(s);
        return s;
    }

    /** Kill runners still alive, remove stack work dirs and the temp backend/home (unless keep). */
    async cleanup(): Promise<void> {
        for (const k of this.kids) if (k.pid) killTree(k.pid);
        this.kids.clear();
        if (this.keep) {
            process.stderr.write(`E2E_KEEP: leaving ${this.tmpDir} and stack dirs under ${this.programRoot}\n`);
            return;
        }
        for (const s of this.stacks) fs.rmSync(s.workDir, { recursive: true, force: true });
        fs.rmSync(this.tmpDir, { recursive: true, force: true });
    }

    /** @internal */
    spawnRunner(req: RunnerRequest, timeoutMs: number): KillableOperation {
        const id = crypto.randomBytes(6).toString("hex");
        const reqFile = path.join(this.tmpDir, "io", `${id}.req.json`);
        const resFile = path.join(this.tmpDir, "io", `${id}.res.json`);
        fs.writeFileSync(reqFile, JSON.stringify(req));
        const child = spawn(nodeBinary(), [RUNNER, reqFile, resFile], {
            cwd: req.workDir,
            env: req.envVars,
            detached: true, // own process group: kill() takes the CLI and plugins along
            stdio: ["ignore", "pipe", "pipe"],
        });
        this.kids.add(child);
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
            if (this.verbose) process.stderr.write(d);
            checkWaiters();
        });
        child.stderr!.setEncoding("utf8").on("data", (d: string) => {
            err += d;
            if (this.verbose) process.stderr.write(d);
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
                this.kids.delete(child);
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
                if (!this.keep) {
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
}

export class E2EStack {
    readonly name: string;
    readonly project: string;
    /** Stack env (merged over the harness env); mutate to change later operations. */
    env: Record<string, string | undefined>;
    config: Record<string, string>;
    secretConfig: Record<string, string>;
    private pendingConfigRemovals: string[] = [];
    /** The resources of the last up/preview/refresh/destroy (reused when an op gets none). */
    lastProgram: Program = [];

    constructor(
        readonly harness: E2EHarness,
        opts: StackOptions,
        readonly workDir: string,
    ) {
        this.name = opts.name;
        this.project = opts.project ?? "e2e";
        this.env = { ...(opts.env ?? {}) };
        this.config = { ...(opts.config ?? {}) };
        this.secretConfig = { ...(opts.secretConfig ?? {}) };
    }

    /** Set (or with `undefined`, remove) stack config before the next operation. */
    setConfig(key: string, value: string | undefined, secret = false): void {
        delete this.config[key];
        delete this.secretConfig[key];
        if (value === undefined) this.pendingConfigRemovals.push(key);
        else (secret ? this.secretConfig : this.config)[key] = value;
    }

    private request(op: OperationKind, program: Program | undefined, per: PerOperation = {}): RunnerRequest {
        if (program) this.lastProgram = program;
        const current = program ?? this.lastProgram;
        let resources: ProgramSpec | undefined;
        let programFile: string | undefined;
        if (current && "file" in current) {
            programFile = path.join(this.workDir, "index.ts");
            fs.copyFileSync(current.file, programFile);
        } else {
            resources = current;
        }
        const removeConfig = this.pendingConfigRemovals;
        this.pendingConfigRemovals = [];
        return {
            op,
            stackName: this.name,
            projectName: this.project,
            workDir: this.workDir,
            backendUrl: this.harness.backendUrl,
            pulumiPath: this.harness.pulumiPath,
            packageName: this.harness.packageName,
            defaultType: this.harness.defaultType,
            envVars: cleanEnv(this.harness.baseEnv, this.env, per.env),
            config: this.config,
            secretConfig: this.secretConfig,
            removeConfig,
            resources,
            programFile,
            exports: per.exports,
            options: per.options,
            keepEvents: per.keepEvents,
        };
    }

    private async exec(
        op: OperationKind,
        resources: Program | undefined,
        per: PerOperation = {},
        extra: Partial<RunnerRequest> = {},
    ): Promise<OperationResult> {
        const k = this.harness.spawnRunner({ ...this.request(op, resources, per), ...extra }, per.timeoutMs ?? this.harness.opTimeoutMs);
        const result = await k.done;
        if (!result.ok && !per.allowFailure) throw new E2EOperationError(result);
        return result;
    }

    /** `pulumi up` with this program. Throws E2EOperationError on failure unless allowFailure. */
    up(resources: Program, per?: PerOperation): Promise<OperationResult> {
        return this.exec("up", resources, per);
    }

    /** `pulumi preview`. */
    preview(resources: Program, per?: PerOperation): Promise<OperationResult> {
        return this.exec("preview", resources, per);
    }

    /** `pulumi refresh` (the program is used only with options.runProgram; default: last program). */
    refresh(resources?: Program, per?: PerOperation): Promise<OperationResult> {
        return this.exec("refresh", resources, per);
    }

    /** `pulumi destroy` (default: last program). */
    destroy(resources?: Program, per?: PerOperation): Promise<OperationResult> {
        return this.exec("destroy", resources, per);
    }

    /**
     * `pulumi stack export`: the state as stored (secrets are ciphertext). With showSecrets, the
     * Automation API's export (`--show-secrets`: secrets decrypted into `plaintext` fields).
     */
    async export(per: PerOperation & { showSecrets?: boolean } = {}): Promise<Deployment> {
        const { showSecrets, ...rest } = per;
        return (await this.exec("export", undefined, { ...rest, options: { ...rest.options, showSecrets } })).deployment!;
    }

    /** `pulumi stack import`. */
    async import(deployment: Deployment, per?: PerOperation): Promise<void> {
        await this.exec("import", undefined, per, { deployment });
    }

    /** Stack outputs. */
    async outputs(per?: PerOperation): Promise<Record<string, OutputValue>> {
        return (await this.exec("outputs", undefined, per)).outputs ?? {};
    }

    /** `pulumi cancel`: drop the lock a killed update left behind (file backend). */
    cancel(per?: PerOperation): Promise<OperationResult> {
        return this.exec("cancel", undefined, { allowFailure: true, ...per });
    }

    /**
     * Recovery after a killed `up`: export → drop `pending_operations` → import.
     * Returns the pending operations that were dropped (so tests can assert what was in flight).
     */
    async clearPendingOperations(): Promise<NonNullable<Deployment["deployment"]["pending_operations"]>> {
        const state = await this.export();
        const pending = state.deployment.pending_operations ?? [];
        if (pending.length > 0) {
            delete state.deployment.pending_operations;
            await this.import(state);
        }
        return pending;
    }

    /**
     * The documented recovery after a killed `up`: `pulumi cancel` (a killed run leaves the stack
     * locked: every op fails with "the stack is currently locked" until then), drop the pending
     * operations (export → import), then `pulumi refresh` unless `refresh: false`.
     * Returns the pending operations that were dropped.
     */
    async recoverAfterKill(opts: { refresh?: boolean } = {}): Promise<NonNullable<Deployment["deployment"]["pending_operations"]>> {
        await this.cancel();
        const pending = await this.clearPendingOperations();
        if (opts.refresh !== false) await this.refresh();
        return pending;
    }

    /** The resources in the state (excluding the stack and the default providers). */
    async stateResources(): Promise<NonNullable<Deployment["deployment"]["resources"]>> {
        const state = await this.export();
        return (state.deployment.resources ?? []).filter(
            (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
        );
    }

    /** Start an `up` that a test can kill mid-flight (SIGKILL to the runner, the CLI and the plugins). */
    upKillable(resources: Program, per: PerOperation = {}): KillableOperation {
        return this.harness.spawnRunner(this.request("up", resources, per), per.timeoutMs ?? this.harness.opTimeoutMs);
    }

    /** `pulumi stack rm --force` (removes the stack and its state from the backend). */
    async remove(per?: PerOperation): Promise<void> {
        await this.exec("remove", undefined, per);
    }
}
