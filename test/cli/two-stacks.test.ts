// Two stacks of one program declare overlapping entries on one scaling group, through the `pulumi`
// CLI. The second stack's create adopts the entry the first attached and says so in `pulumi up`'s
// output; destroying the second stack then detaches it from under the first (each stack has its
// own provider process, so this is documented, not prevented), and the first stack's refresh finds it.
import * as fs from "node:fs";
import { DEMO_FIXTURE, startEmulator, type Emulator } from "../../emulator";
import { PulumiCli } from "../../harness/e2e/cli";
import { callCounts } from "../../harness/provider-env";
import { initStack, programFolder } from "./program";

jest.setTimeout(900_000);

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupVServerGroups, type VServerGroupArgs } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
const attachment = new ScalingGroupVServerGroups("web", {
    scalingGroupId: "asg-demo",
    vserverGroups: config.requireObject<VServerGroupArgs[]>("vserverGroups"),
    forceAttach: true,
    forceDetach: true,
});
export const vserverGroups = attachment.vserverGroups;
`;

const C1 = [{ loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: "rsp-web-80", port: 80 }] }];
const C2 = [
    {
        loadbalancerId: "lb-web",
        vserverAttributes: [
            { vserverGroupId: "rsp-web-80", port: 80 },
            { vserverGroupId: "rsp-web-443", port: 443 },
        ],
    },
    { loadbalancerId: "lb-api", vserverAttributes: [{ vserverGroupId: "rsp-api-8080", port: 8080, weight: 30 }] },
];

let cli: PulumiCli;
let emulator: Emulator;
let dir: string;

beforeAll(async () => {
    emulator = await startEmulator({ state: DEMO_FIXTURE });
    cli = await PulumiCli.start({ ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint });
    dir = programFolder("two-stacks", PROGRAM);
});
afterAll(async () => {
    await cli?.cleanup();
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const attached = () => (emulator.control.scalingGroup("asg-demo")?.vServerGroups ?? []).map((a) => `${a.vServerGroupId}:${a.port}`).sort();

async function stack(name: string, groups: unknown): Promise<void> {
    await initStack({ cli, emulator, dir, stack: name, config: { vserverGroups: groups } });
}

it("c2 adopts c1's rsp-web-80 and says so; destroying c2 detaches it; c1's refresh finds it gone", async () => {
    await stack("c1", C1);
    await stack("c2", C2);

    await cli.run(["up", "--yes", "--stack", "c1"], { cwd: dir });
    expect(attached()).toEqual(["rsp-web-80:80"]);

    emulator.control.clearCalls();
    const up = await cli.run(["up", "--yes", "--stack", "c2"], { cwd: dir });
    console.log(`c2's up:\n${up.output}`);
    expect(up.output).toContain(
        "ess-vserver-groups: adopting 1 VServer group already attached to the scaling group (rsp-web-80:80): this resource owns it now, " +
            "and deleting it will detach it (ForceDetach=true). To keep it attached on delete, set the retainOnDelete resource option or leave it out of vserverGroups",
    );
    expect(callCounts(emulator)).toEqual({ DescribeScalingGroups: 1, AttachVServerGroups: 1 });
    const [attach] = emulator.control.calls({ action: "AttachVServerGroups" });
    expect(Object.values(attach.params)).not.toContain("rsp-web-80"); // adopted, not attached again
    expect(attached()).toEqual(["rsp-api-8080:8080", "rsp-web-443:443", "rsp-web-80:80"]);

    await cli.run(["destroy", "--yes", "--stack", "c2"], { cwd: dir });
    expect(attached()).toEqual([]);
    expect(emulator.control.backendServers("rsp-web-80")).toEqual([]);

    const refresh = await cli.run(["refresh", "--yes", "--stack", "c1"], { cwd: dir });
    expect(refresh.output).toContain(
        "1 owned entry no longer attached as declared (lb-web/rsp-web-80/80): the next `pulumi up` attaches it again",
    );
    await cli.run(["up", "--yes", "--stack", "c1"], { cwd: dir });
    expect(attached()).toEqual(["rsp-web-80:80"]);
    await cli.run(["destroy", "--yes", "--stack", "c1"], { cwd: dir });
    expect(attached()).toEqual([]);
    for (const name of ["c1", "c2"]) await cli.run(["stack", "rm", "--yes", "--stack", name], { cwd: dir });
});
