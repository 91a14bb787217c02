/**
 * Scaling activities: Attach/Detach calls with ForceAttach/ForceDetach start one (`asa-...`) that
 * applies the change after a delay (InProgress → Successful), or ends Failed/Rejected with a
 * status message when a fault says so, leaving the state as it was. With delay 0 an activity has
 * ended before the answer that names it is sent, so the first DescribeScalingActivities sees it
 * ended. Tests wait on `done(id)`, never on the clock; `pause()` keeps every new activity
 * InProgress until `resume()`.
 */
import { randomBytes } from "node:crypto";

export type ActivityStatus = "InProgress" | "Successful" | "Warning" | "Failed" | "Rejected";

/** A scaling activity as DescribeScalingActivities shows it. */
export interface ScalingActivity {
    scalingActivityId: string;
    scalingGroupId: string;
    description: string;
    cause: string;
    /** ms since the epoch (emulator clock). */
    startTime: number;
    endTime?: number;
    /** 0 while InProgress, 100 once ended. */
    progress: number;
    statusCode: ActivityStatus;
    statusMessage: string;
    /** InService instances the activity moves. */
    instanceCount: number;
}

/** Makes the next activity (of one scaling group, or any) end this way instead of Successful. */
export interface ActivityFault {
    scalingGroupId?: string;
    status: "Failed" | "Rejected";
    statusMessage: string;
}

export const DEFAULT_ACTIVITY_DELAY_MS = 50;

interface Pending {
    activity: ScalingActivity;
    apply: () => void;
    timer?: NodeJS.Timeout;
    done: Promise<ScalingActivity>;
    finish: (a: ScalingActivity) => void;
}

export class Activities {
    private all: ScalingActivity[] = [];
    private pending = new Map<string, Pending>();
    private faults: Array<ActivityFault & { id: number }> = [];
    private nextFaultId = 1;
    private paused = false;

    private delayMs = DEFAULT_ACTIVITY_DELAY_MS;

    constructor(
        delayMs: number,
        private readonly now: () => number,
    ) {
        this.setDelay(delayMs);
    }

    setDelay(ms: number): void {
        if (!Number.isFinite(ms) || ms < 0) throw new Error(`activity delay must be a number of ms >= 0, got ${ms}`);
        this.delayMs = ms;
    }

    delay(): number {
        return this.delayMs;
    }

    /** Starts an activity that runs `apply` on success; returns its id. */
    start(scalingGroupId: string, description: string, instanceCount: number, apply: () => void): string {
        const activity: ScalingActivity = {
            scalingActivityId: `asa-${randomBytes(10).toString("hex")}`,
            scalingGroupId,
            description,
            cause: `At ${new Date(this.now()).toISOString()}, a user request (${description}) started a scaling activity.`,
            startTime: this.now(),
            progress: 0,
            statusCode: "InProgress",
            statusMessage: "",
            instanceCount,
        };
        let finish!: (a: ScalingActivity) => void;
        const done = new Promise<ScalingActivity>((resolve) => (finish = resolve));
        const pending: Pending = { activity, apply, done, finish };
        this.all.push(activity);
        this.pending.set(activity.scalingActivityId, pending);
        if (!this.paused) this.schedule(pending);
        return activity.scalingActivityId;
    }

    private schedule(pending: Pending): void {
        if (this.delayMs === 0) return this.end(pending);
        pending.timer = setTimeout(() => this.end(pending), this.delayMs);
        pending.timer.unref();
    }

    private end(pending: Pending): void {
        const { activity } = pending;
        if (!this.pending.delete(activity.scalingActivityId)) return;
        const fault = this.faults.find((f) => f.scalingGroupId === undefined || f.scalingGroupId === activity.scalingGroupId);
        if (fault) {
            this.faults = this.faults.filter((f) => f !== fault);
            activity.statusCode = fault.status;
            activity.statusMessage = fault.statusMessage;
        } else {
            pending.apply();
            activity.statusCode = "Successful";
            activity.statusMessage = `"${activity.description}" succeeded.`;
        }
        activity.progress = 100;
        activity.endTime = this.now();
        pending.finish(structuredClone(activity));
    }

    /** The activities `keep` accepts (every one by default), oldest first (copies). */
    list(keep: (a: ScalingActivity) => boolean = () => true): ScalingActivity[] {
        return structuredClone(this.all.filter(keep));
    }

    get(id: string): ScalingActivity | undefined {
        const found = this.all.find((a) => a.scalingActivityId === id);
        return found && structuredClone(found);
    }

    /** The group has an activity InProgress (a new one is refused with ScalingActivityInProgress). */
    inProgress(scalingGroupId: string): boolean {
        return [...this.pending.values()].some((p) => p.activity.scalingGroupId === scalingGroupId);
    }

    /** Resolves with the activity once it has ended (at once if it has). */
    done(id: string): Promise<ScalingActivity> {
        const pending = this.pending.get(id);
        if (pending) return pending.done;
        const ended = this.get(id);
        return ended ? Promise.resolve(ended) : Promise.reject(new Error(`unknown scaling activity ${id}`));
    }

    failNext(fault: ActivityFault): number {
        if (fault.status !== "Failed" && fault.status !== "Rejected") {
            throw new Error(`activity fault status must be "Failed" or "Rejected", got ${String(fault.status)}`);
        }
        const id = this.nextFaultId++;
        this.faults.push({ ...fault, id });
        return id;
    }

    /** New and InProgress activities stay InProgress until resume(). */
    pause(): void {
        this.paused = true;
        for (const p of this.pending.values()) clearTimeout(p.timer);
    }

    resume(): void {
        this.paused = false;
        for (const p of this.pending.values()) this.schedule(p);
    }

    /** Forgets every activity and fault; InProgress ones end as they are (their waiters get them Rejected). */
    clear(): void {
        for (const p of this.pending.values()) {
            clearTimeout(p.timer);
            p.activity.statusCode = "Rejected";
            p.activity.statusMessage = "The emulator was reset.";
            p.finish(structuredClone(p.activity));
        }
        this.pending.clear();
        this.all = [];
        this.faults = [];
        this.paused = false;
    }
}
