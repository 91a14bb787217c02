/**
 * The emulator's core: state, call log, faults, keys and clock, plus the typed control API that
 * tests (in-process) and the admin HTTP path (CLI mode) use to seed, inspect and disturb it.
 */
import type { ActionContext, ActionHandler } from "./actions";
import { ApiError } from "./errors";
import type { Hold } from "./holds";
import { Faults, type ActiveBusyWindow, type ActiveFaultRule, type BusyWindow, type FaultRule } from "./faults";
import { type AccessKey, type Params, SignatureVerifier } from "./signature";
import {
    addInstance,
    type BackendServer,
    buildState,
    DEFAULT_VSERVER_GROUP_QUOTA,
    type EmulatorState,
    findLoadBalancer,
    findScalingGroup,
    findVServerGroup,
    type InstanceState,
    type LoadBalancer,
    removeInstance,
    type ScalingGroup,
    type StateSeed,
} from "./state";

/** One API call the emulator answered, as `control.calls()` lists it: what a test asserts on. */
export interface CallRecord {
    seq: number;
    /** ISO time the call was answered. */
    time: string;
    action: string;
    version: string;
    /** The call's business parameters, flat (signing parameters removed). */
    params: Params;
    /** HTTP status; 0 when the connection was reset. */
    status: number;
    /** Error code; absent on success. */
    code?: string;
    requestId: string;
    /** The injected fault that shaped the answer, if any. */
    fault?: "throttling" | "internalError" | "serviceUnavailable" | "connectionReset" | "busy";
    /** Injected latency, if any. */
    latencyMs?: number;
    signatureAlgorithm?: "v1" | "v3";
    accessKeyId?: string;
}

/** Narrows `control.calls()`. */
export interface CallFilter {
    action?: string;
    /** Only calls that succeeded (true) or failed (false). */
    ok?: boolean;
}

/** What `control.updateScalingGroup` may change: lifecycle state, a running activity, the quota, the name. */
export type ScalingGroupPatch = Partial<
    Pick<ScalingGroup, "lifecycleState" | "activityInProgress" | "vServerGroupQuota" | "scalingGroupName">
>;
/** What `control.updateLoadBalancer` may change: status and health check (preconditions of Attach). */
export type LoadBalancerPatch = Partial<Pick<LoadBalancer, "status" | "healthCheck">>;

/** The emulator's control API, in process (`emulator.control`) and over HTTP under `ADMIN_PREFIX`: state, calls, faults, holds, keys, clock. */
export interface EmulatorControl {
    /** Replaces the whole cloud state (forgets ClientTokens). */
    seed(seed: StateSeed): void;
    /** A deep copy of the current state. */
    state(): EmulatorState;
    scalingGroup(scalingGroupId: string): ScalingGroup | undefined;
    /** The backend servers of a VServer group (throws for an unknown id). */
    backendServers(vServerGroupId: string): BackendServer[];
    /** An instance joins a scaling group; if InService it is added to every attached VServer group. */
    addInstance(scalingGroupId: string, instanceId: string, lifecycleState?: InstanceState): void;
    /** An instance leaves a scaling group and every attached VServer group. */
    removeInstance(scalingGroupId: string, instanceId: string): void;
    updateScalingGroup(scalingGroupId: string, patch: ScalingGroupPatch): void;
    updateLoadBalancer(loadBalancerId: string, patch: LoadBalancerPatch): void;

    calls(filter?: CallFilter): CallRecord[];
    clearCalls(): void;

    /** Adds a fault rule; returns its id. */
    addFault(rule: FaultRule): number;
    /** Makes changes on a scaling group answer IncorrectScalingGroupStatus/ScalingActivityInProgress; returns its id. */
    busy(window: BusyWindow): number;
    /** Removes a fault rule or busy window by id. */
    removeFault(id: number): void;
    faults(): { rules: ActiveFaultRule[]; busyWindows: ActiveBusyWindow[] };
    /** Removes all fault rules and busy windows, and releases every hold. */
    clearFaults(): void;
    /** Holds the next call of `action` before it is processed, until released. */
    hold(action: string): Hold;
    /** The holds not released yet. */
    holds(): Hold[];
    /** Reseeds the PRNG behind fault probabilities. */
    setRandomSeed(seed: number): void;

    keys(): AccessKey[];
    addKey(key: AccessKey): void;
    /** Shifts the emulator clock (used for timestamp and token expiry) by this many ms from real time. */
    setClockOffset(ms: number): void;
    now(): number;

    /** Back to the initial seed and keys: no calls, faults, nonces, ClientTokens or clock offset. */
    reset(): void;
}

export interface CoreOptions {
    keys: AccessKey[];
    state?: StateSeed;
    /** Default MaxNumberOfVServerGroups for seeded scaling groups without one (default 5). */
    vServerGroupQuota?: number;
    /** PRNG seed for fault probabilities (default 1). */
    randomSeed?: number;
}

export type Outcome =
    { ok: true; body: Record<string, unknown> } | { ok: false; error: ApiError; /** The error came from a busy window. */ busy: boolean };

