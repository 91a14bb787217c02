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
 *
 * This file holds E2EHarness; protocol.ts the request/result shapes, environment.ts the CLI and
 * the scrubbed env, spawn.ts the runner processes, process-tree.ts killing them, stack.ts E2EStack.
 */
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installPackageCopy } from "../package-copy";
import { DEFAULT_PACKAGE_NAME, DEFAULT_RESOURCE_TYPE, engineEnv, ensurePulumiCli, REPO_ROOT } from "./environment";
import { killTree } from "./process-tree";
import type { RunnerRequest } from "./protocol";
import { spawnRunner, type KillableOperation } from "./spawn";
import { E2EStack, type StackOptions } from "./stack";

export { DEFAULT_PACKAGE_NAME, DEFAULT_RESOURCE_TYPE, ensurePulumiCli, nodeBinary, REPO_ROOT } from "./environment";
export * from "./protocol";
export type { KillableOperation } from "./spawn";
export { E2EStack, type StackOptions } from "./stack";

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

export class E2EHarness {
    readonly runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
    readonly stacks: E2EStack[] = [];
    readonly kids = new Set<ChildProcess>();

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

        const baseEnv = engineEnv(tmpDir, pulumiPath, opts.env);
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

    spawnRunner(req: RunnerRequest, timeoutMs: number): KillableOperation {
        return spawnRunner(this, req, timeoutMs);
    }
}
