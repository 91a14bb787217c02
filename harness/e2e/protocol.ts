// The runner protocol: the program as data, the request the harness writes for runner.js and
// the result runner.js writes back.

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
    /** Read an existing resource with this ID (a `get`) instead of managing one. */
    id?: string;
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

export type OperationKind = "up" | "preview" | "refresh" | "destroy" | "export" | "import" | "cancel";

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
    /** Stack outputs (up): one per resource of the program (its id, urn and outputs) + `exports`. */
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
}
