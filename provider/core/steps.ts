// The engine steps of one kind, built by `stepsOf(kind)`. Each step asks the planner what to do and
// has the client do it; the kind supplies only what differs (actions, encoding, limits, listing,
// validation). A kind's module is loaded by name in the dynamic-provider plugin process, so this
// state (stack config, clients) exists only at run time and is never serialized into a user's state.
import { randomUUID } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ActivityStillRunning, waitForActivity } from "./activity";
import { reconcile, sameSet, stillAttached, diffOf, type Changes } from "./changes";
import { defaultRegion, essEndpoint, readTimeoutMs, retryPolicy, staticAccessKey, type StackConfig } from "./config";
import { EssError, isScalingGroupGone, PartialFailure } from "./errors";
import { listOf, type Attachment, type Body, type Kind, type KindEntry } from "./kind";
import { serializedBy } from "./lock";
import {
    claim,
    claimedByOthers,
    declareWeights,
    detachedByOthers,
    noteAttached,
    noteDetached,
    release,
    resetOwnership,
    scopeOf,
} from "./ownership";
import type { CheckFailure } from "./checks";
import { linesOf } from "./preview";
import { report, unprintable } from "./report";
import { containsUnknown } from "./unknown";
import { EssClient } from "../ess";
import { forEngine, quietly } from "../failures";

const PROVIDER_KEY = "__provider";

