// What `pulumi preview --diff` shows a reviewer, for each kind: removing one entry (the first in
// sort order, where a list diffed by position read as every later entry changing into the next),
// adding one (sorting first too) and re-weighting one. The engine diffs the inputs state holds with
// the ones `check` returns, objects by key: only the changed entry is marked (`-`, `+`, `~`), and
// the others are printed unmarked, as every unchanged property is.
import * as fs from "node:fs";
import { DEMO_FIXTURE, startEmulator, type Emulator, type StateSeed } from "../../emulator";
import { PulumiCli } from "../../harness/e2e/cli";
import { callCounts, emulatorClient, entry } from "../../harness/provider-env";
import { entryLines, initStack, markedLines, programFolder } from "./program";

jest.setTimeout(900_000);

const STACK = "dev";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupLoadBalancers, ScalingGroupServerGroups, ScalingGroupVServerGroups } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
const scalingGroupId = "asg-demo";
const web = new ScalingGroupVServerGroups("web", { scalingGroupId, vserverGroups: config.requireObject("vserverGroups") });
const traffic = new ScalingGroupServerGroups("traffic", { scalingGroupId, serverGroups: config.requireObject("serverGroups") });
const classic = new ScalingGroupLoadBalancers("classic", { scalingGroupId, loadBalancers: config.requireObject("loadBalancers") });

