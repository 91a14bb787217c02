// Input rules every kind shares. Every failure names the field path, the value it got and the rule it broke.
import { UNKNOWN } from "./unknown";

export interface CheckFailure {
    property: string;
    reason: string;
}

const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

function show(value: unknown): string {
    if (value === undefined) return "undefined";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class Checker {
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

    /**
     * The top level every kind shares: an object with only the `allowed` fields, a scaling group and
     * its region. Undefined (with a failure) when the inputs are no object.
     */
    topLevel(
        raw: unknown,
        allowed: readonly string[],
        fallbackRegion: string | undefined,
    ): { input: Record<string, unknown>; region: unknown } | undefined {
        if (!isRecord(raw)) {
            this.fail("(inputs)", raw, "must be an object");
            return undefined;
        }
        this.noUnknownFields("", raw, allowed);
        return { input: raw, region: this.scalingGroup(raw, fallbackRegion) };
    }

    /** The scaling group, its region (from the input or the stack's fallback); returns the region. */
    scalingGroup(raw: Record<string, unknown>, fallbackRegion: string | undefined): unknown {
        this.id("scalingGroupId", raw.scalingGroupId);
        const region = raw.region ?? fallbackRegion;
        if (region === undefined) {
            this.fail(
                "region",
                region,
                "no region is set: give the `region` input, or set config alicloud:region, or env ALIBABA_CLOUD_REGION_ID",
            );
        } else if (!isUnknown(region) && (typeof region !== "string" || !REGION_PATTERN.test(region))) {
            this.fail("region", region, "must be a region ID such as cn-hangzhou");
        }
        return region;
    }
}

/** More check failures than this are summed up in one line: 500 bad entries are one mistake repeated. */
export const MAX_CHECK_FAILURES = 20;

/**
 * The engine looks a failure's `property` up among the top-level inputs and prints its value
 * (`{<nil>}` for a nested path). A top-level field keeps its name; a nested path is left to the
 * reason (which starts with it), so the engine prints the message without a dump of the whole list.
 */
export function forEngine(failures: readonly CheckFailure[]): CheckFailure[] {
    const shown = failures.slice(0, MAX_CHECK_FAILURES).map((f) => ({
        property: /^[A-Za-z]+$/.test(f.property) ? f.property : "",
        reason: f.reason,
    }));
    const more = failures.length - shown.length;
    if (more > 0) {
        shown.push({
            property: "",
            reason: `and ${more} more problem${more === 1 ? "" : "s"} (${failures.length} in all) not shown; fix the ones above and run \`pulumi preview\` again`,
        });
    }
    return shown;
}
