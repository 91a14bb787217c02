// The preview lines of the VServer kind (see core/preview.ts).
import { linesOf } from "./core/preview";
import { entryKey, toEntries, type AttachmentInputs, type AttachmentState, type Entry, type VServerGroup } from "./model";

/** `lb-1/rsp-1 port 80 weight 50`: an entry in a preview line. */
export function shownEntry(e: Entry): string {
    return `${e.loadbalancerId}/${e.vserverGroupId} port ${e.port} weight ${e.weight}`;
}

/**
 * One line per entry the update will change, e.g. `detach lb-api/rsp-api-8080 port 8080 weight 30
 * (ForceDetach=true)`. Empty when the entries stay as they are, or when they are not known yet.
 */
export function previewLines(olds: AttachmentState, news: AttachmentInputs): string[] {
    return linesOf<Entry>(
        { field: "vserverGroups", key: entryKey, entries: (list) => toEntries(list as VServerGroup[]), shown: shownEntry },
        olds,
        news,
    );
}
