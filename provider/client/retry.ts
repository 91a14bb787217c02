// One retry policy for every ESS call: exponential backoff with full jitter, bounded by a total time.
import { EssError } from "./errors";

export interface RetryPolicy {
    /** Give up once this much time has passed since the first attempt (ms). */
    totalTimeoutMs: number;
    /** First backoff ceiling (ms); doubles each attempt up to maxDelayMs. */
    baseDelayMs: number;
    maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { totalTimeoutMs: 300_000, baseDelayMs: 500, maxDelayMs: 20_000 };

/** The wait before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(random() * ceiling);
}

export interface RetryHooks {
    onRetry?: (error: EssError, attempt: number, delayMs: number) => void;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    random?: () => number;
}

/** Runs `attempt` until it succeeds, fails with a final error, or the next wait would pass the deadline. */
export async function withRetry<T>(policy: RetryPolicy, attempt: () => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
    const now = hooks.now ?? Date.now;
    const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const deadline = now() + policy.totalTimeoutMs;
    for (let n = 1; ; n++) {
        try {
            return await attempt();
        } catch (err) {
            if (!(err instanceof EssError) || !err.retryable) throw err;
            const delay = backoffDelay(policy, n, hooks.random);
            if (now() + delay >= deadline) throw err;
            hooks.onRetry?.(err, n, delay);
            await sleep(delay);
        }
    }
}
