// Pure input rules. Every failure names the field path, the value it got and the rule it broke.
import { Checker, isRecord, isUnknown, type CheckFailure } from "./core/checks";
import { containsUnknown, toEntries, toVServerGroups, type AttachmentInputs, type VServerGroup } from "./model";

export type { CheckFailure };

const TOP_LEVEL_FIELDS = ["scalingGroupId", "region", "vserverGroups", "forceAttach", "forceDetach"];
const GROUP_FIELDS = ["loadbalancerId", "vserverAttributes"];
const ATTRIBUTE_FIELDS = ["vserverGroupId", "port", "weight"];

function checkAttributes(c: Checker, path: string, value: unknown): void {
    if (!c.list(path, value)) return;
    value.forEach((attr, j) => {
        const at = `${path}[${j}]`;
        if (isUnknown(attr)) return;
        if (!isRecord(attr)) return c.fail(at, attr, "must be an object with vserverGroupId, port and optional weight");
        c.noUnknownFields(at, attr, ATTRIBUTE_FIELDS);
        c.id(`${at}.vserverGroupId`, attr.vserverGroupId);
        c.integer(`${at}.port`, attr.port, 1, 65535);
        if (attr.weight !== undefined) c.integer(`${at}.weight`, attr.weight, 0, 100);
    });
}

/** Rules that span entries: a triple at most once, and a VServer group under one load balancer only. */
function checkUniqueness(c: Checker, groups: unknown[]): void {
    const seenTriple = new Map<string, string>();
    const loadBalancerOfGroup = new Map<string, { lb: string; path: string }>();
    groups.forEach((group, i) => {
        if (!isRecord(group) || typeof group.loadbalancerId !== "string" || !Array.isArray(group.vserverAttributes)) return;
        const lb = group.loadbalancerId;
        group.vserverAttributes.forEach((attr: unknown, j: number) => {
            if (!isRecord(attr) || typeof attr.vserverGroupId !== "string" || typeof attr.port !== "number") return;
            const at = `vserverGroups[${i}].vserverAttributes[${j}]`;
            const triple = `${lb}/${attr.vserverGroupId}/${attr.port}`;
            const first = seenTriple.get(triple);
            if (first !== undefined) {
                c.fail(
                    at,
                    { loadbalancerId: lb, vserverGroupId: attr.vserverGroupId, port: attr.port },
                    `duplicates ${first}; each (loadbalancerId, vserverGroupId, port) may appear once`,
                );
            } else {
                seenTriple.set(triple, at);
            }
            const owner = loadBalancerOfGroup.get(attr.vserverGroupId);
            if (owner && owner.lb !== lb) {
                c.fail(
                    `${at}.vserverGroupId`,
                    attr.vserverGroupId,
                    `is also listed under load balancer ${owner.lb} at ${owner.path}; a VServer group belongs to one load balancer`,
                );
            } else if (!owner) {
                loadBalancerOfGroup.set(attr.vserverGroupId, { lb, path: at });
            }
        });
    });
}

/**
 * Validates raw inputs. Values the engine does not know yet (preview of a new stack) are let
 * through; they are checked again when known, before any API call.
 * `fallbackRegion` is the region from stack config or environment, used when the input has none.
 */
export function validateInputs(raw: unknown, fallbackRegion: string | undefined): { inputs?: AttachmentInputs; failures: CheckFailure[] } {
    const c = new Checker();
    const top = c.topLevel(raw, TOP_LEVEL_FIELDS, fallbackRegion);
    if (!top) return { failures: c.failures };
    const { input, region } = top;

    const groups = input.vserverGroups;
    if (c.list("vserverGroups", groups)) {
        groups.forEach((group, i) => {
            const at = `vserverGroups[${i}]`;
            if (isUnknown(group)) return;
            if (!isRecord(group)) return c.fail(at, group, "must be an object with loadbalancerId and vserverAttributes");
            c.noUnknownFields(at, group, GROUP_FIELDS);
            c.id(`${at}.loadbalancerId`, group.loadbalancerId);
            checkAttributes(c, `${at}.vserverAttributes`, group.vserverAttributes);
        });
        checkUniqueness(c, groups);
    }
    c.boolean("forceAttach", input.forceAttach);
    c.boolean("forceDetach", input.forceDetach);

    if (c.failures.length > 0) return { failures: c.failures };
    const inputs: AttachmentInputs = {
        scalingGroupId: input.scalingGroupId as string,
        region: region as string,
        // Canonical order with explicit weights, so state and diffs line up whatever order the program uses.
        vserverGroups: containsUnknown(groups) ? (groups as VServerGroup[]) : toVServerGroups(toEntries(groups as VServerGroup[])),
        forceAttach: (input.forceAttach as boolean | undefined) ?? false,
        forceDetach: (input.forceDetach as boolean | undefined) ?? false,
    };
    return { inputs, failures: [] };
}
