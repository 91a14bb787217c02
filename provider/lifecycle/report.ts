// What the provider tells the user: progress lines, and errors said once with no secret scaling
// group ID. The dynamic-provider plugin has no engine log channel; the engine shows each line the
// plugin writes to stderr as an info message in `pulumi up` output.

/**
 * Scaling group IDs seen in this process. A program may mark one `pulumi.secret(...)`, and the
 * engine strips that mark before it calls a dynamic provider, so no progress line names any of them.
 */
const scalingGroups = new Set<string>();

/** Registers a scaling group ID so that no progress line or error names it from now on. */
export function redactFromOutput(scalingGroupId: unknown): void {
    if (typeof scalingGroupId === "string" && scalingGroupId.length > 0) scalingGroups.add(scalingGroupId);
}

/** `text` with every scaling group ID seen in this process replaced by "the scaling group". */
export function redact(text: string): string {
    let line = text;
    for (const id of scalingGroups) {
        // The whole ID only: `asg-a` inside an instance ID such as `i-asg-a-2` is another ID.
        const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        line = line.replace(new RegExp(`(?:scaling group )?(?<![\\w-])${escaped}(?![\\w-])`, "g"), "the scaling group");
    }
    return line;
}

export function report(message: string): void {
    if (process.env.ESS_VSERVER_GROUPS_QUIET !== "1") process.stderr.write(`ess-vserver-groups: ${redact(message)}\n`);
}

/** An error on its way to the engine, its message (and stack, which repeats it) redacted like a progress line. */
export function redacted<T>(err: T): T {
    if (err instanceof Error) {
        err.message = redact(err.message);
        if (err.stack) err.stack = redact(err.stack);
        const reasons = (err as { reasons?: unknown }).reasons;
        if (Array.isArray(reasons)) (err as unknown as { reasons: string[] }).reasons = reasons.map((r) => redact(String(r)));
    }
    return err;
}

const echoes = new Set<string>();
let filtering = false;

/**
 * Marks an error the engine is about to report. The dynamic-provider server prints every error
 * from read/delete to stderr with its JavaScript stack (`${e}: ${e.stack}`) before handing it to
 * the engine, which then reports it again: the user would read it twice, once with a stack trace.
 * This drops that one echo of this one error; anything else written to stderr passes.
 */
export function reportedOnce<T>(err: T): T {
    if (!(err instanceof Error)) return err;
    echoes.add(`${err}: ${err.stack}`);
    if (!filtering) {
        filtering = true;
        const original = console.error.bind(console);
        console.error = (...args: unknown[]) => {
            if (args.length === 1 && typeof args[0] === "string" && echoes.delete(args[0])) return;
            original(...args);
        };
    }
    return err;
}

/** The step, its errors reported once. */
export function quietly<A extends unknown[], R>(step: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
        try {
            return await step(...args);
        } catch (err) {
            throw reportedOnce(err);
        }
    };
}
