// The engine steps. Each one asks plan.ts what to do and has ess.ts do it; nothing else lives here.
// This module is loaded by name in the dynamic-provider plugin process, so its state (stack config,
// clients) exists only at run time and is never serialized into a user's state.
import { randomUUID } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { defaultRegion, essEndpoint, readTimeoutMs, retryPolicy, staticAccessKey, type StackConfig } from "./config";
import { EssError } from "./errors";
import { forEngine, quietly } from "./failures";
import { EssClient, type ScalingGroup } from "./ess";
import { serializedBy } from "./lock";
import type { AttachmentInputs, AttachmentState } from "./model";
import {
    entryKey,
    ownedAttached,
    planDiff,
    planReconcile,
    sameEntries,
    splitIntoCalls,
    toEntries,
    toVServerGroups,
    type Changes,
    type Entry,
} from "./plan";
import { previewLines } from "./preview";
import { report, unprintable } from "./report";
import { validateInputs } from "./validate";

const PROVIDER_KEY = "__provider";

let stackConfig: StackConfig | undefined;
const clients = new Map<string, EssClient>();

export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
    stackConfig = req.config;
    clients.clear();
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

function lockKey(s: Pick<AttachmentInputs, "region" | "scalingGroupId">): string {
    return `${s.region}/${s.scalingGroupId}`;
}

/** Reads of one scaling group that overlap (a refresh of resources sharing it) share one Describe. */
const reading = new Map<string, Promise<ScalingGroup | undefined>>();

function describeForRead(s: Pick<AttachmentState, "region" | "scalingGroupId">): Promise<ScalingGroup | undefined> {
    const key = lockKey(s);
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

/**
 * Performs the detaches, then the attaches, in calls of at most 5×5. Keeps `known` (the owned
 * entries known to be attached) up to date after each call, so a failure can report how far it got.
 */
async function apply(client: EssClient, inputs: AttachmentInputs, changes: Changes, known: Map<string, Entry>): Promise<void> {
    const sg = inputs.scalingGroupId;
    if (changes.detach.length > 0) {
        const calls = splitIntoCalls(changes.detach);
        report(
            `detaching ${plural(changes.detach.length, "VServer group")} from ${sg} in ${plural(calls.length, "call")} (ForceDetach=${inputs.forceDetach})`,
        );
        for (const call of calls) {
            await client.detach(sg, call, inputs.forceDetach);
            for (const e of call) known.delete(entryKey(e));
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
        }
    }
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
            `scaling group ${inputs.scalingGroupId} does not exist in region ${inputs.region}; check scalingGroupId and region`,
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
    let group = await describeOrFail(client, inputs);
    let known = new Map<string, Entry>();
    try {
        for (let round = 0; ; round++) {
            known = new Map(ownedAttached(group.attached, relevant).map((e) => [entryKey(e), e]));
            const lostBefore = client.lostAnswers;
            await apply(client, inputs, planReconcile(group.attached, owned, desired), known);
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
    return stateOf(inputs, desired);
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult<AttachmentInputs>> {
    unprintable(news.scalingGroupId);
    const { inputs, failures } = validateInputs(news, defaultRegion(stackConfig));
    return failures.length > 0 ? { failures: forEngine(failures) } : { inputs };
}

export async function diff(_id: string, olds: AttachmentState, news: AttachmentInputs): Promise<dynamic.DiffResult> {
    const { changes, replaces } = planDiff(olds, news);
    if (replaces.length === 0) for (const line of previewLines(olds, news)) report(`will ${line}`);
    return { changes, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: AttachmentInputs): Promise<dynamic.CreateResult<AttachmentState>> {
    // Opaque: an id is never secret, and the scaling group ID may be (`pulumi.secret(...)`).
    const id = randomUUID();
    const outs = await serializedBy(lockKey(inputs), () => converge(id, [], inputs, true));
    return { id, outs };
}

export async function update(id: string, olds: AttachmentState, news: AttachmentInputs): Promise<dynamic.UpdateResult<AttachmentState>> {
    const owned = toEntries(olds.vserverGroups);
    if (sameEntries(owned, toEntries(news.vserverGroups))) {
        return { outs: stateOf(news, owned) }; // only the force flags changed: nothing to call
    }
    return { outs: await serializedBy(lockKey(news), () => converge(id, owned, news, false)) };
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

async function remove(_id: string, props: AttachmentState): Promise<void> {
    const owned = toEntries(props.vserverGroups);
    if (owned.length === 0) return;
    await serializedBy(lockKey(props), async () => {
        try {
            await apply(clientFor(props.region), props, { detach: owned, attach: [] }, new Map());
        } catch (err) {
            if (err instanceof EssError && err.code === "InvalidScalingGroupId.NotFound") {
                report(`scaling group ${props.scalingGroupId} no longer exists: nothing to detach`);
                return;
            }
            throw err;
        }
    });
}
const quietRemove = quietly((id: string, props: AttachmentState) => {
    unprintable(props.scalingGroupId);
    return remove(id, props);
});
export { quietRemove as delete };