/** The steps the dynamic-provider plugin calls, as a kind's module exports them. */
export interface Steps {
    configure(req: dynamic.ConfigureRequest): Promise<void>;
    check(olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult>;
    diff(id: string, olds: Attachment, news: Attachment): Promise<dynamic.DiffResult>;
    create(inputs: Attachment): Promise<dynamic.CreateResult>;
    read(id: string, props: Partial<Attachment>): Promise<dynamic.ReadResult>;
    update(id: string, olds: Attachment, news: Attachment): Promise<dynamic.UpdateResult>;
    delete(id: string, props: Attachment): Promise<void>;
}

// After a call whose answer was lost and that was retried, the lost attempt may still land after
// its retry (a late detach undoing a re-attach). Wait one response timeout, re-read, and repair.
const VERIFY_ROUNDS = 3;

/** Reads of one scaling group that overlap (a refresh of resources sharing it) share one Describe, whatever their kind. */
const reading = new Map<string, Promise<Body | undefined>>();

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Calls on one scaling group never interleave, whatever kind they attach. */
function groupOf(s: Pick<Attachment, "region" | "scalingGroupId">): string {
    return `${s.region}/${s.scalingGroupId}`;
}

export function stepsOf<E extends KindEntry>(kind: Kind<E>): Steps {
    let stackConfig: StackConfig | undefined;
    const clients = new Map<string, EssClient>();
    const key = (e: E) => kind.key(e);
    const keys = (entries: readonly E[]) => entries.map(key);
    const scope = (s: Pick<Attachment, "region" | "scalingGroupId">) => scopeOf(s, kind.name);
    const entriesOf = (s: Attachment) => kind.entries(listOf(s, kind.field));
    const attachedIn = (listing: Body) => kind.attached(listing);
    const ownedAttached = (attached: readonly E[], owned: readonly E[]) =>
        stillAttached(key, (a, b) => kind.compare(a, b), attached, owned);

    function clientFor(region: string): EssClient {
        let client = clients.get(region);
        if (!client) {
            client = EssClient.create({
                region,
                endpoint: essEndpoint(region),
                accessKey: staticAccessKey(stackConfig),
                retry: retryPolicy(),
                readTimeoutMs: readTimeoutMs(),
                onRetry: report,
            });
            clients.set(region, client);
        }
        return client;
    }

    function describeForRead(s: Pick<Attachment, "region" | "scalingGroupId">): Promise<Body | undefined> {
        const group = groupOf(s);
        let pending = reading.get(group);
        if (!pending) {
            pending = clientFor(s.region)
                .describeListing(s.scalingGroupId)
                .finally(() => reading.delete(group));
            reading.set(group, pending);
        }
        return pending;
    }

    function stateOf(inputs: Attachment, owned: readonly E[]): Attachment {
        return {
            scalingGroupId: inputs.scalingGroupId,
            region: inputs.region,
            [kind.field]: kind.list(owned),
            forceAttach: inputs.forceAttach,
            forceDetach: inputs.forceDetach,
        } as Attachment;
    }

    /** `rsp-1:80, rsp-2:8080` — the first few entries, for a progress line. */
    function named(entries: readonly E[]): string {
        const shown = entries.slice(0, 5).map((e) => kind.named(e));
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
        const sharedKeys = new Set(claimedByOthers(id, scope(inputs), keys(candidates)));
        if (sharedKeys.size === 0) return changes;
        const shared = candidates.filter((e) => sharedKeys.has(key(e)));
        for (const e of shared) known.delete(key(e));
        for (const e of shared) handedOver.add(key(e));
        report(
            `leaving ${plural(shared.length, kind.noun)} attached to the scaling group (${named(shared)}): another resource of this stack declares them`,
        );
        return { detach: changes.detach.filter((e) => !sharedKeys.has(key(e))), attach: changes.attach };
    }

    /**
     * A weight change is a detach and a re-attach. With `forceAttach: false` the re-attach does not put
     * the instances back, so that detach keeps them (ForceDetach=false) whatever `forceDetach` says.
     */
    function detachBatches(inputs: Attachment, changes: Changes<E>): { entries: E[]; forceDetach: boolean; why: string }[] {
        const reattached = new Set(keys(changes.attach));
        const reweighted = changes.detach.filter((e) => reattached.has(key(e)));
        if (inputs.forceAttach || !inputs.forceDetach || reweighted.length === 0) {
            return [{ entries: changes.detach, forceDetach: inputs.forceDetach, why: "" }];
        }
        return [
            { entries: changes.detach.filter((e) => !reattached.has(key(e))), forceDetach: true, why: "" },
            {
                entries: reweighted,
                forceDetach: false,
                why: ": a weight change with forceAttach=false keeps the instances behind the load balancer, with their old backend weight",
            },
        ];
    }

    /** One call; when it starts a scaling activity, returns only once that activity ended well. */
    async function send(client: EssClient, inputs: Attachment, action: string, params: Record<string, string>, what: string) {
        const activityId = await client.change(action, inputs.scalingGroupId, params);
        if (activityId) await waitForActivity(client, inputs.scalingGroupId, activityId, what, retryPolicy());
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
                noteDetached(id, scope(inputs), keys(call));
            }
        }
        if (changes.attach.length > 0) {
            const calls = kind.split(changes.attach);
            report(
                `attaching ${plural(changes.attach.length, kind.noun)} to ${sg} in ${plural(calls.length, "call")} (ForceAttach=${inputs.forceAttach})`,
            );
            for (const call of calls) {
                const params = {
                    ForceAttach: String(inputs.forceAttach),
                    ClientToken: randomUUID(),
                    ...kind.params(call, true, inputs.forceAttach),
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
    async function converge(id: string, owned: readonly E[], inputs: Attachment, isCreate: boolean): Promise<Attachment> {
        const client = clientFor(inputs.region);
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
            try {
                const after = await client.describeListing(inputs.scalingGroupId);
                if (after) {
                    // An attach whose activity is still running counts until DescribeScalingGroups lists it.
                    const listed = attachedIn(after);
                    const pending = [...landing.values()].filter((e) => !listed.some((a) => key(a) === key(e)));
                    nowOwned = ownedAttached([...listed, ...pending], relevant);
                }
            } catch {
                // Keep the estimate: it may claim an entry that is not attached, never the reverse.
            }
            nowOwned = nowOwned.filter((e) => !handedOver.has(key(e)));
            const message = err instanceof Error ? err.message : String(err);
            if (isCreate && nowOwned.length === 0) throw err;
            const provider = (inputs as unknown as Record<string, unknown>)[PROVIDER_KEY];
            throw new PartialFailure(message, id, { ...stateOf(inputs, nowOwned), [PROVIDER_KEY]: provider });
        }
        return stateOf(inputs, [...known.values()]);
    }

    async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult> {
        staticAccessKey(stackConfig); // half a credential pair fails the preview too, not only the first API call
        unprintable(news.scalingGroupId);
        const { inputs, failures } = kind.validate(news, defaultRegion(stackConfig));
        if (failures.length > 0) return { failures: forEngine(failures) };
        // Values not known yet (preview) are checked during `up`, once they are known.
        const known = inputs && !containsUnknown([inputs.scalingGroupId, inputs.region, listOf(inputs, kind.field)]);
        const conflicts = known ? weightConflicts(inputs) : [];
        return conflicts.length > 0 ? { failures: forEngine(conflicts) } : { inputs };
    }

    /** Entries another resource of the program declares on the same scaling group with another weight. */
    function weightConflicts(inputs: Attachment): CheckFailure[] {
        const weight = (w: number | undefined) => (w === undefined ? "no weight" : `weight ${w}`);
        return declareWeights(
            scope(inputs),
            entriesOf(inputs).map((e) => ({ key: key(e), weight: e.weight })),
        ).map(({ key: k, weight: w, other }) => ({
            property: kind.field,
            reason:
                `${kind.field} declares ${kind.noun} ${k} with ${weight(w)}, and another resource of this stack declares it on the same scaling group with ${weight(other)}: ` +
                "an attachment has one weight, so the two would re-weight it in turn; declare the same weight in both, or the entry in one of them only",
        }));
    }

    async function diff(id: string, olds: Attachment, news: Attachment): Promise<dynamic.DiffResult> {
        const { changes, replaces } = diffOf(kind, olds, news);
        if (replaces.length > 0) {
            // Until its delete, the original still declares its entries on its own scaling group.
            claim(id, scope(olds), keys(entriesOf(olds)));
            return { changes, replaces, deleteBeforeReplace: false };
        }
        for (const line of linesOf(kind, olds, news)) report(`will ${line}`);
        if (containsUnknown(news)) return { changes, replaces, deleteBeforeReplace: false };
        // Tell the provider what this resource declares before any Detach of this run looks, and re-attach
        // what another resource of the stack detached from under it.
        const desired = keys(entriesOf(news));
        claim(id, scope(news), desired);
        const repair = detachedByOthers(id, scope(news), desired).length > 0;
        return { changes: changes || repair, replaces, deleteBeforeReplace: false };
    }

    async function create(inputs: Attachment): Promise<dynamic.CreateResult> {
        // Opaque: an id is never secret, and the scaling group ID may be (`pulumi.secret(...)`).
        const id = randomUUID();
        try {
            const outs = await serializedBy(groupOf(inputs), () => converge(id, [], inputs, true));
            return { id, outs };
        } catch (err) {
            if (!(err instanceof PartialFailure)) release(id); // not in state: it declares nothing
            throw err;
        }
    }

    async function update(id: string, olds: Attachment, news: Attachment): Promise<dynamic.UpdateResult> {
        const owned = entriesOf(olds);
        const desired = entriesOf(news);
        if (sameSet(key, owned, desired) && detachedByOthers(id, scope(news), keys(desired)).length === 0) {
            claim(id, scope(news), keys(desired));
            return { outs: stateOf(news, owned) }; // only the force flags changed: nothing to call
        }
        return { outs: await serializedBy(groupOf(news), () => converge(id, owned, news, false)) };
    }

    async function readState(id: string, props: Partial<Attachment>): Promise<dynamic.ReadResult> {
        unprintable(props.scalingGroupId);
        if (!Array.isArray(listOf(props as Attachment, kind.field))) return get(id, props);
        const state = props as Attachment;
        const group = await describeForRead(state);
        if (!group) {
            report(`the scaling group of ${id} no longer exists in ${state.region}: the attachment is gone`);
            return { id: "" };
        }
        const owned = entriesOf(state);
        claim(id, scope(state), keys(owned));
        const still = ownedAttached(attachedIn(group), owned);
        const stillKeys = new Set(keys(still));
        const gone = owned.filter((e) => !stillKeys.has(key(e)));
        if (gone.length > 0) {
            report(
                `${gone.length} owned ${gone.length === 1 ? "entry" : "entries"} no longer attached as declared (${keys(gone).join(", ")}): the next \`pulumi up\` attaches ${gone.length === 1 ? "it" : "them"} again`,
            );
        }
        // The inputs follow what is attached, so the next preview --diff shows the re-attach.
        const refreshed = stateOf(state, still);
        return { id, props: refreshed, inputs: refreshed };
    }

    /**
     * `<Resource>.get(name, scalingGroupId)`: no state, only the id the user gave, which names the
     * scaling group (a legacy id `asg-…:suffix` too). Reports every entry of the kind attached to it.
     */
    async function get(id: string, props: Partial<Attachment>): Promise<dynamic.ReadResult> {
        const scalingGroupId = props.scalingGroupId ?? id.split(":")[0];
        const region = props.region ?? defaultRegion(stackConfig);
        if (!region) {
            throw new Error(
                `reading ${scalingGroupId} needs a region: set config alicloud:region or env ALIBABA_CLOUD_REGION_ID, or pass the region in the state argument`,
            );
        }
        const group = await clientFor(region).describeListing(scalingGroupId);
        if (!group) return { id: "" };
        return { id, props: stateOf({ scalingGroupId, region, forceAttach: false, forceDetach: false }, attachedIn(group)) };
    }

    async function remove(id: string, props: Attachment): Promise<void> {
        unprintable(props.scalingGroupId);
        const owned = entriesOf(props);
        await serializedBy(groupOf(props), async () => {
            const changes = leaveOthersTheirs(id, props, { detach: owned, attach: [] }, new Map());
            try {
                if (changes.detach.length > 0) await apply(clientFor(props.region), id, props, changes, new Map());
            } catch (err) {
                if (!isScalingGroupGone(err)) throw err;
                report(`scaling group ${props.scalingGroupId} no longer exists: nothing to detach`);
            }
            release(id);
        });
    }

    return {
        async configure(req: dynamic.ConfigureRequest): Promise<void> {
            stackConfig = req.config;
            clients.clear();
            resetOwnership(kind.name);
        },
        check,
        diff,
        create,
        read: quietly(readState),
        update,
        delete: quietly(remove),
    };
}
