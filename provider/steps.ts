// The engine steps. Each one asks plan.ts what to do and has ess.ts do it; nothing else lives here.
// This module is loaded by name in the dynamic-provider plugin process, so its state (stack config,
// clients) exists only at run time and is never serialized into a user's state.
import { randomUUID } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { defaultRegion, essEndpoint, readTimeoutMs, retryPolicy, staticAccessKey, type StackConfig } from "./core/config";
import { EssError, isScalingGroupGone } from "./core/errors";
import { serializedBy } from "./core/lock";
import { claim, claimedByOthers, detachedByOthers, noteAttached, noteDetached, release, resetOwnership, scopeOf } from "./core/ownership";
import { report, unprintable } from "./core/report";
import { EssClient, type ScalingGroup } from "./ess";
import { forEngine, quietly } from "./failures";
import { containsUnknown, entryKey, toEntries, toVServerGroups, type AttachmentInputs, type AttachmentState, type Entry } from "./model";
import { ownedAttached, planDiff, planReconcile, sameEntries, splitIntoCalls, type Changes } from "./plan";
import { previewLines } from "./preview";
import { validateInputs } from "./validate";

const PROVIDER_KEY = "__provider";

let stackConfig: StackConfig | undefined;
const clients = new Map<string, EssClient>();

export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
    stackConfig = req.config;
    clients.clear();
    resetOwnership();
}

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

/** Reads of one scaling group that overlap (a refresh of resources sharing it) share one Describe. */
const reading = new Map<string, Promise<ScalingGroup | undefined>>();

function describeForRead(s: Pick<AttachmentState, "region" | "scalingGroupId">): Promise<ScalingGroup | undefined> {
    const key = scopeOf(s);
    let pending = reading.get(key);
    if (!pending) {
        pending = clientFor(s.region)
            .describeScalingGroup(s.scalingGroupId)
            .finally(() => reading.delete(key));
        reading.set(key, pending);
    }
    return pending;
}

