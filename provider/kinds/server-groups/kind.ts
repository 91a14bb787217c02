// ALB, NLB and GWLB server groups (AttachServerGroups / DetachServerGroups, `ServerGroup.N.*` in
// 2014-08-28, `ServerGroups.N.*` in 2022-02-22): an entry is (server group, type, port) plus its
// weight; ≤ 5 per call. GWLB groups take neither port nor weight: ESS registers on 6081 (GENEVE)
// and DescribeScalingGroups lists them with that port. With ForceAttach/ForceDetach a call starts a
// scaling activity.
import { wrappedList } from "../../client/ess";
import { Checker, isRecord, isUnknown } from "../../lifecycle/checks";
import { chunks, itemsOf, keyed, validateAttachment, type Kind } from "../../lifecycle/kind";

/** The server group types AttachServerGroups takes. */
export type ServerGroupType = "ALB" | "NLB" | "GWLB";

/**
 * One server group attached to the scaling group, as the resource's `serverGroups` output holds it.
 * ALB and NLB groups have a port and a weight; GWLB groups have neither.
 */
export interface ServerGroup {
    /** The server group's ID (`sgp-...`). */
    serverGroupId: string;
    /** ALB, NLB or GWLB. */
    type: ServerGroupType;
    /** ALB/NLB: the port ESS registers the scaling group's instances on, 1..65535. */
    port?: number;
    /** ALB/NLB: the weight of the instances ESS adds, 0..100 (always set in outputs). */
    weight?: number;
}

/** The port ESS registers instances on in a GWLB server group (GENEVE). */
export const GWLB_PORT = 6081;
/** AttachServerGroups/DetachServerGroups accept at most this many server groups per call. */
export const MAX_SERVER_GROUPS_PER_CALL = 5;
const DEFAULT_WEIGHT = 50;
/** The list parameter's name: 2014-08-28 (the version this client speaks) says `ServerGroup.N`; 2022-02-22 says `ServerGroups.N`. */
const LIST_PARAMETER = "ServerGroup";
const TYPES: readonly string[] = ["ALB", "NLB", "GWLB"];
const FIELDS = ["serverGroupId", "type", "port", "weight"];

/** An entry: GWLB entries carry port 6081 (as DescribeScalingGroups lists them) and no weight. */
export type ServerGroupEntry = Required<Pick<ServerGroup, "serverGroupId" | "type" | "port">> & Pick<ServerGroup, "weight">;

const isGwlb = (e: { type: string }) => e.type === "GWLB";

function entryOf(g: ServerGroup): ServerGroupEntry {
    return isGwlb(g)
        ? { serverGroupId: g.serverGroupId, type: g.type, port: GWLB_PORT }
        : { serverGroupId: g.serverGroupId, type: g.type, port: g.port as number, weight: g.weight ?? DEFAULT_WEIGHT };
}

const key = (e: ServerGroupEntry) => `${e.type}/${e.serverGroupId}/${e.port}`;
const compare = (a: ServerGroupEntry, b: ServerGroupEntry) =>
    a.serverGroupId.localeCompare(b.serverGroupId) || a.type.localeCompare(b.type) || a.port - b.port;

/** Each server group: an ID, a type, and for ALB/NLB a port and an optional weight; each triple once, one type per ID. */
function checkServerGroups(c: Checker, groups: unknown[]): void {
    const seen = new Map<string, string>();
    const typeOf = new Map<string, { type: string; path: string }>();
    groups.forEach((g, i) => {
        const at = `serverGroups[${i}]`;
        if (isUnknown(g)) return;
        if (!isRecord(g)) return c.fail(at, g, "must be an object with serverGroupId, type, and for ALB/NLB port and optional weight");
        c.noUnknownFields(at, g, FIELDS);
        const idOk = c.id(`${at}.serverGroupId`, g.serverGroupId);
        if (isUnknown(g.type)) return;
        if (typeof g.type !== "string" || !TYPES.includes(g.type))
            return c.fail(`${at}.type`, g.type, `must be one of ${TYPES.join(", ")}`);
        if (g.type === "GWLB") {
            for (const field of ["port", "weight"] as const) {
                if (g[field] !== undefined)
                    c.fail(
                        `${at}.${field}`,
                        g[field],
                        `must not be set for a GWLB server group: ESS registers GWLB backends on port ${GWLB_PORT} with no weight`,
                    );
            }
        } else {
            if (g.port === undefined) c.fail(`${at}.port`, g.port, `is required for an ${g.type} server group: an integer from 1 to 65535`);
            else c.integer(`${at}.port`, g.port, 1, 65535);
            if (g.weight !== undefined) c.integer(`${at}.weight`, g.weight, 0, 100);
        }
        if (!idOk || typeof g.serverGroupId !== "string") return;
        const first = typeOf.get(g.serverGroupId);
        if (first && first.type !== g.type) {
            c.fail(`${at}.type`, g.type, `${g.serverGroupId} is listed as ${first.type} at ${first.path}; a server group has one type`);
        } else if (!first) typeOf.set(g.serverGroupId, { type: g.type, path: at });
        const identity = `${g.type}/${g.serverGroupId}/${g.type === "GWLB" ? GWLB_PORT : String(g.port)}`;
        const dup = seen.get(identity);
        if (dup !== undefined)
            c.fail(
                at,
                { serverGroupId: g.serverGroupId, type: g.type, port: g.port },
                `duplicates ${dup}; each (serverGroupId, type, port) may appear once`,
            );
        else seen.set(identity, at);
    });
}

