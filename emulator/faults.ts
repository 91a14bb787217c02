/** Fault injection: transport/service faults per call, busy windows per scaling group, holds. */

import { Holds } from "./holds";

/** A transport or service fault a rule injects: throttling (Throttling.User), InternalError, ServiceUnavailable, a reset connection, or latency. */
export type FaultKind = "throttling" | "internalError" | "serviceUnavailable" | "connectionReset" | "latency";

/** Which calls a fault hits, how often and how many times (`control.addFault`). */
export interface FaultRule {
    kind: FaultKind;
    /** Only calls of these actions; all actions when absent. */
    actions?: string[];
    /** Chance (0..1) that a matching call is hit; every matching call when absent. */
    probability?: number;
    /** The rule expires after hitting this many calls; never when absent. */
    times?: number;
    /** For kind "latency": the delay added before the call is processed. */
    latencyMs?: number;
}

/** A fault rule in force, as `control.faults()` lists it. */
export interface ActiveFaultRule extends FaultRule {
    id: number;
    /** Hits left before the rule expires (undefined: unlimited). */
    remaining?: number;
}

/** The error a busy scaling group answers changes with. */
export type BusyCode = "IncorrectScalingGroupStatus" | "ScalingActivityInProgress";

/** A scaling group that answers changes with a busy error for a number of calls or a time (`control.busy`). */
export interface BusyWindow {
    scalingGroupId: string;
    /** Default IncorrectScalingGroupStatus. */
    code?: BusyCode;
    /** Busy for the next N changing calls on the group. */
    calls?: number;
    /** Busy for this long from now. Neither calls nor durationMs: until cleared. */
    durationMs?: number;
}

/** A busy window in force, as `control.faults()` lists it. */
export interface ActiveBusyWindow {
    id: number;
    scalingGroupId: string;
    code: BusyCode;
    remainingCalls?: number;
    until?: number;
}

export type ErrorFault = Exclude<FaultKind, "latency">;

export interface FaultDecision {
    latencyMs: number;
    fault?: ErrorFault;
    /** Set when a hold caught the call: process it only once this resolves. */
    held?: Promise<void>;
}

/** mulberry32: small, fast and good enough for fault dice; seedable for reproducible tests. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export class Faults {
    private rules: ActiveFaultRule[] = [];
    private windows: ActiveBusyWindow[] = [];
    private nextId = 1;
    private random: () => number;
    readonly holds = new Holds();

    constructor(seed = 1) {
        this.random = prng(seed);
    }

    setSeed(seed: number): void {
        this.random = prng(seed);
    }

    add(rule: FaultRule): number {
        const id = this.nextId++;
        this.rules.push({ ...rule, id, remaining: rule.times });
        return id;
    }

    remove(id: number): void {
        this.rules = this.rules.filter((r) => r.id !== id);
        this.windows = this.windows.filter((w) => w.id !== id);
    }

    list(): ActiveFaultRule[] {
        return this.rules.map((r) => ({ ...r }));
    }

    busyWindows(): ActiveBusyWindow[] {
        return this.windows.map((w) => ({ ...w }));
    }

    /** Removes every rule and window, and releases every hold. */
    clear(): void {
        this.rules = [];
        this.windows = [];
        this.holds.releaseAll();
    }

    /** Rolls the dice for one call; consumes the hits of the rules that fire. */
    decide(action: string): FaultDecision {
        const decision: FaultDecision = { latencyMs: 0, held: this.holds.arrive(action) };
        for (const rule of this.rules) {
            if (rule.actions && !rule.actions.includes(action)) continue;
            if (rule.kind !== "latency" && decision.fault) continue;
            if (rule.probability !== undefined && this.random() >= rule.probability) continue;
            if (rule.kind === "latency") decision.latencyMs += rule.latencyMs ?? 0;
            else decision.fault = rule.kind;
            if (rule.remaining !== undefined) rule.remaining--;
        }
        this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
        return decision;
    }

    addBusy(window: BusyWindow, now: number): number {
        const id = this.nextId++;
        this.windows.push({
            id,
            scalingGroupId: window.scalingGroupId,
            code: window.code ?? "IncorrectScalingGroupStatus",
            remainingCalls: window.calls,
            until: window.durationMs === undefined ? undefined : now + window.durationMs,
        });
        return id;
    }

    /** The code a changing call on the group gets now, if it is busy; consumes one call of the window. */
    busy(scalingGroupId: string, now: number): BusyCode | undefined {
        this.windows = this.windows.filter((w) => w.until === undefined || w.until > now);
        const window = this.windows.find((w) => w.scalingGroupId === scalingGroupId);
        if (!window) return undefined;
        if (window.remainingCalls !== undefined && --window.remainingCalls <= 0) {
            this.windows = this.windows.filter((w) => w !== window);
        }
        return window.code;
    }
}
