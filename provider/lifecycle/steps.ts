// The engine steps of one kind, built by `stepsOf(kind)`. Each step asks the planner what to do and
// has the client do it; the kind supplies only what differs (actions, encoding, limits, listing,
// validation). A kind's module is loaded by name in the dynamic-provider plugin process, so this
// state (stack config, clients) exists only at run time and is never serialized into a user's state.
import { randomUUID } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { defaultRegion, essEndpoint, readTimeoutMs, retryPolicy, type StackConfig } from "../client/config";
import { isScalingGroupGone } from "../client/errors";
import { EssClient, type Body } from "../client/ess";
import { identityOf, IdentityError } from "../client/identity";
import { AdaptiveLimiter } from "../client/limiter";
import { oneAtATime } from "../client/lock";
import { asProgramGave, diffOf, inputsToStore, sameSet, stillAttached } from "./changes";
import { forEngine, isRecord, type CheckFailure } from "./checks";
import { convergerOf, PartialFailure } from "./converge";
import { fieldOf, type Attachment, type Kind, type KindEntry } from "./kind";
import { claim, declareWeights, detachedByOthers, release } from "./ownership";
import { linesOf } from "./preview";
import { quietly, redacted, report, redactFromOutput } from "./report";
import { containsUnknown } from "./unknown";

/** The input (set in the program) and state field listing entries other resources of the program declare. */
const DECLARED_BY_OTHERS = "declaredByOthers";
/** The input (set in the program) and state field with the resource's name in the program. */
const RESOURCE_NAME = "resourceName";
/** The input and state field with the resource's own identity settings (an explicit `alicloud.Provider`'s). */
const IDENTITY = "identity";
/** Ids `create` gives: a UUID, or (first releases) `asg-…:suffix`. A `get` resource has the id its program gave. */
const CREATED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|:/i;

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

/** One limiter for the process: every resource and kind calls ESS with one account (ESS_VSERVER_GROUPS_LIMITER=off: none). */
let limiter = newLimiter();

function newLimiter(): AdaptiveLimiter | undefined {
    return process.env.ESS_VSERVER_GROUPS_LIMITER === "off" ? undefined : new AdaptiveLimiter(undefined, report);
}

/** A new process's limiter: the plugin never calls this; tests that play several runs in one process do. */
export function resetLimiter(): void {
    limiter = newLimiter();
}

/** Reads of one scaling group that overlap (a refresh of resources sharing it) share one Describe, whatever their kind. */
const reading = new Map<string, Promise<Body | undefined>>();

/** Calls on one scaling group never interleave, whatever kind they attach. */
function groupOf(s: Pick<Attachment, "region" | "scalingGroupId">): string {
    return `${s.region}/${s.scalingGroupId}`;
}

/** The step, a secret scaling group ID redacted from its errors as from progress lines. */
function redacting<A extends unknown[], R>(step: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
        try {
            return await step(...args);
        } catch (err) {
            throw redacted(err);
        }
    };
}

/** What the resource classes set: a name, and entry key → names. */
function isProgramSet(name: unknown, declared: unknown): boolean {
    const names = (v: unknown) => Array.isArray(v) && v.every((n) => typeof n === "string");
    const map = typeof declared === "object" && declared !== null && !Array.isArray(declared) && Object.values(declared).every(names);
    return (name === undefined || typeof name === "string") && (declared === undefined || containsUnknown(declared) || map);
}

