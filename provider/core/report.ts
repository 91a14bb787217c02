// What the provider tells the user. The dynamic-provider plugin has no engine log channel; the
// engine shows each line the plugin writes to stderr as an info message in `pulumi up` output.
export function report(message: string): void {
    if (process.env.ESS_VSERVER_GROUPS_QUIET !== "1") process.stderr.write(`ess-vserver-groups: ${message}\n`);
}
