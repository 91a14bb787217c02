// Failures as the engine shows them: check failures it can place, and errors said once.
import type { CheckFailure } from "./core/checks";

/** More check failures than this are summed up in one line: 500 bad entries are one mistake repeated. */
export const MAX_CHECK_FAILURES = 20;

/**
 * The engine looks a failure's `property` up among the top-level inputs and prints its value
 * (`{<nil>}` for a nested path). A top-level field keeps its name; a nested path is left to the
 * reason (which starts with it), so the engine prints the message without a dump of the whole list.
 */
export function forEngine(failures: readonly CheckFailure[]): CheckFailure[] {
    const shown = failures.slice(0, MAX_CHECK_FAILURES).map((f) => ({
        property: /^[A-Za-z]+$/.test(f.property) ? f.property : "",
        reason: f.reason,
    }));
    const more = failures.length - shown.length;
    if (more > 0) {
        shown.push({
            property: "",
            reason: `and ${more} more problem${more === 1 ? "" : "s"} (${failures.length} in all) not shown; fix the ones above and run \`pulumi preview\` again`,
        });
    }
    return shown;
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