/** The sorted entries of a `serverGroups` list or its keyed form, default weights filled in. */
export function toServerGroupEntries(value: unknown): ServerGroupEntry[] {
    return (itemsOf(value) as ServerGroup[]).map(entryOf).sort(compare);
}

/** One entry as users write it: ALB/NLB with port and weight, GWLB with neither. */
function itemOf(e: ServerGroupEntry): ServerGroup {
    return isGwlb(e)
        ? { serverGroupId: e.serverGroupId, type: e.type }
        : { serverGroupId: e.serverGroupId, type: e.type, port: e.port, weight: e.weight };
}

/** The canonical `serverGroups` list: sorted, each entry as `itemOf` writes it. */
export function toServerGroups(entries: readonly ServerGroupEntry[]): ServerGroup[] {
    return [...entries].sort(compare).map(itemOf);
}

/** `ServerGroup.N.*` for one call (≤ 5 entries); GWLB entries name no port and no weight. */
export function serverGroupParams(entries: readonly ServerGroupEntry[], attaching: boolean): Record<string, string> {
    if (entries.length > MAX_SERVER_GROUPS_PER_CALL)
        throw new Error(`one call may name at most ${MAX_SERVER_GROUPS_PER_CALL} server groups; split them first`);
    const params: Record<string, string> = {};
    entries.forEach((e, i) => {
        const at = `${LIST_PARAMETER}.${i + 1}`;
        params[`${at}.ServerGroupId`] = e.serverGroupId;
        params[`${at}.Type`] = e.type;
        if (isGwlb(e)) return;
        params[`${at}.Port`] = String(e.port);
        if (attaching) params[`${at}.Weight`] = String(e.weight);
    });
    return params;
}

export const serverGroups: Kind<ServerGroupEntry> = {
    name: "server-group",
    noun: "server group",
    field: "serverGroups",
    attachAction: "AttachServerGroups",
    detachAction: "DetachServerGroups",
    detachTakesClientToken: true,
    key,
    compare,
    entriesOf: toServerGroupEntries,
    toState: toServerGroups,
    toInputs: (entries) => keyed(entries, { key, compare }, itemOf),
    split: (entries) => chunks(entries, MAX_SERVER_GROUPS_PER_CALL),
    params: serverGroupParams,
    attached: (sg) =>
        wrappedList(sg.ServerGroups, "ServerGroup").map((g) => {
            const type = String(g.Type) as ServerGroupType;
            return type === "GWLB"
                ? { serverGroupId: String(g.ServerGroupId), type, port: GWLB_PORT }
                : { serverGroupId: String(g.ServerGroupId), type, port: Number(g.Port), weight: Number(g.Weight) };
        }),
    progressLabel: (e) => (isGwlb(e) ? `${e.serverGroupId} (GWLB)` : `${e.serverGroupId}:${e.port}`),
    previewLabel: (e) => (isGwlb(e) ? `GWLB ${e.serverGroupId}` : `${e.type} ${e.serverGroupId} port ${e.port} weight ${e.weight}`),
    validate: (raw, fallbackRegion) => validateAttachment(serverGroups, raw, fallbackRegion, checkServerGroups),
};