function stateOf(inputs: AttachmentInputs, owned: readonly Entry[]): AttachmentState {
    return {
        scalingGroupId: inputs.scalingGroupId,
        region: inputs.region,
        vserverGroups: toVServerGroups(owned),
        forceAttach: inputs.forceAttach,
        forceDetach: inputs.forceDetach,
    };
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `rsp-1:80, rsp-2:8080` — the first few entries, for a progress line. */
function named(entries: readonly Entry[]): string {
    const shown = entries.slice(0, 5).map((e) => `${e.vserverGroupId}:${e.port}`);
    return entries.length > 5 ? `${shown.join(", ")} and ${entries.length - 5} more` : shown.join(", ");
}

/**
 * Leaves to another resource of this stack the entries it declares that this one no longer wants:
 * they are handed over (no longer owned, left attached). A re-weighted entry is still detached and
 * re-attached: one attachment has one weight, and every resource declaring it declares the new one.
 */
function leaveOthersTheirs(id: string, inputs: AttachmentInputs, changes: Changes, known: Map<string, Entry>): Changes {
    const reattached = new Set(changes.attach.map(entryKey));
    const shared = claimedByOthers(
        id,
        scopeOf(inputs),
        changes.detach.filter((e) => !reattached.has(entryKey(e))),
    );
    if (shared.length === 0) return changes;
    const sharedKeys = new Set(shared.map(entryKey));
    for (const e of shared) known.delete(entryKey(e));
    report(
        `leaving ${plural(shared.length, "VServer group")} attached to the scaling group (${named(shared)}): another resource of this stack declares them`,
    );
    return { detach: changes.detach.filter((e) => !sharedKeys.has(entryKey(e))), attach: changes.attach };
}

interface DetachBatch {
    entries: Entry[];
    forceDetach: boolean;
    why: string;
}

/**
 * A weight change is a detach and a re-attach. With `forceAttach: false` the re-attach does not put
 * the instances back, so that detach keeps them (ForceDetach=false) whatever `forceDetach` says.
 */
function detachBatches(inputs: AttachmentInputs, changes: Changes): DetachBatch[] {
    const reattached = new Set(changes.attach.map(entryKey));
    const reweighted = changes.detach.filter((e) => reattached.has(entryKey(e)));
    if (inputs.forceAttach || !inputs.forceDetach || reweighted.length === 0) {
        return [{ entries: changes.detach, forceDetach: inputs.forceDetach, why: "" }];
    }
    return [
        { entries: changes.detach.filter((e) => !reattached.has(entryKey(e))), forceDetach: true, why: "" },
        {
            entries: reweighted,
            forceDetach: false,
            why: ": a weight change with forceAttach=false keeps the instances behind the load balancer, with their old backend weight",
        },
    ];
}

/**
 * Performs the detaches, then the attaches, in calls of at most 5×5. Keeps `known` (the owned
 * entries known to be attached) up to date after each call, so a failure can report how far it got.
 */
async function apply(client: EssClient, id: string, inputs: AttachmentInputs, changes: Changes, known: Map<string, Entry>): Promise<void> {
    const sg = inputs.scalingGroupId;
    const scope = scopeOf(inputs);
    for (const batch of detachBatches(inputs, changes)) {
        if (batch.entries.length === 0) continue;
        const calls = splitIntoCalls(batch.entries);
        report(
            `detaching ${plural(batch.entries.length, "VServer group")} from ${sg} in ${plural(calls.length, "call")} (ForceDetach=${batch.forceDetach}${batch.why})`,
        );
        for (const call of calls) {
            await client.detach(sg, call, batch.forceDetach);
            for (const e of call) known.delete(entryKey(e));
            noteDetached(id, scope, call);
        }
    }
    if (changes.attach.length > 0) {
        const calls = splitIntoCalls(changes.attach);
        report(
            `attaching ${plural(changes.attach.length, "VServer group")} to ${sg} in ${plural(calls.length, "call")} (ForceAttach=${inputs.forceAttach})`,
        );
        for (const call of calls) {
            try {
                await client.attach(sg, call, inputs.forceAttach);
            } catch (err) {
                // The call may have landed: count it until DescribeScalingGroups says otherwise.
                if (err instanceof EssError && err.ambiguous) for (const e of call) known.set(entryKey(e), e);
                throw err;
            }
            for (const e of call) known.set(entryKey(e), e);
            noteAttached(scope, call);
        }
    }
}

/** A create that finds declared entries already attached takes them over: say so, and what delete will do. */
function reportAdoption(inputs: AttachmentInputs, attached: readonly Entry[], desired: readonly Entry[]): void {
    const wanted = new Map(desired.map((e) => [entryKey(e), e]));
    const adopted = attached.filter((e) => wanted.get(entryKey(e))?.weight === e.weight);
    if (adopted.length === 0) return;
    report(
        `adopting ${plural(adopted.length, "VServer group")} already attached to the scaling group (${named(adopted)}): ` +
            `this resource owns ${adopted.length === 1 ? "it" : "them"} now, and deleting it will detach ${adopted.length === 1 ? "it" : "them"} (ForceDetach=${inputs.forceDetach}). ` +
            `To keep ${adopted.length === 1 ? "it" : "them"} attached on delete, set the retainOnDelete resource option or leave ${adopted.length === 1 ? "it" : "them"} out of vserverGroups`,
    );
}

/** A failed create/update still tells the engine what this resource now owns, so state stays true. */
class PartialFailure extends Error {
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
        readonly reasons: string[] = [message],
    ) {
        super(message);
    }
}

// After a call whose answer was lost and that was retried, the lost attempt may still land after
// its retry (a late detach undoing a re-attach). Wait one response timeout, re-read, and repair.
const VERIFY_ROUNDS = 3;