export class EmulatorCore implements EmulatorControl {
    private current: EmulatorState;
    private log: CallRecord[] = [];
    private seq = 0;
    private clockOffset = 0;
    private clientTokens = new Set<string>();
    private accessKeys: AccessKey[];
    readonly faultInjector: Faults;
    readonly verifier: SignatureVerifier;

    constructor(private readonly options: CoreOptions) {
        this.accessKeys = options.keys.map((k) => ({ ...k }));
        this.current = this.build(options.state ?? {});
        this.faultInjector = new Faults(options.randomSeed ?? 1);
        this.verifier = new SignatureVerifier(
            () => this.accessKeys,
            () => this.now(),
        );
    }

    private build(seed: StateSeed): EmulatorState {
        return buildState(seed, this.options.vServerGroupQuota ?? DEFAULT_VSERVER_GROUP_QUOTA);
    }

    /** Runs an action against the live state, synchronously, so the change is atomic. */
    run(handler: ActionHandler, params: Params): Outcome {
        let busy = false;
        const ctx: ActionContext = {
            state: this.current,
            params,
            clientTokens: this.clientTokens,
            busy: (id) => {
                const code = this.faultInjector.busy(id, this.now());
                busy = code !== undefined;
                return code;
            },
        };
        try {
            return { ok: true, body: handler(ctx) };
        } catch (e) {
            if (e instanceof ApiError) return { ok: false, error: e, busy };
            throw e;
        }
    }

    record(call: Omit<CallRecord, "seq" | "time">): CallRecord {
        const record: CallRecord = { seq: ++this.seq, time: new Date(this.now()).toISOString(), ...call };
        this.log.push(record);
        return record;
    }

    seed(seed: StateSeed): void {
        this.current = this.build(seed);
        this.clientTokens.clear();
    }

    state(): EmulatorState {
        return structuredClone(this.current);
    }

    scalingGroup(scalingGroupId: string): ScalingGroup | undefined {
        const group = findScalingGroup(this.current, scalingGroupId);
        return group && structuredClone(group);
    }

    backendServers(vServerGroupId: string): BackendServer[] {
        const found = findVServerGroup(this.current, vServerGroupId);
        if (!found) throw new Error(`unknown VServer group ${vServerGroupId}`);
        return structuredClone(found.group.backendServers);
    }

    addInstance(scalingGroupId: string, instanceId: string, lifecycleState: InstanceState = "InService"): void {
        addInstance(this.current, this.group(scalingGroupId), instanceId, lifecycleState);
    }

    removeInstance(scalingGroupId: string, instanceId: string): void {
        removeInstance(this.current, this.group(scalingGroupId), instanceId);
    }

    updateScalingGroup(scalingGroupId: string, patch: ScalingGroupPatch): void {
        Object.assign(this.group(scalingGroupId), definedOnly(patch));
    }

    updateLoadBalancer(loadBalancerId: string, patch: LoadBalancerPatch): void {
        const lb = findLoadBalancer(this.current, loadBalancerId);
        if (!lb) throw new Error(`unknown load balancer ${loadBalancerId}`);
        Object.assign(lb, definedOnly(patch));
    }

    calls(filter: CallFilter = {}): CallRecord[] {
        return structuredClone(
            this.log.filter(
                (c) =>
                    (filter.action === undefined || c.action === filter.action) &&
                    (filter.ok === undefined || filter.ok === (c.status === 200)),
            ),
        );
    }

    clearCalls(): void {
        this.log = [];
    }

    addFault(rule: FaultRule): number {
        return this.faultInjector.add(rule);
    }

    busy(window: BusyWindow): number {
        this.group(window.scalingGroupId);
        return this.faultInjector.addBusy(window, this.now());
    }

    removeFault(id: number): void {
        this.faultInjector.remove(id);
    }

    faults(): { rules: ActiveFaultRule[]; busyWindows: ActiveBusyWindow[] } {
        return { rules: this.faultInjector.list(), busyWindows: this.faultInjector.busyWindows() };
    }

    clearFaults(): void {
        this.faultInjector.clear();
    }

    hold(action: string): Hold {
        return this.faultInjector.holds.add(action);
    }

    holds(): Hold[] {
        return this.faultInjector.holds.list();
    }

    setRandomSeed(seed: number): void {
        this.faultInjector.setSeed(seed);
    }

    keys(): AccessKey[] {
        return this.accessKeys.map((k) => ({ ...k }));
    }

    addKey(key: AccessKey): void {
        this.accessKeys = [...this.accessKeys.filter((k) => k.accessKeyId !== key.accessKeyId), { ...key }];
    }

    setClockOffset(ms: number): void {
        this.clockOffset = ms;
    }

    now(): number {
        return Date.now() + this.clockOffset;
    }

    reset(): void {
        this.seed(this.options.state ?? {});
        this.clearCalls();
        this.clearFaults();
        this.verifier.clearNonces();
        this.clockOffset = 0;
        this.accessKeys = this.options.keys.map((k) => ({ ...k }));
        this.faultInjector.setSeed(this.options.randomSeed ?? 1);
    }

    private group(scalingGroupId: string): ScalingGroup {
        const group = findScalingGroup(this.current, scalingGroupId);
        if (!group) throw new Error(`unknown scaling group ${scalingGroupId}`);
        return group;
    }
}

function definedOnly<T extends object>(patch: T): Partial<T> {
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
