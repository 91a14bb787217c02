// What a preview tells a reviewer, per entry. The engine's diff marks the entries that change (the
// inputs hold them keyed, see `Kind.toInputs`); these lines say what the update will do with each
// (detach, attach, re-weight) and the force flag it will send. Pure: no I/O, no API call.
import { changesBetween } from "./changes";
import { fieldOf, type Attachment, type Kind, type KindEntry } from "./kind";
import { containsUnknown } from "./unknown";

/**
 * One line per entry the update will change, e.g. `detach lb-api/rsp-api-8080 port 8080 weight 30
 * (ForceDetach=true)`. Empty when the entries stay as they are, or when they are not known yet.
 * `olds` is the state: after a refresh found an entry detached out of band, it lacks that entry,
 * and the line shows the update attaching it again.
 */
export function linesOf<E extends KindEntry>(
    kind: Pick<Kind<E>, "field" | "key" | "entriesOf" | "previewLabel">,
    olds: Attachment,
    news: Attachment,
): string[] {
    if (containsUnknown(fieldOf(news, kind.field)) || olds.region !== news.region || olds.scalingGroupId !== news.scalingGroupId) return [];
    const { detach, attach } = changesBetween(
        kind.key,
        kind.entriesOf(fieldOf(olds, kind.field)),
        kind.entriesOf(fieldOf(news, kind.field)),
    );
    const reattached = new Map(attach.map((e) => [kind.key(e), e]));
    const lines: string[] = [];
    for (const e of detach) {
        const again = reattached.get(kind.key(e));
        if (again) {
            // A weight change: ESS cannot re-weight an attached group. The detach takes the instances
            // only when the attach puts them back with the new weight (forceAttach), else they stay.
            const forceDetach = news.forceAttach;
            lines.push(
                `re-weight ${kind.previewLabel(e)} -> weight ${again.weight}: detach (ForceDetach=${forceDetach}), then attach (ForceAttach=${news.forceAttach})`,
            );
            reattached.delete(kind.key(e));
        } else {
            lines.push(`detach ${kind.previewLabel(e)} (ForceDetach=${news.forceDetach})`);
        }
    }
    for (const e of reattached.values()) lines.push(`attach ${kind.previewLabel(e)} (ForceAttach=${news.forceAttach})`);
    for (const flag of ["forceAttach", "forceDetach"] as const) {
        if (lines.length === 0 && olds[flag] !== news[flag]) lines.push(`${flag} ${olds[flag]} -> ${news[flag]}: recorded, no API call`);
    }
    return lines;
}
