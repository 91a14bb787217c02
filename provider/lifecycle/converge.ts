// Converging one resource's entries on its scaling group: read what ESS holds, plan against it,
// detach and attach in calls within the kind's limits, leave to other resources what they declare,
// and after a failure say exactly what is attached, so state stays true. Knows kinds only through `Kind`.
import { randomUUID } from "node:crypto";
import { ActivityStillRunning, waitForActivity } from "../client/activity";
import { readTimeoutMs, retryPolicy } from "../client/config";
import { EssError } from "../client/errors";
import type { Body, EssClient } from "../client/ess";
import { reconcile, stillAttached, type Changes } from "./changes";
import { fieldOf, type Attachment, type Kind, type KindEntry } from "./kind";
import { claim, claimedByOthers, deletedNames, detachedByOthers, noteAttached, noteDetached, scopeOf } from "./ownership";
import { report } from "./report";

const PROVIDER_KEY = "__provider";

// After a call whose answer was lost and that was retried, the lost attempt may still land after
// its retry (a late detach undoing a re-attach). Wait one response timeout, re-read, and repair.
const VERIFY_ROUNDS = 3;

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A failed create/update still tells the engine what this resource now owns, so state stays true. */
export class PartialFailure extends Error {
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
        readonly reasons: string[] = [message],
    ) {
        super(message);
    }
}

/** What the steps need to change ESS for one kind. */
export type Converger<E extends KindEntry> = ReturnType<typeof convergerOf<E>>;

