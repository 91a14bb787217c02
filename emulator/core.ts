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
import { type Caller, Identities, type StsSession } from "./identities";
import type { OidcProviderConfig, RoleConfig } from "./ram";
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
    /** The AccessKey that signed the call (absent for an anonymous one, e.g. AssumeRoleWithOIDC). */
    accessKeyId?: string;
    /** For a call signed by an STS key: the role it assumed. */
    roleArn?: string;
    /** For a call signed by an STS key: its RoleSessionName. */
    roleSessionName?: string;
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
    /** Replaces the whole cloud state, RAM roles and OIDC providers included (forgets ClientTokens; STS sessions stay). */
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

    /** The long-term keys (STS keys: `stsSessions()`). */
    keys(): AccessKey[];
    /** Adds or replaces a long-term key; its optional `policy` limits what it may do. Throws on a policy the emulator cannot evaluate. */
    addKey(key: AccessKey): void;

    /** Adds or replaces (same ARN) a RAM role STS can assume; throws on an invalid one. */
    addRole(role: RoleConfig): void;
    /** Removes a role; its sessions may then do nothing. Throws for an unknown ARN. */
    removeRole(arn: string): void;
    roles(): RoleConfig[];
    /** Adds or replaces (same ARN) an OIDC provider for AssumeRoleWithOIDC; throws on an invalid one. */
    addOidcProvider(provider: OidcProviderConfig): void;
    removeOidcProvider(arn: string): void;
    oidcProviders(): OidcProviderConfig[];
    /** The STS sessions issued so far (without their secrets), oldest first. */
    stsSessions(): StsSession[];
    /**
     * Makes an STS key (or every one) invalid from now on: calls signed with it answer
     * 400 InvalidSecurityToken.Expired. Returns how many were still valid; throws for an unknown ID.
     */
    expireCredentials(accessKeyId?: string): number;
    /**
     * Seconds from issue to the Expiration STS reports (and enforces) for new credentials;
     * undefined: the request's DurationSeconds (the default).
     */
    setStsLifetime(seconds: number | undefined): void;
    /** Shifts the emulator clock (used for timestamp and token expiry, and flow-control refills) by this many ms from real time. */
    setClockOffset(ms: number): void;
    now(): number;

    /**
     * Back to the initial seed (roles and OIDC providers too), keys, STS lifetime and flow control
     * (off unless started with limits): no calls, faults, activities, STS sessions, nonces,
     * ClientTokens or clock offset.
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
    /** RAM roles present from the start and after reset(), besides the seed's. */
    roles?: RoleConfig[];
    /** OIDC providers present from the start and after reset(), besides the seed's. */
    oidcProviders?: OidcProviderConfig[];
    /** Seconds from issue to the Expiration of STS credentials (default: the request's DurationSeconds). */
    stsLifetimeSeconds?: number;
}

export type Outcome =
    { ok: true; body: Record<string, unknown> } | { ok: false; error: ApiError; /** The error came from a busy window. */ busy: boolean };

export class EmulatorCore implements EmulatorControl {
    private current: EmulatorState;
    private log: CallRecord[] = [];
    private seq = 0;
    private clockOffset = 0;
    private clientTokens = new Map<string, Record<string, unknown>>();
    readonly identities: Identities;
    readonly faultInjector: Faults;
    readonly flowLimiter: FlowControl;
    readonly verifier: SignatureVerifier;
    private readonly scalingActivities: Activities;

    constructor(private readonly options: CoreOptions) {
        this.scalingActivities = new Activities(options.activityDelayMs ?? DEFAULT_ACTIVITY_DELAY_MS, () => this.now());
        this.identities = new Identities(() => this.now());
        this.identities.setKeys(options.keys);
        this.setStsLifetime(options.stsLifetimeSeconds);
        this.current = this.build(options.state ?? {});
        this.faultInjector = new Faults(options.randomSeed ?? 1);
        this.flowLimiter = new FlowControl(() => this.now());
        this.flowLimiter.set(options.flowControl ?? []);
        this.verifier = new SignatureVerifier(
            (id) => this.identities.lookup(id),
            () => this.now(),
        );
    }

    /** The cloud state of a seed; its roles and OIDC providers (with the options') go to the identities. */
    private build(seed: StateSeed): EmulatorState {
        this.identities.setRolesAndProviders(
            [...(this.options.roles ?? []), ...(seed.roles ?? [])],
            [...(this.options.oidcProviders ?? []), ...(seed.oidcProviders ?? [])],
        );
        return buildState(seed, this.options.vServerGroupQuota ?? DEFAULT_VSERVER_GROUP_QUOTA);
    }

    /** Runs an action against the live state, synchronously, so the change is atomic. */
    run(handler: ActionHandler, params: Params, caller?: Caller): Outcome {
        let busy = false;
        const ctx: ActionContext = {
            state: this.current,
            params,
            clientTokens: this.clientTokens,
            activities: this.scalingActivities,
            caller,
            identities: this.identities,
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
        return this.identities.keys();
    }

    addKey(key: AccessKey): void {
        this.identities.addKey(key);
    }

    addRole(role: RoleConfig): void {
        this.identities.addRole(role);
    }

    removeRole(arn: string): void {
        this.identities.removeRole(arn);
    }

    roles(): RoleConfig[] {
        return this.identities.roles();
    }

    addOidcProvider(provider: OidcProviderConfig): void {
        this.identities.addOidcProvider(provider);
    }

    removeOidcProvider(arn: string): void {
        this.identities.removeOidcProvider(arn);
    }

    oidcProviders(): OidcProviderConfig[] {
        return this.identities.oidcProviders();
    }

    stsSessions(): StsSession[] {
        return this.identities.sessions();
    }

    expireCredentials(accessKeyId?: string): number {
        return this.identities.expire(accessKeyId);
    }

    setStsLifetime(seconds: number | undefined): void {
        if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
            throw new Error(`the STS lifetime must be a positive number of seconds, got ${seconds}`);
        }
        this.identities.lifetimeSeconds = seconds;
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
        this.identities.setKeys(this.options.keys);
        this.identities.clearSessions();
        this.setStsLifetime(this.options.stsLifetimeSeconds);
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
