// Calls on one scaling group must not interleave: ESS rejects concurrent changes to a group, and a
// read-then-attach must see its own group unchanged. One process serves every resource of a stack,
// so a per-key promise chain is enough.
const tails = new Map<string, Promise<unknown>>();

/** Runs `work` once everything queued before under `key` has settled. */
export function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.then(
        () => undefined,
        () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
    });
    return current;
}
