// Waiting for a scaling activity. With ForceAttach/ForceDetach an Attach*/Detach* call of server
// groups or load balancers answers a ScalingActivityId: the instances move to (or out of) the load
// balancer asynchronously, and the activity can end Failed or Rejected. A step returns only once
// DescribeScalingActivities says it ended.
import type { RetryPolicy } from "./retry";

/** What the wait needs of the client. */
export interface ActivityReader {
    describeScalingActivity(
        scalingGroupId: string,
        scalingActivityId: string,
    ): Promise<{ statusCode: string; statusMessage: string; progress: number } | undefined>;
}

/** First wait between two polls (ms); doubles up to MAX_POLL_DELAY_MS. */
export const FIRST_POLL_DELAY_MS = 200;
export const MAX_POLL_DELAY_MS = 5_000;

/**
 * The wait before the next poll (ms): doubling from FIRST_POLL_DELAY_MS, and never more than
 * MAX_POLL_DELAY_MS nor than max(1 s, 10% of the time waited so far), so the step returns within
 * about that much of the activity's end.
 */
export function nextPollDelay(previous: number | undefined, waitedMs: number): number {
    const doubled = previous === undefined ? FIRST_POLL_DELAY_MS : previous * 2;
    return Math.min(doubled, MAX_POLL_DELAY_MS, Math.max(1000, Math.round(waitedMs / 10)));
}
const ENDED_WELL = new Set(["Successful", "Warning"]);
const ENDED_BADLY = new Set(["Failed", "Rejected"]);

/** The activity had not ended when the budget ran out: its change may still land. */
export class ActivityStillRunning extends Error {}

export interface ActivityHooks {
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    /** Told when the activity's status or progress changes, and when it ends well. */
    report?: (line: string) => void;
}

/**
 * Polls until the activity ends; throws with its StatusMessage when it fails or is rejected, and
 * when it is still running once the retry budget (`totalTimeoutMs`) is spent. `what` says what
 * the activity does ("attaching 2 server groups"). Answers the number of polls.
 */
export async function waitForActivity(
    client: ActivityReader,
    scalingGroupId: string,
    activityId: string,
    what: string,
    policy: RetryPolicy,
    hooks: ActivityHooks = {},
): Promise<number> {
    const now = hooks.now ?? Date.now;
    const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const report = hooks.report ?? (() => undefined);
    const deadline = now() + policy.totalTimeoutMs;
    const started = now();
    let delay = nextPollDelay(undefined, 0);
    let shown = "";
    for (let polls = 1; ; polls++) {
        const activity = await client.describeScalingActivity(scalingGroupId, activityId);
        const status = activity?.statusCode ?? "InProgress";
        if (ENDED_WELL.has(status)) {
            report(`scaling activity ${activityId} (${what}): ${status}`);
            return polls;
        }
        if (ENDED_BADLY.has(status)) {
            throw new Error(`scaling activity ${activityId} (${what}) ended ${status}: ${activity?.statusMessage || "no status message"}`);
        }
        const line = `${status}, ${activity?.progress ?? 0}% done`;
        if (line !== shown) report(`waiting for scaling activity ${activityId} (${what}): ${line}`);
        shown = line;
        if (now() + delay >= deadline) {
            throw new ActivityStillRunning(
                `scaling activity ${activityId} (${what}) is still ${status} after ${Math.round(policy.totalTimeoutMs / 1000)}s: ` +
                    "check it with DescribeScalingActivities, then run `pulumi up` again (or raise ALIBABA_CLOUD_ESS_RETRY_TIMEOUT)",
            );
        }
        await sleep(delay);
        delay = nextPollDelay(delay, now() - started);
    }
}
