import { quietly, redacted, redactFromOutput, report, reportedOnce } from "../../provider/lifecycle/report";

function stderrOf(run: () => void): string {
    const write = process.stderr.write;
    let text = "";
    process.stderr.write = ((chunk: string) => {
        text += chunk;
        return true;
    }) as typeof process.stderr.write;
    try {
        run();
    } finally {
        process.stderr.write = write;
    }
    return text;
}

test("progress lines never name a scaling group the provider has seen (it may be a secret)", () => {
    const quiet = process.env.ESS_VSERVER_GROUPS_QUIET;
    delete process.env.ESS_VSERVER_GROUPS_QUIET;
    try {
        redactFromOutput("asg-hush7q2zk");
        const text = stderrOf(() => report("detaching 1 VServer group from asg-hush7q2zk in 1 call (ForceDetach=true)"));
        expect(text).toBe("ess-vserver-groups: detaching 1 VServer group from the scaling group in 1 call (ForceDetach=true)\n");
    } finally {
        if (quiet !== undefined) process.env.ESS_VSERVER_GROUPS_QUIET = quiet;
    }
});

test("errors redact a scaling group ID as progress lines do, the whole ID only", () => {
    redactFromOutput("asg-a");
    const err = redacted(new Error("scaling group asg-a does not exist; activity on asg-a ended: instance i-asg-a-2 is not running"));
    expect(err.message).toBe("the scaling group does not exist; activity on the scaling group ended: instance i-asg-a-2 is not running");
    expect(err.stack).not.toMatch(/[^-]asg-a[^-]/);
});

test("the dynamic-provider server's echo of an error the engine reports is dropped; other stderr lines pass", async () => {
    const printed: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => printed.push(args);
    try {
        const failing = quietly(async () => {
            throw new Error("DetachVServerGroups failed: InternalError");
        });
        const err = (await failing().catch((e: unknown) => e)) as Error;
        console.error(`${err}: ${err.stack}`); // what cmd/dynamic-provider does before answering the engine
        console.error("something else");
        const other = new Error("not ours");
        console.error(`${other}: ${other.stack}`);
        expect(printed).toEqual([["something else"], [`${other}: ${other.stack}`]]);
        expect(reportedOnce("not an error")).toBe("not an error");
    } finally {
        console.error = original;
    }
});
