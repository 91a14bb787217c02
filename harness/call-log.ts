// Reading the emulator's call log; no provider module involved (the demo counts calls with it).
import type { Emulator } from "../emulator";

/** Calls by action, e.g. { DescribeScalingGroups: 1, AttachVServerGroups: 2 }. */
export function callCounts(emulator: Emulator): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of emulator.control.calls()) counts[c.action] = (counts[c.action] ?? 0) + 1;
    return counts;
}
