/**
 * Flow control, as ESS does it: each AccessKey has its own budget for each API action, a token
 * bucket that holds up to `burst` calls and refills at `rate` calls per second. A call that finds
 * its bucket empty is refused before the action runs, with 400 Throttling.User (see
 * `errors.throttling`). Off by default: no limits, no buckets.
 */

/** A limit (`control.setFlowControl`): per AccessKey and per action, `rate` calls a second with bursts of up to `burst`. */
export interface FlowLimit {
    /** Calls per second the bucket refills with (fractions allowed; 0: never refills). */
    rate: number;
    /** How many calls the bucket holds: a key may make this many calls of the action at once. */
    burst: number;
    /** Only these actions, each with its own bucket; every action without a limit of its own when absent. */
    actions?: string[];
}

interface Bucket {
    tokens: number;
    /** Clock time of the last refill. */
    at: number;
}

/** Why a limit is not valid, or undefined when it is. */
export function invalidFlowLimit(limit: FlowLimit): string | undefined {
    if (!Number.isFinite(limit.rate) || limit.rate < 0) return `rate must be a number >= 0, got ${limit.rate}`;
    if (!Number.isInteger(limit.burst) || limit.burst < 1) return `burst must be an integer >= 1, got ${limit.burst}`;
    if (limit.actions !== undefined && limit.actions.length === 0) return "actions, when given, must name at least one action";
    return undefined;
}

function copy(limit: FlowLimit): FlowLimit {
    const { rate, burst, actions } = limit;
    return actions === undefined ? { rate, burst } : { rate, burst, actions: [...actions] };
}

export class FlowControl {
    private configured: FlowLimit[] = [];
    private buckets = new Map<string, Bucket>();

    /** `now`: the emulator's clock in ms (so tests can move it with `control.setClockOffset`). */
    constructor(private readonly now: () => number) {}

    /** Replaces every limit (`[]` turns flow control off); all buckets start full. Throws on an invalid limit. */
    set(limits: FlowLimit[]): void {
        for (const limit of limits) {
            const problem = invalidFlowLimit(limit);
            if (problem) throw new Error(`invalid flow-control limit: ${problem}`);
        }
        this.configured = limits.map(copy);
        this.buckets.clear();
    }

    list(): FlowLimit[] {
        return this.configured.map(copy);
    }

    /** The limit on an action: the first naming it, else the first for all actions. */
    limitOf(action: string): FlowLimit | undefined {
        return this.configured.find((l) => l.actions?.includes(action)) ?? this.configured.find((l) => !l.actions);
    }

    /** Takes one call from the key's bucket for the action: false when it is empty (the call is throttled). */
    take(accessKeyId: string, action: string): boolean {
        const limit = this.limitOf(action);
        if (!limit) return true;
        const now = this.now();
        const key = `${accessKeyId}\n${action}`;
        const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
        // A clock moved back refills nothing (and does not refill twice when it moves forward again).
        bucket.tokens = Math.min(limit.burst, bucket.tokens + (Math.max(0, now - bucket.at) * limit.rate) / 1000);
        bucket.at = Math.max(bucket.at, now);
        this.buckets.set(key, bucket);
        if (bucket.tokens < 1) return false;
        bucket.tokens -= 1;
        return true;
    }
}
