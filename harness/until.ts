/**
 * Waits for an event a test can only observe by looking (a call in the emulator's log, a line in
 * a file, a process gone): re-checks `condition` until it holds. The bound only stops a hang with a
 * message naming what never happened; it never decides a test that is merely slow.
 */
export async function until(condition: () => boolean, what: string | (() => string), hangAfterMs = 240_000): Promise<void> {
    const started = Date.now();
    while (!condition()) {
        if (Date.now() - started > hangAfterMs) {
            throw new Error(`gave up after ${hangAfterMs / 1000} s waiting for ${typeof what === "string" ? what : what()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
