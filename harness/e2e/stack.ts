// The stack API: one Pulumi stack in its own work dir, each operation one runner process.
import * as fs from "fs";
import * as path from "path";
import { cleanEnv } from "./environment";
import {
    E2EOperationError,
    type Deployment,
    type OperationKind,
    type OperationResult,
    type PerOperation,
    type Program,
    type ProgramSpec,
    type RunnerRequest,
} from "./protocol";
import type { KillableOperation } from "./spawn";

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

/** What a stack needs from its harness (E2EHarness). */
export interface StackHost {
    readonly backendUrl: string;
    readonly pulumiPath: string;
    readonly packageName: string;
    readonly defaultType: string;
    readonly baseEnv: Record<string, string>;
    readonly opTimeoutMs: number;
    spawnRunner(req: RunnerRequest, timeoutMs: number): KillableOperation;
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
        readonly harness: StackHost,
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
}