// Each output is a list in a preview too, where the engine hands back the inputs \`check\` returned (keyed) as outputs.
export const lists = pulumi.all([web.vserverGroups, traffic.serverGroups, classic.loadBalancers] as pulumi.Output<unknown>[]).apply((outputs) => {
    const other = outputs.find((v) => !Array.isArray(v));
    if (other) throw new Error(\`an output is not a list: \${JSON.stringify(other)}\`);
    return outputs.length;
});
`;

/** The demo cloud, plus what the cases add: a load balancer and a server group that sort first, three classic load balancers. */
const SEED: StateSeed = {
    ...DEMO_FIXTURE,
    loadBalancers: [
        ...(DEMO_FIXTURE.loadBalancers ?? []),
        { loadBalancerId: "lb-admin", regionId: "cn-hangzhou", vServerGroups: ["rsp-admin-22"] },
        ...["lb-clb-1", "lb-clb-2", "lb-clb-3"].map((loadBalancerId) => ({ loadBalancerId, regionId: "cn-hangzhou" })),
    ],
    serverGroups: [...(DEMO_FIXTURE.serverGroups ?? []), { serverGroupId: "sgp-alb-admin", type: "ALB", regionId: "cn-hangzhou" }],
};

type Entries = { vserverGroups: unknown[]; serverGroups: unknown[]; loadBalancers: unknown[] };

/** The program's entries before each change: examples/basic's VServer groups, examples/server-groups' server groups. */
const BASE: Entries = {
    vserverGroups: [
        {
            loadbalancerId: "lb-web",
            vserverAttributes: [
                { vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
                { vserverGroupId: "rsp-web-443", port: 443 },
            ],
        },
        { loadbalancerId: "lb-api", vserverAttributes: [{ vserverGroupId: "rsp-api-8080", port: 8080, weight: 30 }] },
    ],
    serverGroups: [
        { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 50 },
        { serverGroupId: "sgp-alb-api", type: "ALB", port: 8080 },
        { serverGroupId: "sgp-gwlb-fw", type: "GWLB" },
        { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 9000, weight: 30 },
    ],
    loadBalancers: [{ loadBalancerId: "lb-clb-2" }, { loadBalancerId: "lb-clb-3", weight: 40 }],
};

const CASES: Record<string, Entries> = {
    // Each list without the entry that sorts first.
    remove: {
        vserverGroups: [BASE.vserverGroups[0]],
        serverGroups: BASE.serverGroups.filter((g) => (g as { serverGroupId: string }).serverGroupId !== "sgp-alb-api"),
        loadBalancers: [BASE.loadBalancers[1]],
    },
    // Each list with one more entry, sorting first.
    add: {
        vserverGroups: [
            ...BASE.vserverGroups,
            { loadbalancerId: "lb-admin", vserverAttributes: [{ vserverGroupId: "rsp-admin-22", port: 22, weight: 10 }] },
        ],
        serverGroups: [...BASE.serverGroups, { serverGroupId: "sgp-alb-admin", type: "ALB", port: 22, weight: 10 }],
        loadBalancers: [...BASE.loadBalancers, { loadBalancerId: "lb-clb-1", weight: 10 }],
    },
    // One entry of each list with another weight.
    reweight: {
        vserverGroups: [
            {
                loadbalancerId: "lb-web",
                vserverAttributes: [
                    { vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
                    { vserverGroupId: "rsp-web-443", port: 443, weight: 20 },
                ],
            },
            BASE.vserverGroups[1],
        ],
        serverGroups: BASE.serverGroups.map((g) =>
            (g as { serverGroupId: string }).serverGroupId === "sgp-nlb-tcp" ? { ...(g as object), weight: 60 } : g,
        ),
        loadBalancers: [BASE.loadBalancers[0], { loadBalancerId: "lb-clb-3", weight: 80 }],
    },
};

let cli: PulumiCli;
let emulator: Emulator;
let dir: string;

const pulumi = (args: string[]) => cli.run([...args, "--stack", STACK], { cwd: dir });

async function setEntries(entries: Entries): Promise<void> {
    for (const [field, list] of Object.entries(entries)) await pulumi(["config", "set", field, JSON.stringify(list)]);
}

/** Per case, per resource type: the field, every line the diff marks, and the progress line that goes with it. */
const EXPECTED: Record<string, Record<string, { field: string; lines: string[]; progress: string }>> = {
    remove: {
        ScalingGroupVServerGroups: {
            field: "vserverGroups",
            lines: entryLines("-", "lb-api/rsp-api-8080/8080", {
                loadbalancerId: "lb-api",
                vserverGroupId: "rsp-api-8080",
                port: 8080,
                weight: 30,
            }),
            progress: "will detach lb-api/rsp-api-8080 port 8080 weight 30",
        },
        ScalingGroupServerGroups: {
            field: "serverGroups",
            lines: entryLines("-", "ALB/sgp-alb-api/8080", { serverGroupId: "sgp-alb-api", type: "ALB", port: 8080, weight: 50 }),
            progress: "will detach ALB sgp-alb-api port 8080 weight 50",
        },
        ScalingGroupLoadBalancers: {
            field: "loadBalancers",
            lines: entryLines("-", "lb-clb-2", { loadBalancerId: "lb-clb-2", weight: 50 }),
            progress: "will detach lb-clb-2 weight 50",
        },
    },
    add: {
        ScalingGroupVServerGroups: {
            field: "vserverGroups",
            lines: entryLines("+", "lb-admin/rsp-admin-22/22", {
                loadbalancerId: "lb-admin",
                vserverGroupId: "rsp-admin-22",
                port: 22,
                weight: 10,
            }),
            progress: "will attach lb-admin/rsp-admin-22 port 22 weight 10",
        },
        ScalingGroupServerGroups: {
            field: "serverGroups",
            lines: entryLines("+", "ALB/sgp-alb-admin/22", { serverGroupId: "sgp-alb-admin", type: "ALB", port: 22, weight: 10 }),
            progress: "will attach ALB sgp-alb-admin port 22 weight 10",
        },
        ScalingGroupLoadBalancers: {
            field: "loadBalancers",
            lines: entryLines("+", "lb-clb-1", { loadBalancerId: "lb-clb-1", weight: 10 }),
            progress: "will attach lb-clb-1 weight 10",
        },
    },
    reweight: {
        ScalingGroupVServerGroups: {
            field: "vserverGroups",
            lines: ["~ lb-web/rsp-web-443/443: {", "~ weight: 50 => 20"],
            progress: "will re-weight lb-web/rsp-web-443 port 443 weight 50 -> weight 20",
        },
        ScalingGroupServerGroups: {
            field: "serverGroups",
            lines: ["~ NLB/sgp-nlb-tcp/9000: {", "~ weight: 30 => 60"],
            progress: "will re-weight NLB sgp-nlb-tcp port 9000 weight 30 -> weight 60",
        },
        ScalingGroupLoadBalancers: {
            field: "loadBalancers",
            lines: ["~ lb-clb-3: {", "~ weight: 40 => 80"],
            progress: "will re-weight lb-clb-3 weight 40 -> weight 80",
        },
    },
};

beforeAll(async () => {
    emulator = await startEmulator({ state: SEED });
    cli = await PulumiCli.start({ ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint });
    dir = programFolder("preview-diff", PROGRAM);
    await initStack({ cli, emulator, dir, stack: STACK, config: BASE });
    await pulumi(["up", "--yes"]);
});

afterAll(async () => {
    await cli?.run(["destroy", "--yes", "--stack", STACK], { cwd: dir, allowFailure: true });
    await cli?.run(["stack", "rm", "--yes", "--force", "--stack", STACK], { cwd: dir, allowFailure: true });
    await cli?.cleanup();
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test.each(Object.keys(CASES))("%s one entry: each kind's diff marks that entry only, and no API call is made", async (name) => {
    await setEntries(CASES[name]);
    emulator.control.clearCalls();
    const preview = await pulumi(["preview", "--diff"]);
    console.log(`pulumi preview --diff, ${name} one entry of each kind:\n${preview.stdout}`);
    expect(callCounts(emulator)).toEqual({});
    for (const [type, { field, lines, progress }] of Object.entries(EXPECTED[name])) {
        expect([type, markedLines(preview.stdout, type, field)]).toEqual([type, [`~ ${field}: {`, ...lines]]);
        expect(preview.output).toContain(progress);
    }
});

test("a refresh that finds an entry detached out of band: the diff marks that entry only; after the up, no change", async () => {
    await setEntries(CASES.remove);
    await pulumi(["up", "--yes"]);
    await emulatorClient(emulator).detach("asg-demo", [entry("lb-web", "rsp-web-80", 80)], false);
    await pulumi(["refresh", "--yes"]); // `read` returns the inputs too, keyed as `check` makes them
    emulator.control.clearCalls();
    const drift = await pulumi(["preview", "--diff"]);
    const web80 = { loadbalancerId: "lb-web", vserverGroupId: "rsp-web-80", port: 80, weight: 50 };
    expect(markedLines(drift.stdout, "ScalingGroupVServerGroups", "vserverGroups")).toEqual([
        "~ vserverGroups: {",
        ...entryLines("+", "lb-web/rsp-web-80/80", web80),
    ]);
    expect(drift.output).toContain("will attach lb-web/rsp-web-80 port 80 weight 50");
    expect(callCounts(emulator)).toEqual({});
    await pulumi(["up", "--yes"]);
    const after = await pulumi(["preview", "--diff"]);
    expect(after.stdout).not.toMatch(/dynamic\/ess:\w+: \(update\)/);
    expect(after.stdout).toMatch(/4 unchanged/);
});
