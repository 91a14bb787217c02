// Pure input rules. Every failure names the field path, the value it got and the rule it broke.
import { containsUnknown, toEntries, toVServerGroups, UNKNOWN, type AttachmentInputs, type VServerGroup } from "./model";

export interface CheckFailure {
    property: string;
    reason: string;
}

const TOP_LEVEL_FIELDS = ["scalingGroupId", "region", "vserverGroups", "forceAttach", "forceDetach"];
const GROUP_FIELDS = ["loadbalancerId", "vserverAttributes"];
const ATTRIBUTE_FIELDS = ["vserverGroupId", "port", "weight"];
const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

function show(value: unknown): string {
    if (value === undefined) return "undefined";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Checker {
    readonly failures: CheckFailure[] = [];

    fail(path: string, value: unknown, rule: string): void {
        this.failures.push({ property: path, reason: `${path} is ${show(value)}: ${rule}` });
    }

    noUnknownFields(path: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
        for (const key of Object.keys(obj)) {
            if (key === "__provider" && path === "") continue;
            if (!allowed.includes(key)) {
                const field = path ? `${path}.${key}` : key;
                this.fail(field, obj[key], `unknown field; allowed fields are ${allowed.join(", ")}`);
            }
        }
    }

    id(path: string, value: unknown): value is string {
        if (isUnknown(value)) return false;
        if (typeof value !== "string" || value.length === 0) {
            this.fail(path, value, "must be a non-empty string");
            return false;
        }
        if (!ID_PATTERN.test(value)) {
            this.fail(path, value, "must be an Alibaba Cloud resource ID (letters, digits, '-', '_', '.', ':'; no spaces)");
            return false;
        }
        return true;
    }

    integer(path: string, value: unknown, min: number, max: number): value is number {
        if (isUnknown(value)) return false;
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            this.fail(path, value, `must be an integer from ${min} to ${max}`);
            return false;
        }
        return true;
    }

    boolean(path: string, value: unknown): void {
        if (value !== undefined && !isUnknown(value) && typeof value !== "boolean") {
            this.fail(path, value, "must be a boolean (true or false)");
        }
    }

    list(path: string, value: unknown): value is unknown[] {
        if (isUnknown(value)) return false;
        if (!Array.isArray(value) || value.length === 0) {
            this.fail(path, value, "must be a non-empty list");
            return false;
        }
        return true;
    }
}

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
    if (!isRecord(raw)) {
        c.fail("(inputs)", raw, "must be an object");
        return { failures: c.failures };
    }
    c.noUnknownFields("", raw, TOP_LEVEL_FIELDS);
    c.id("scalingGroupId", raw.scalingGroupId);

    const region = raw.region ?? fallbackRegion;
    if (region === undefined) {
        c.fail(
            "region",
            region,
            "no region is set: give the `region` input, or set config alicloud:region, or env ALIBABA_CLOUD_REGION_ID",
        );
    } else if (!isUnknown(region) && (typeof region !== "string" || !REGION_PATTERN.test(region))) {
        c.fail("region", region, "must be a region ID such as cn-hangzhou");
    }

    const groups = raw.vserverGroups;
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
    c.boolean("forceAttach", raw.forceAttach);
    c.boolean("forceDetach", raw.forceDetach);

    if (c.failures.length > 0) return { failures: c.failures };
    const inputs: AttachmentInputs = {
        scalingGroupId: raw.scalingGroupId as string,
        region: region as string,
        // Canonical order with explicit weights, so state and diffs line up whatever order the program uses.
        vserverGroups: containsUnknown(groups) ? (groups as VServerGroup[]) : toVServerGroups(toEntries(groups as VServerGroup[])),
        forceAttach: (raw.forceAttach as boolean | undefined) ?? false,
        forceDetach: (raw.forceDetach as boolean | undefined) ?? false,
    };
    return { inputs, failures: [] };
}
