// SLB VServer groups (AttachVServerGroups / DetachVServerGroups): an entry is (load balancer,
// VServer group, port) plus its weight; calls name ≤ 5 load balancers × 5 groups; no scaling activity.
import type { Kind } from "../core/kind";
import { vserverGroupParams, vserverGroupsIn } from "../ess";
import { compareEntries, entryKey, toEntries, toVServerGroups, type Entry, type VServerGroup } from "../model";
import { splitIntoCalls } from "../plan";
import { shownEntry } from "../preview";
import { validateInputs } from "../validate";

export const vserverGroups: Kind<Entry> = {
    name: "vserver",
    noun: "VServer group",
    field: "vserverGroups",
    attachAction: "AttachVServerGroups",
    detachAction: "DetachVServerGroups",
    detachTakesClientToken: false,
    key: entryKey,
    compare: compareEntries,
    entries: (list) => toEntries(list as VServerGroup[]),
    list: toVServerGroups,
    split: splitIntoCalls,
    params: vserverGroupParams,
    attached: vserverGroupsIn,
    named: (e) => `${e.vserverGroupId}:${e.port}`,
    shown: shownEntry,
    validate: validateInputs,
};
