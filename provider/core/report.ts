// What the provider tells the user. The dynamic-provider plugin has no engine log channel; the
// engine shows each line the plugin writes to stderr as an info message in `pulumi up` output.

/**
 * Scaling group IDs seen in this process. A program may mark one `pulumi.secret(...)`, and the
 * engine strips that mark before it calls a dynamic provider, so no progress line names any of them.
 */
const scalingGroups = new Set<string>();

export function unprintable(scalingGroupId: unknown): void {
    if (typeof scalingGroupId === "string" && scalingGroupId.length > 0) scalingGroups.add(scalingGroupId);
}

export function report(message: string): void {
    let line = message;
    for (const id of scalingGroups) line = line.split(id).join("the scaling group");
    if (process.env.ESS_VSERVER_GROUPS_QUIET !== "1") process.stderr.write(`ess-vserver-groups: ${line}\n`);
}