export function convergerOf<E extends KindEntry>(kind: Kind<E>) {
    const key = (e: E) => kind.key(e);
    const keys = (entries: readonly E[]) => entries.map(key);
    const scope = (s: Pick<Attachment, "region" | "scalingGroupId">) => scopeOf(s, kind.name);
    const entriesOf = (s: Attachment) => kind.entriesOf(fieldOf(s, kind.field));
    const attachedIn = (listing: Body) => kind.attached(listing);
    const ownedAttached = (attached: readonly E[], owned: readonly E[]) =>
        stillAttached(key, (a, b) => kind.compare(a, b), attached, owned);

    function stateOf(inputs: Attachment, owned: readonly E[]): Attachment {
        const shared = sharedIn(inputs, owned);
        return {
            scalingGroupId: inputs.scalingGroupId,
            region: inputs.region,
            [kind.field]: kind.toState(owned),
            forceAttach: inputs.forceAttach,
            forceDetach: inputs.forceDetach,
            ...(inputs.identity === undefined ? {} : { identity: inputs.identity }),
            ...(inputs.resourceName === undefined ? {} : { resourceName: inputs.resourceName }),
            ...(Object.keys(shared).length > 0 ? { declaredByOthers: shared } : {}),
        } as Attachment;
    }

    /** `declaredByOthers` (inputs or state) narrowed to `entries`: what state keeps of it. */
    function sharedIn(s: Attachment, entries: readonly E[]): Record<string, string[]> {
        const declared = s.declaredByOthers ?? {};
        return Object.fromEntries(keys(entries).flatMap((k) => (declared[k]?.length ? [[k, declared[k]]] : [])));
    }

    /**
     * The keys among `entries` that other resources of the program declare, as the program says
     * (inputs) or state recorded it, unless every resource named for the key was deleted in this run:
     * in a targeted run the engine calls no step for those resources, so this is all the provider
     * hears of their claims.
     */
    function sharedWith(s: Attachment, entries: readonly E[]): string[] {
        const declared = s.declaredByOthers ?? {};
        const gone = deletedNames(scope(s));
        return keys(entries).filter((k) => (declared[k] ?? []).some((name) => !gone.has(name)));
    }

    /** `rsp-1:80, rsp-2:8080` — the first few entries, for a progress line. */
    function named(entries: readonly E[]): string {
        const shown = entries.slice(0, 5).map((e) => kind.progressLabel(e));
        return entries.length > 5 ? `${shown.join(", ")} and ${entries.length - 5} more` : shown.join(", ");
    }

    /**
     * Leaves to another resource of this stack the entries it declares that this one no longer wants:
     * they are handed over (no longer owned, left attached). A re-weighted entry is still detached and
     * re-attached: one attachment has one weight, and every resource declaring it declares the new one.
     */
    function leaveOthersTheirs(
        id: string,
        inputs: Attachment,
        changes: Changes<E>,
        known: Map<string, E>,
        handedOver: Set<string> = new Set(),
    ): Changes<E> {
        const reattached = new Set(keys(changes.attach));
        const candidates = changes.detach.filter((e) => !reattached.has(key(e)));
        const sharedKeys = new Set([...claimedByOthers(id, scope(inputs), keys(candidates)), ...sharedWith(inputs, candidates)]);
        if (sharedKeys.size === 0) return changes;
        const shared = candidates.filter((e) => sharedKeys.has(key(e)));
        for (const e of shared) known.delete(key(e));
        for (const e of shared) handedOver.add(key(e));
        // Name who declares them, so that a stale record (see docs/limitations.md) can be told apart.
        const gone = deletedNames(scope(inputs));
        const names = [...new Set(shared.flatMap((e) => inputs.declaredByOthers?.[key(e)] ?? []))].filter((n) => !gone.has(n));
        report(
            `leaving ${plural(shared.length, kind.noun)} attached to the scaling group (${named(shared)}): another resource of this stack declares them` +
                (names.length > 0 ? ` (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""})` : ""),
        );
        return { detach: changes.detach.filter((e) => !sharedKeys.has(key(e))), attach: changes.attach };
    }

    /**
     * A weight change is a detach and a re-attach, whose Force flags go together: with `forceAttach:
     * true` the detach removes the instances (ForceDetach=true) and the attach puts them back with the
     * new weight; with `forceAttach: false` the attach would not put them back, so the detach keeps
     * them (ForceDetach=false), with their old weight. `forceDetach` applies to entries removed for good.
     */
    function detachBatches(inputs: Attachment, changes: Changes<E>): { entries: E[]; forceDetach: boolean; why: string }[] {
        if (inputs.forceAttach === inputs.forceDetach) return [{ entries: changes.detach, forceDetach: inputs.forceDetach, why: "" }];
        const reattached = new Set(keys(changes.attach));
        const why = inputs.forceAttach
            ? ": a weight change with forceAttach=true re-adds the instances with the new weight"
            : ": a weight change with forceAttach=false keeps the instances behind the load balancer, with their old backend weight";
        return [
            { entries: changes.detach.filter((e) => !reattached.has(key(e))), forceDetach: inputs.forceDetach, why: "" },
            { entries: changes.detach.filter((e) => reattached.has(key(e))), forceDetach: inputs.forceAttach, why },
        ];
    }

    /** One call; when it starts a scaling activity, returns only once that activity ended well. */
    async function send(client: EssClient, inputs: Attachment, action: string, params: Record<string, string>, what: string) {
        const activityId = await client.change(action, inputs.scalingGroupId, params);
        if (activityId) await waitForActivity(client, inputs.scalingGroupId, activityId, what, retryPolicy(), { report });
    }

    /**
     * Performs the detaches, then the attaches, in calls within the kind's limits. Keeps `known` (the
     * owned entries known to be attached) up to date after each call, so a failure can report how far it got.
     */
    async function apply(
        client: EssClient,
        id: string,
        inputs: Attachment,
        changes: Changes<E>,
        known: Map<string, E>,
        landing: Map<string, E> = new Map(),
    ): Promise<void> {
        const sg = inputs.scalingGroupId;
        for (const batch of detachBatches(inputs, changes)) {
            if (batch.entries.length === 0) continue;
            const calls = kind.split(batch.entries);
            report(
                `detaching ${plural(batch.entries.length, kind.noun)} from ${sg} in ${plural(calls.length, "call")} (ForceDetach=${batch.forceDetach}${batch.why})`,
            );
            for (const call of calls) {
                const token: Record<string, string> = kind.detachTakesClientToken ? { ClientToken: randomUUID() } : {};
                const params = { ForceDetach: String(batch.forceDetach), ...token, ...kind.params(call, false, batch.forceDetach) };
                await send(client, inputs, kind.detachAction, params, `detaching ${plural(call.length, kind.noun)}`);
                for (const e of call) known.delete(key(e));
                noteDetached(id, scope(inputs), keys(call), batch.forceDetach);
            }
        }
        for (const batch of attachBatches(id, inputs, changes)) {
            if (batch.entries.length === 0) continue;
            const calls = kind.split(batch.entries);
            report(
                `attaching ${plural(batch.entries.length, kind.noun)} to ${sg} in ${plural(calls.length, "call")} (ForceAttach=${batch.forceAttach}${batch.why})`,
            );
            for (const call of calls) {
                const params = {
                    ForceAttach: String(batch.forceAttach),
                    ClientToken: randomUUID(),
                    ...kind.params(call, true, batch.forceAttach),
                };
                try {
                    await send(client, inputs, kind.attachAction, params, `attaching ${plural(call.length, kind.noun)}`);
                } catch (err) {
                    // The call may have landed: count it until DescribeScalingGroups says otherwise. An
                    // activity still running will land after that read, so it counts even then.
                    if ((err instanceof EssError && err.ambiguous) || err instanceof ActivityStillRunning) {
                        for (const e of call) known.set(key(e), e);
                    }
                    if (err instanceof ActivityStillRunning) for (const e of call) landing.set(key(e), e);
                    throw err;
                }
                for (const e of call) known.set(key(e), e);
                noteAttached(scope(inputs), keys(call));
            }
        }
    }

    /**
     * The attaches, in calls of their own where a failure must not take the others with it: first
     * the entries this step just detached to re-weight (a bad new entry in the same call would leave
     * them off), then those another resource of the stack just detached with ForceDetach=true (their
     * instances go back too, whatever `forceAttach` says: the other resource took them away), then the rest.
     */
    function attachBatches(id: string, inputs: Attachment, changes: Changes<E>): { entries: E[]; forceAttach: boolean; why: string }[] {
        const reweighted = new Set(keys(changes.detach));
        const restored = new Set(inputs.forceAttach ? [] : detachedByOthers(id, scope(inputs), keys(changes.attach), true));
        const rest = changes.attach.filter((e) => !reweighted.has(key(e)) && !restored.has(key(e)));
        return [
            { entries: changes.attach.filter((e) => reweighted.has(key(e))), forceAttach: inputs.forceAttach, why: "" },
            {
                entries: changes.attach.filter((e) => !reweighted.has(key(e)) && restored.has(key(e))),
                forceAttach: true,
                why: ": another resource of this stack just detached them with ForceDetach=true, so their instances go back too",
            },
            { entries: rest, forceAttach: inputs.forceAttach, why: "" },
        ];
    }

    /** A create that finds declared entries already attached takes them over: say so, and what delete will do. */
    function reportAdoption(inputs: Attachment, attached: readonly E[], desired: readonly E[]): void {
        const wanted = new Map(desired.map((e) => [key(e), e]));
        const adopted = attached.filter((e) => wanted.has(key(e)) && wanted.get(key(e))?.weight === e.weight);
        if (adopted.length === 0) return;
        const them = adopted.length === 1 ? "it" : "them";
        report(
            `adopting ${plural(adopted.length, kind.noun)} already attached to the scaling group (${named(adopted)}): ` +
                `this resource owns ${them} now, and deleting it will detach ${them} (ForceDetach=${inputs.forceDetach}). ` +
                `To keep ${them} attached on delete, set the retainOnDelete resource option or leave ${them} out of ${kind.field}`,
        );
    }

    async function describeOrFail(client: EssClient, inputs: Attachment): Promise<Body> {
        const group = await client.describeListing(inputs.scalingGroupId);
        if (!group) {
            throw new Error(
                `scaling group ${inputs.scalingGroupId} does not exist in region ${inputs.region} or is being deleted; check scalingGroupId and region`,
            );
        }
        return group;
    }

    /**
     * Describe, plan against what is there, apply; after a lost answer, check and repair. On failure,
     * report what DescribeScalingGroups says is attached, so the next `up` does exactly what is left.
     */
    async function converge(
        client: EssClient,
        id: string,
        owned: readonly E[],
        inputs: Attachment,
        isCreate: boolean,
    ): Promise<Attachment> {
        const desired = entriesOf(inputs);
        const relevant = [...owned, ...desired];
        claim(id, scope(inputs), keys(desired));
        let group = await describeOrFail(client, inputs);
        if (isCreate) reportAdoption(inputs, attachedIn(group), desired);
        let known = new Map<string, E>();
        const handedOver = new Set<string>();
        const landing = new Map<string, E>();
        try {
            for (let round = 0; ; round++) {
                known = new Map(ownedAttached(attachedIn(group), relevant).map((e) => [key(e), e]));
                const lostBefore = client.lostAnswers;
                const changes = leaveOthersTheirs(id, inputs, reconcile(key, attachedIn(group), owned, desired), known, handedOver);
                await apply(client, id, inputs, changes, known, landing);
                if (client.lostAnswers === lostBefore || round === VERIFY_ROUNDS) break;
                await new Promise((resolve) => setTimeout(resolve, readTimeoutMs()));
                group = await describeOrFail(client, inputs);
            }
        } catch (err) {
            let nowOwned = [...known.values()];
            // Whether state can say for sure what is attached; if not, the next `up` re-reads rather than trusting it.
            let certain = false;
            try {
                const after = await client.describeListing(inputs.scalingGroupId);
                if (after) {
                    // An attach whose activity is still running counts until DescribeScalingGroups lists it.
                    const listed = attachedIn(after);
                    const pending = [...landing.values()].filter((e) => !listed.some((a) => key(a) === key(e)));
                    nowOwned = ownedAttached([...listed, ...pending], relevant);
                    certain = pending.length === 0;
                }
            } catch {
                // Keep the estimate: it may claim an entry that is not attached, never the reverse.
            }
            nowOwned = nowOwned.filter((e) => !handedOver.has(key(e)));
            const message = err instanceof Error ? err.message : String(err);
            if (isCreate && nowOwned.length === 0) throw err;
            const provider = (inputs as unknown as Record<string, unknown>)[PROVIDER_KEY];
            const mark = certain ? {} : { uncertain: true };
            throw new PartialFailure(message, id, { ...stateOf(inputs, nowOwned), ...mark, [PROVIDER_KEY]: provider });
        }
        return stateOf(inputs, [...known.values()]);
    }

    /** Detaches what a deleted resource owns, leaving to other resources what they declare. */
    async function detachOwned(client: EssClient, id: string, props: Attachment): Promise<void> {
        const changes = leaveOthersTheirs(id, props, { detach: entriesOf(props), attach: [] }, new Map());
        if (changes.detach.length > 0) await apply(client, id, props, changes, new Map());
    }

    return { stateOf, sharedIn, converge, detachOwned, entriesOf, keys, scope };
}
