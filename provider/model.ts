// The plain shapes the engine hands the provider: checked inputs, and the state it keeps.
import type { VServerGroup } from "./plan";

/** Inputs after `check`: validated, with the region resolved. */
export interface AttachmentInputs {
    scalingGroupId: string;
    region: string;
    vserverGroups: VServerGroup[];
    forceAttach: boolean;
    forceDetach: boolean;
}

/**
 * What the state records. `vserverGroups` lists the entries this resource owns that are attached,
 * in canonical order with explicit weights; after a partial failure or a refresh it may hold fewer
 * entries than the inputs, and the next update attaches the rest.
 */
export type AttachmentState = AttachmentInputs;

/** How the engine marks a value that is not known yet during preview (`@pulumi/pulumi` runtime). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
    return false;
}
