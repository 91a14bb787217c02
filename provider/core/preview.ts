// What a preview tells a reviewer, per entry. The engine shows a list diff by position, so removing
// one entry reads as every later entry changing into the next one; these lines name each entry the
// update will detach or attach, with the force flag it will send. Pure: no I/O, no API call.
import { changesBetween } from "./changes";
import { listOf, type Attachment, type Kind, type KindEntry } from "./kind";
import { containsUnknown } from "./unknown";

/**
 * One line per entry the update will change, e.g. `detach lb-api/rsp-api-8080 port 8080 weight 30
 * (ForceDetach=true)`. Empty when the entries stay as they are, or when they are not known yet.
 * `olds` is the state: after a refresh found an entry detached out of band, it lacks that entry,
 * and the line shows the update attaching it again.
 */
export function linesOf<E extends KindEntry>(
    kind: Pick<Kind<E>, "field" | "key" | "entries" | "shown">,
    olds: Attachment,
    news: Attachment,
): string[] {
    if (containsUnknown(listOf(news, kind.field)) || olds.region !== news.region || olds.scalingGroupId !== news.scalingGroupId) return [];
    const { detach, attach } = changesBetween(kind.key, kind.entries(listOf(olds, kind.field)), kind.entries(listOf(news, kind.field)));
    const reattached = new Map(attach.map((e) => [kind.key(e), e]));
    const lines: string[] = [];
    for (const e of detach) {
        const again = reattached.get(kind.key(e));
        if (again) {
            // A weight change: ESS cannot re-weight an attached group. Without forceAttach the
            // instances stay behind the load balancer (ForceDetach=false) rather than be stranded.
            const forceDetach = news.forceAttach && news.forceDetach;
            lines.push(
                `re-weight ${kind.shown(e)} -> weight ${again.weight}: detach (ForceDetach=${forceDetach}), then attach (ForceAttach=${news.forceAttach})`,
            );
            reattached.delete(kind.key(e));
        } else {
            lines.push(`detach ${kind.shown(e)} (ForceDetach=${news.forceDetach})`);
        }
    }
    for (const e of reattached.values()) lines.push(`attach ${kind.shown(e)} (ForceAttach=${news.forceAttach})`);
    for (const flag of ["forceAttach", "forceDetach"] as const) {
        if (lines.length === 0 && olds[flag] !== news[flag]) lines.push(`${flag} ${olds[flag]} -> ${news[flag]}: recorded, no API call`);
    }
    return lines;
}