async function describeOrFail(client: EssClient, inputs: AttachmentInputs) {
    const group = await client.describeScalingGroup(inputs.scalingGroupId);
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
    id: string,
    owned: readonly Entry[],
    inputs: AttachmentInputs & { [PROVIDER_KEY]?: unknown },
    isCreate: boolean,
): Promise<AttachmentState> {
    const client = clientFor(inputs.region);
    const desired = toEntries(inputs.vserverGroups);
    const relevant = [...owned, ...desired];
    claim(id, scopeOf(inputs), desired);
    let group = await describeOrFail(client, inputs);
    if (isCreate) reportAdoption(inputs, group.attached, desired);
    let known = new Map<string, Entry>();
    try {
        for (let round = 0; ; round++) {
            known = new Map(ownedAttached(group.attached, relevant).map((e) => [entryKey(e), e]));
            const lostBefore = client.lostAnswers;
            const changes = leaveOthersTheirs(id, inputs, planReconcile(group.attached, owned, desired), known);
            await apply(client, id, inputs, changes, known);
            if (client.lostAnswers === lostBefore || round === VERIFY_ROUNDS) break;
            await new Promise((resolve) => setTimeout(resolve, readTimeoutMs()));
            group = await describeOrFail(client, inputs);
        }
    } catch (err) {
        let nowOwned = [...known.values()];
        try {
            const after = await client.describeScalingGroup(inputs.scalingGroupId);
            if (after) nowOwned = ownedAttached(after.attached, relevant);
        } catch {
            // Keep the estimate: it may claim an entry that is not attached, never the reverse.
        }
        const message = err instanceof Error ? err.message : String(err);
        if (isCreate && nowOwned.length === 0) throw err;
        throw new PartialFailure(message, id, { ...stateOf(inputs, nowOwned), [PROVIDER_KEY]: inputs[PROVIDER_KEY] });
    }
    return stateOf(inputs, [...known.values()]);
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<AttachmentInputs>> {
    staticAccessKey(stackConfig); // half a credential pair fails the preview too, not only the first API call
    unprintable(news.scalingGroupId);
    const { inputs, failures } = validateInputs(news, defaultRegion(stackConfig));
    return failures.length > 0 ? { failures: forEngine(failures) } : { inputs };
}

export async function diff(id: string, olds: AttachmentState, news: AttachmentInputs): Promise<dynamic.DiffResult> {
    const { changes, replaces } = planDiff(olds, news);
    if (replaces.length === 0) for (const line of previewLines(olds, news)) report(`will ${line}`);
    if (containsUnknown(news)) return { changes, replaces, deleteBeforeReplace: false };
    // Tell the provider what this resource declares before any Detach of this run looks, and re-attach
    // what another resource of the stack detached from under it.
    const desired = toEntries(news.vserverGroups);
    claim(id, scopeOf(news), desired);
    const repair = detachedByOthers(id, scopeOf(news), desired).length > 0;
    return { changes: changes || repair, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: AttachmentInputs): Promise<dynamic.CreateResult<AttachmentState>> {
    // Opaque: an id is never secret, and the scaling group ID may be (`pulumi.secret(...)`).
    const id = randomUUID();
    const outs = await serializedBy(scopeOf(inputs), () => converge(id, [], inputs, true));
    return { id, outs };
}

export async function update(id: string, olds: AttachmentState, news: AttachmentInputs): Promise<dynamic.UpdateResult<AttachmentState>> {
    const owned = toEntries(olds.vserverGroups);
    const desired = toEntries(news.vserverGroups);
    if (sameEntries(owned, desired) && detachedByOthers(id, scopeOf(news), desired).length === 0) {
        claim(id, scopeOf(news), desired);
        return { outs: stateOf(news, owned) }; // only the force flags changed: nothing to call
    }
    return { outs: await serializedBy(scopeOf(news), () => converge(id, owned, news, false)) };
}

async function readState(id: string, props: Partial<AttachmentState>): Promise<dynamic.ReadResult<AttachmentState>> {
    unprintable(props.scalingGroupId);
    if (!Array.isArray(props.vserverGroups)) return get(id, props);
    const state = props as AttachmentState;
    const group = await describeForRead(state);
    if (!group) {
        report(`the scaling group of ${id} no longer exists in ${state.region}: the attachment is gone`);
        return { id: "" };
    }
    const owned = toEntries(state.vserverGroups);
    claim(id, scopeOf(state), owned);
    const still = ownedAttached(group.attached, owned);
    const gone = owned.filter((e) => !still.some((s) => entryKey(s) === entryKey(e)));
    if (gone.length > 0) {
        report(
            `${gone.length} owned ${gone.length === 1 ? "entry" : "entries"} no longer attached as declared (${gone.map(entryKey).join(", ")}): the next \`pulumi up\` attaches ${gone.length === 1 ? "it" : "them"} again`,
        );
    }
    // The inputs follow what is attached, so the next preview --diff shows the re-attach.
    const refreshed = stateOf(state, still);
    return { id, props: refreshed, inputs: refreshed };
}

/**
 * `ScalingGroupVServerGroups.get(name, scalingGroupId)`: no state, only the id the user gave, which
 * names the scaling group (a legacy id `asg-…:suffix` too). Reports every entry attached to it.
 */
async function get(id: string, props: Partial<AttachmentState>): Promise<dynamic.ReadResult<AttachmentState>> {
    const scalingGroupId = props.scalingGroupId ?? id.split(":")[0];
    const region = props.region ?? defaultRegion(stackConfig);
    if (!region) {
        throw new Error(
            `reading ${scalingGroupId} needs a region: set config alicloud:region or env ALIBABA_CLOUD_REGION_ID, or pass the region in the state argument`,
        );
    }
    const group = await clientFor(region).describeScalingGroup(scalingGroupId);
    if (!group) return { id: "" };
    return {
        id,
        props: stateOf({ scalingGroupId, region, vserverGroups: [], forceAttach: false, forceDetach: false }, group.attached),
    };
}

export const read = quietly(readState);

async function remove(id: string, props: AttachmentState): Promise<void> {
    const owned = toEntries(props.vserverGroups);
    await serializedBy(scopeOf(props), async () => {
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
const quietRemove = quietly((id: string, props: AttachmentState) => {
    unprintable(props.scalingGroupId);
    return remove(id, props);
});
export { quietRemove as delete };
