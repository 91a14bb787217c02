// One rate limiter per plugin process, shared by every resource and kind, per ESS action. ESS
// answers Throttling.User when one account calls an action too fast; every resource retrying on its
// own would feed the burst. So the limiter starts open, and when an action is throttled it holds the
// calls of that action to half the rate that was just seen, then lets the rate grow back a little
// with each call that goes through (additive increase, multiplicative decrease), until it is open again.

/** Codes that mean "slow down", as ESS and the API gateway answer them. */
export const THROTTLING_CODES = new Set(["Throttling", "Throttling.User", "Throttling.Api", "Rejected.Throttling"]);

/** The rate never drops below this (calls per second), so a limited action still makes progress. */
const MIN_RATE = 0.5;
/** Each call that goes through while limited raises the rate by this much (calls per second). */
const RATE_STEP = 0.5;
/** Above this rate an action is open again: no call waits. */
const OPEN_RATE = 1_000;

export interface LimiterClock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

const realClock: LimiterClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface ActionState {
    /** Calls per second allowed; undefined: open. */
    rate?: number;
    /** When the next call may start (ms). */
    nextAt: number;
    /** Start times of the calls in the last second, to know the rate that was throttled. */
    recent: number[];
}

export class AdaptiveLimiter {
    private readonly actions = new Map<string, ActionState>();
    private told = false;

    constructor(
        private readonly clock: LimiterClock = realClock,
        /** Told once per process, the first time calls are held back. */
        private readonly report: (line: string) => void = () => undefined,
    ) {}

    private stateOf(action: string): ActionState {
        let state = this.actions.get(action);
        if (!state) this.actions.set(action, (state = { nextAt: 0, recent: [] }));
        return state;
    }

    /** Waits until a call of `action` may start. */
    async acquire(action: string): Promise<void> {
        const state = this.stateOf(action);
        const now = this.clock.now();
        state.recent = state.recent.filter((t) => t > now - 1000);
        if (state.rate !== undefined) {
            const at = Math.max(now, state.nextAt);
            state.nextAt = at + 1000 / state.rate;
            if (at > now) await this.clock.sleep(at - now);
        }
        state.recent.push(this.clock.now());
    }

    /** ESS throttled a call of `action`: hold its calls to half the rate just seen. */
    throttled(action: string): void {
        const state = this.stateOf(action);
        const seen = Math.max(state.recent.length, MIN_RATE * 2);
        state.rate = Math.max(MIN_RATE, Math.min(state.rate ?? Infinity, seen) / 2);
        if (!this.told) {
            this.told = true;
            this.report(
                `ESS is throttling ${action} (Throttling): holding calls to about ${state.rate.toFixed(1)} per second, then speeding up as calls go through`,
            );
        }
    }

    /** A call of `action` went through: a limited rate grows back. */
    succeeded(action: string): void {
        const state = this.actions.get(action);
        if (state?.rate === undefined) return;
        state.rate += RATE_STEP;
        if (state.rate >= OPEN_RATE) state.rate = undefined;
    }

    /** The calls per second `action` is held to, or undefined when it is open. */
    rateOf(action: string): number | undefined {
        return this.actions.get(action)?.rate;
    }
}