export function stepsOf<E extends KindEntry>(kind: Kind<E>): Steps {
    let stackConfig: StackConfig | undefined;
    const clients = new Map<string, EssClient>();
    const { stateOf, sharedIn, converge, detachOwned, entriesOf, keys, scope } = convergerOf(kind);
    const key = (e: E) => kind.key(e);

    /**
     * What the program says of names changed from what state recorded (this resource's name, or who
     * else declares its entries): state must follow, for a later delete that gets only state. An
     * update with no API call.
     */
    function namesChanged(olds: Attachment, news: Attachment): boolean {
        if (news.resourceName === undefined || containsUnknown(news.declaredByOthers)) return false;
        const shared = (s: Attachment) => JSON.stringify(sharedIn(s, entriesOf(news)));
        return news.resourceName !== olds.resourceName || shared(news) !== shared(olds);
    }

    /** One client per region and identity: a resource's own `identity`, else the stack's settings. */
    function clientFor(s: Pick<Attachment, "region" | "identity">): EssClient {
        const id = `${s.region}\n${JSON.stringify(s.identity ?? null)}`;
        let client = clients.get(id);
        if (!client) {
            const identity = identityOf(s.identity, stackConfig);
            client = EssClient.create({
                region: s.region,
                endpoint: essEndpoint(s.region, process.env, identity.essEndpoint),
                identity,
                retry: retryPolicy(),
                readTimeoutMs: readTimeoutMs(),
                onRetry: report,
                limiter,
            });
            clients.set(id, client);
        }
        return client;
    }

    function describeForRead(s: Pick<Attachment, "region" | "scalingGroupId" | "identity">): Promise<Body | undefined> {
        const group = `${groupOf(s)}\n${JSON.stringify(s.identity ?? null)}`;
        let pending = reading.get(group);
        if (!pending) {
            pending = clientFor(s)
                .describeListing(s.scalingGroupId)
                .finally(() => reading.delete(group));
            reading.set(group, pending);
        }
        return pending;
    }

    async function check(_olds: unknown, news: Record<string, unknown>): Promise<dynamic.CheckResult> {
        redactFromOutput(news.scalingGroupId);
        const { [DECLARED_BY_OTHERS]: declaredByOthers, [RESOURCE_NAME]: resourceName, [IDENTITY]: identity, ...declared } = news;
        // Who calls, resolved now: a bad or contradictory identity setting fails the preview, before any call.
        let region: string | undefined;
        const failures: CheckFailure[] = [];
        if (!containsUnknown(identity)) {
            try {
                region = identityOf(identity, stackConfig).region;
            } catch (err) {
                if (!(err instanceof IdentityError) || !err.setting.startsWith(IDENTITY)) throw err;
                failures.push({ property: IDENTITY, reason: err.message });
            }
        } else if (isRecord(identity) && typeof identity.region === "string") {
            region = identity.region; // the rest is known at `up`, and checked then
        }
        const validated = kind.validate(declared, region ?? defaultRegion(stackConfig));
        const inputs = validated.inputs;
        failures.push(...validated.failures);
        if (!isProgramSet(resourceName, declaredByOthers)) {
            failures.push({
                property: DECLARED_BY_OTHERS,
                reason: `${DECLARED_BY_OTHERS} and ${RESOURCE_NAME} are set by the resource class: leave them out of the arguments`,
            });
        }
        if (failures.length > 0) return { failures: forEngine(failures) };
        // Values not known yet (preview) are checked during `up`, once they are known.
        const known = inputs && !containsUnknown([inputs.scalingGroupId, inputs.region, fieldOf(inputs, kind.field)]);
        const conflicts = known ? weightConflicts(inputs) : [];
        if (conflicts.length > 0) return { failures: forEngine(conflicts) };
        const program = resourceName === undefined ? {} : { [RESOURCE_NAME]: resourceName, [DECLARED_BY_OTHERS]: declaredByOthers };
        return { inputs: { ...inputs, ...(identity === undefined ? {} : { [IDENTITY]: identity }), ...program } };
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
        if (olds.uncertain) report("will re-read the scaling group and converge: the last step failed without knowing what ESS did");
        if (containsUnknown(fieldOf(news, kind.field))) return { changes, replaces, deleteBeforeReplace: false };
        // Tell the provider what this resource declares before any Detach of this run looks, and re-attach
        // what another resource of the stack detached from under it.
        const desired = keys(entriesOf(news));
        claim(id, scope(news), desired);
        const repair = detachedByOthers(id, scope(news), desired).length > 0;
        // Another identity: state must hold it for a later delete, which gets only state.
        const identityChanged = JSON.stringify(olds.identity ?? null) !== JSON.stringify(news.identity ?? null);
        return {
            changes: changes || repair || identityChanged || namesChanged(olds, news) || olds.uncertain === true,
            replaces,
            deleteBeforeReplace: false,
        };
    }

    async function create(inputs: Attachment): Promise<dynamic.CreateResult> {
        // Opaque: an id is never secret, and the scaling group ID may be (`pulumi.secret(...)`).
        const id = randomUUID();
        try {
            const outs = await oneAtATime(groupOf(inputs), () => converge(clientFor(inputs), id, [], inputs, true));
            return { id, outs };
        } catch (err) {
            if (!(err instanceof PartialFailure)) release(id); // not in state: it declares nothing
            throw err;
        }
    }

    async function update(id: string, olds: Attachment, news: Attachment): Promise<dynamic.UpdateResult> {
        const owned = entriesOf(olds);
        const desired = entriesOf(news);
        if (!olds.uncertain && sameSet(key, owned, desired) && detachedByOthers(id, scope(news), keys(desired)).length === 0) {
            claim(id, scope(news), keys(desired));
            return { outs: stateOf(news, owned) }; // only the force flags changed: nothing to call
        }
        return { outs: await oneAtATime(groupOf(news), () => converge(clientFor(news), id, owned, news, false)) };
    }

    async function readState(id: string, props: Partial<Attachment>): Promise<dynamic.ReadResult> {
        redactFromOutput(props.scalingGroupId);
        if (isObservation(id, props)) return get(id, props);
        const state = props as Attachment;
        const group = await describeForRead(state);
        if (!group) {
            report(`the scaling group of ${id} no longer exists in ${state.region}: the attachment is gone`);
            return { id: "" };
        }
        // No claim: a refresh reads resources the program may have dropped, which are about to be
        // deleted; what a resource declares is what its diff says, in the program's run.
        const owned = entriesOf(state);
        const still = stillAttached(key, (a, b) => kind.compare(a, b), kind.attached(group), owned);
        const stillKeys = new Set(keys(still));
        const gone = owned.filter((e) => !stillKeys.has(key(e)));
        if (gone.length > 0) {
            report(
                `${gone.length} owned ${gone.length === 1 ? "entry" : "entries"} no longer attached as declared (${keys(gone).join(", ")}): the next \`pulumi up\` attaches ${gone.length === 1 ? "it" : "them"} again`,
            );
        }
        // The inputs follow what is attached, so the next preview --diff shows the re-attach.
        const refreshed = stateOf(state, still);
        return { id, props: refreshed, inputs: { ...refreshed, [kind.field]: kind.toInputs(still) } };
    }

    /**
     * A `get` resource (`<Resource>.get(name, scalingGroupId)`, or the constructor with an `id`
     * option): its state says so, or, in states from before that mark, it has no list or an id that
     * no create gave.
     */
    function isObservation(id: string, props: Partial<Attachment>): boolean {
        if (props.managed === false) return true;
        const list = fieldOf(props as Attachment, kind.field);
        return !(Array.isArray(list) || isRecord(list)) || !CREATED_ID.test(id);
    }

    /**
     * Reads a `get` resource: every entry of the kind attached to the scaling group its id (a legacy
     * `asg-…:suffix` too) or state names. It owns nothing, so it claims nothing and never detaches.
     */
    async function get(id: string, props: Partial<Attachment>): Promise<dynamic.ReadResult> {
        const scalingGroupId = props.scalingGroupId ?? id.split(":")[0];
        redactFromOutput(scalingGroupId);
        const identity = props.identity;
        const region = props.region ?? identityOf(identity, stackConfig).region ?? defaultRegion(stackConfig);
        if (!region) {
            throw new Error(
                `reading ${scalingGroupId} needs a region: set config alicloud:region or env ALIBABA_CLOUD_REGION_ID, or pass the region in the state argument`,
            );
        }
        const group = await describeForRead({ scalingGroupId, region, identity });
        if (!group) return { id: "" };
        const seen = { scalingGroupId, region, forceAttach: props.forceAttach ?? false, forceDetach: props.forceDetach ?? false, identity };
        return { id, props: { ...stateOf(seen, kind.attached(group)), managed: false } };
    }

    async function remove(id: string, props: Attachment): Promise<void> {
        redactFromOutput(props.scalingGroupId);
        await oneAtATime(groupOf(props), async () => {
            try {
                await detachOwned(clientFor(props), id, props);
            } catch (err) {
                if (!isScalingGroupGone(err)) throw err;
                report(`scaling group ${props.scalingGroupId} no longer exists: nothing to detach`);
            }
            release(id, scope(props), props.resourceName);
        });
    }

    return {
        // The plugin configures once per distinct provider text, so one run may configure several
        // times (state from an older release): ownership is never reset here, it lives for the process.
        async configure(req: dynamic.ConfigureRequest): Promise<void> {
            stackConfig = req.config;
            clients.clear();
        },
        // Stored inputs hold the entries keyed, so `preview --diff` marks only those that change (see ./changes).
        check: async (olds, news) => {
            const checked = await check(olds, asProgramGave(kind, news));
            return checked.inputs ? { inputs: inputsToStore(kind, olds, checked.inputs as Attachment) } : checked;
        },
        diff,
        create: redacting(create),
        read: quietly(redacting(readState)),
        update: redacting(update),
        delete: quietly(redacting(remove)),
    };
}
