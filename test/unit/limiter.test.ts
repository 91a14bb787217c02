import { AdaptiveLimiter, type LimiterClock } from "../../provider/client/limiter";

/** A clock that only moves when the limiter sleeps: what a wait would have cost, without waiting. */
function fakeClock(): LimiterClock & { slept: number[] } {
    let now = 0;
    const slept: number[] = [];
    return {
        slept,
        now: () => now,
        sleep: async (ms) => {
            slept.push(ms);
            now += ms;
        },
    };
}

describe("AdaptiveLimiter: one per process, per action", () => {
    it("is open until ESS throttles: no call waits", async () => {
        const clock = fakeClock();
        const limiter = new AdaptiveLimiter(clock);
        for (let i = 0; i < 100; i++) await limiter.acquire("AttachVServerGroups");
        expect(clock.slept).toEqual([]);
        expect(limiter.rateOf("AttachVServerGroups")).toBeUndefined();
    });

    it("after a throttle, holds that action to half the rate just seen, and only that action", async () => {
        const clock = fakeClock();
        const lines: string[] = [];
        const limiter = new AdaptiveLimiter(clock, (l) => lines.push(l));
        for (let i = 0; i < 20; i++) await limiter.acquire("AttachVServerGroups"); // 20 calls within one second
        limiter.throttled("AttachVServerGroups");
        expect(limiter.rateOf("AttachVServerGroups")).toBe(10);
        for (let i = 0; i < 5; i++) await limiter.acquire("AttachVServerGroups");
        // The first call may start at once; each next one 100 ms after it.
        expect(clock.slept).toEqual([100, 100, 100, 100]);
        await limiter.acquire("DescribeScalingGroups");
        expect(clock.slept).toHaveLength(4);
        expect(lines).toEqual([
            "ESS is throttling AttachVServerGroups (Throttling): holding calls to about 10.0 per second, then speeding up as calls go through",
        ]);
    });

    it("says so once per process, halves again on the next throttle, never below 0.5 per second", () => {
        const lines: string[] = [];
        const limiter = new AdaptiveLimiter(fakeClock(), (l) => lines.push(l));
        for (let i = 0; i < 12; i++) limiter.throttled("DetachVServerGroups");
        expect(limiter.rateOf("DetachVServerGroups")).toBe(0.5);
        expect(lines).toHaveLength(1);
    });

    it("grows back by 0.5 per second with each call that goes through, and opens again", () => {
        const limiter = new AdaptiveLimiter(fakeClock());
        limiter.throttled("AttachVServerGroups");
        const limited = limiter.rateOf("AttachVServerGroups")!;
        limiter.succeeded("AttachVServerGroups");
        expect(limiter.rateOf("AttachVServerGroups")).toBe(limited + 0.5);
        for (let i = 0; i < 2000; i++) limiter.succeeded("AttachVServerGroups");
        expect(limiter.rateOf("AttachVServerGroups")).toBeUndefined();
    });
});
