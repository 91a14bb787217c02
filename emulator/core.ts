/**
 * The emulator's core: state, call log, faults, flow control, keys and clock, plus the typed control API that
 * tests (in-process) and the admin HTTP path (CLI mode) use to seed, inspect and disturb it.
 */
import type { ActionContext, ActionHandler } from "./actions";
import { Activities, type ActivityFault, DEFAULT_ACTIVITY_DELAY_MS, type ScalingActivity } from "./activities";
import { ApiError } from "./errors";
import type { Hold } from "./holds";
import { Faults, type ActiveBusyWindow, type ActiveFaultRule, type BusyWindow, type FaultRule } from "./faults";
import { FlowControl, type FlowLimit } from "./flow-control";
import { type AccessKey, type Params, SignatureVerifier } from "./signature";
import {
    addInstance,
    type BackendServer,
    buildState,
    type DefaultBackendServer,
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
import { deregisterInstance, findServerGroup, registerInstance } from "./traffic";

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
    /** The backends of a classic load balancer's default server group (throws for an unknown id). */
    backendServers(loadBalancerId: `lb-${string}`): DefaultBackendServer[];
    /** The backend servers of a VServer group (`rsp-`) or an ALB/NLB/GWLB server group (`sgp-`); throws for an unknown id. */
    backendServers(groupId: string): BackendServer[];
    /** Every scaling activity, oldest first; of one scaling group when given. */
    activities(scalingGroupId?: string): ScalingActivity[];
    /** Resolves with the activity once it has ended (Successful, Failed or Rejected); rejects for an unknown id. */
    activityDone(scalingActivityId: string): Promise<ScalingActivity>;
    /** How long an activity stays InProgress before it applies its change (default 50 ms; 0 allowed). */
    setActivityDelay(ms: number): void;
    /** The next activity (of the group, or any) ends with this status and message and changes nothing; returns its id. */
    failNextActivity(fault: ActivityFault): number;
    /** Activities stay InProgress (new ones too) until resumeActivities(). */
    pauseActivities(): void;
    resumeActivities(): void;
    /** An instance joins a scaling group; if InService it is added to every attached VServer group, server group and load balancer. */
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

    /**
     * Replaces the flow-control limits (`[]`: off, the default): per AccessKey and per action, a token
     * bucket of `burst` calls refilled at `rate` a second on the emulator clock; a call finding it
     * empty answers 400 Throttling.User and changes nothing. Buckets start full. Throws on an invalid limit.
     */
    setFlowControl(limits: FlowLimit[]): void;
    /** The flow-control limits in force (`[]`: off). */
    flowControl(): FlowLimit[];

    keys(): AccessKey[];
    addKey(key: AccessKey): void;
    /** Shifts the emulator clock (used for timestamp and token expiry, and flow-control refills) by this many ms from real time. */
    setClockOffset(ms: number): void;
    now(): number;

    /**
     * Back to the initial seed, keys and flow control (off unless started with limits): no calls,
     * faults, activities, nonces, ClientTokens or clock offset.
     */
    reset(): void;
}

export interface CoreOptions {
    keys: AccessKey[];
    state?: StateSeed;
    /** Default MaxNumberOfVServerGroups for seeded scaling groups without one (default 5). */
    vServerGroupQuota?: number;
    /** PRNG seed for fault probabilities (default 1). */
    randomSeed?: number;
    /** How long a scaling activity stays InProgress (default 50 ms). */
    activityDelayMs?: number;
    /** Flow-control limits (default none: off). */
    flowControl?: FlowLimit[];
}

export type Outcome =
    { ok: true; body: Record<string, unknown> } | { ok: false; error: ApiError; /** The error came from a busy window. */ busy: boolean };

export class EmulatorCore implements EmulatorControl {
    private current: EmulatorState;
    private log: CallRecord[] = [];
    private seq = 0;
    private clockOffset = 0;
    private clientTokens = new Map<string, Record<string, unknown>>();
    private accessKeys: AccessKey[];
    readonly faultInjector: Faults;
    readonly flowLimiter: FlowControl;
    readonly verifier: SignatureVerifier;
    private readonly scalingActivities: Activities;

    constructor(private readonly options: CoreOptions) {
        this.scalingActivities = new Activities(options.activityDelayMs ?? DEFAULT_ACTIVITY_DELAY_MS, () => this.now());
        this.accessKeys = options.keys.map((k) => ({ ...k }));
        this.current = this.build(options.state ?? {});
        this.faultInjector = new Faults(options.randomSeed ?? 1);
        this.flowLimiter = new FlowControl(() => this.now());
        this.flowLimiter.set(options.flowControl ?? []);
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
            activities: this.scalingActivities,
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
        this.scalingActivities.clear();
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

    backendServers(loadBalancerId: `lb-${string}`): DefaultBackendServer[];
    backendServers(groupId: string): BackendServer[];
    backendServers(groupId: string): BackendServer[] | DefaultBackendServer[] {
        const found =
            findVServerGroup(this.current, groupId)?.group ??
            findServerGroup(this.current, groupId) ??
            findLoadBalancer(this.current, groupId);
        if (!found) throw new Error(`unknown VServer group, server group or load balancer ${groupId}`);
        return structuredClone(found.backendServers);
    }

    activities(scalingGroupId?: string): ScalingActivity[] {
        return this.scalingActivities.list((a) => scalingGroupId === undefined || a.scalingGroupId === scalingGroupId);
    }

    activityDone(scalingActivityId: string): Promise<ScalingActivity> {
        return this.scalingActivities.done(scalingActivityId);
    }

    setActivityDelay(ms: number): void {
        this.scalingActivities.setDelay(ms);
    }

    failNextActivity(fault: ActivityFault): number {
        if (fault.scalingGroupId !== undefined) this.group(fault.scalingGroupId);
        return this.scalingActivities.failNext(fault);
    }

    pauseActivities(): void {
        this.scalingActivities.pause();
    }

    resumeActivities(): void {
        this.scalingActivities.resume();
    }

    addInstance(scalingGroupId: string, instanceId: string, lifecycleState: InstanceState = "InService"): void {
        const group = this.group(scalingGroupId);
        addInstance(this.current, group, instanceId, lifecycleState);
        if (lifecycleState === "InService") registerInstance(this.current, group, instanceId);
    }

    removeInstance(scalingGroupId: string, instanceId: string): void {
        const group = this.group(scalingGroupId);
        removeInstance(this.current, group, instanceId);
        deregisterInstance(this.current, group, instanceId);
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

    setFlowControl(limits: FlowLimit[]): void {
        this.flowLimiter.set(limits);
    }

    flowControl(): FlowLimit[] {
        return this.flowLimiter.list();
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
        this.flowLimiter.set(this.options.flowControl ?? []);
        this.scalingActivities.setDelay(this.options.activityDelayMs ?? DEFAULT_ACTIVITY_DELAY_MS);
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
