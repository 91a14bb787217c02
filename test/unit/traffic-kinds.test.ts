// The server-group and load-balancer kinds, pure parts: validation (the bad-input tables), canonical
// shapes, planning, per-call splitting, parameter encoding, reading DescribeScalingGroups, preview
// lines; and the scaling-activity wait with a fake clock.
import { serverGroups, serverGroupParams, type ServerGroupEntry } from "../../provider/kinds/server-groups/kind";
import { loadBalancers, loadBalancerParams, toLoadBalancerEntries } from "../../provider/kinds/load-balancers/kind";
import { changesBetween, reconcile } from "../../provider/lifecycle/changes";
import { linesOf } from "../../provider/lifecycle/preview";
import { waitForActivity } from "../../provider/client/activity";
import type { Attachment, Kind, KindEntry } from "../../provider/lifecycle/kind";
import { UNKNOWN } from "../../provider/lifecycle/unknown";
import {
    LOAD_BALANCER_BAD_INPUTS,
    SERVER_GROUP_BAD_INPUTS,
    validLoadBalancerArgs,
    validServerGroupArgs,
} from "../../harness/traffic-bad-inputs";
import type { BadInput } from "../../harness/bad-inputs";

process.env.ESS_VSERVER_GROUPS_QUIET = "1";

function expectRejected(kind: Kind<KindEntry>, c: BadInput) {
    const { inputs, failures } = kind.validate(c.args, c.noRegion ? undefined : "cn-hangzhou");
    expect(inputs).toBeUndefined();
    expect(failures.map((f) => f.property)).toContain(c.field);
    const failure = failures.find((f) => f.property === c.field)!;
    expect(failure.reason.startsWith(`${c.field} is `)).toBe(true);
    expect(failure.reason).toContain(c.valueShown);
    expect(failure.reason).toMatch(c.rule);
}

describe.each([
    ["server groups", serverGroups as Kind<KindEntry>, SERVER_GROUP_BAD_INPUTS],
    ["load balancers", loadBalancers as Kind<KindEntry>, LOAD_BALANCER_BAD_INPUTS],
])("%s: bad inputs", (_name, kind, cases) => {
    it("has at least 20 distinct cases", () => {
        expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
        expect(cases.length).toBeGreaterThanOrEqual(20);
    });
    it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => expectRejected(kind, c));
});

describe("server groups: good inputs", () => {
    it("canonical: sorted by id, ALB/NLB weights explicit, GWLB with neither port nor weight", () => {
        const { inputs, failures } = serverGroups.validate(validServerGroupArgs(), "cn-hangzhou");
        expect(failures).toEqual([]);
        expect(inputs).toEqual({
            scalingGroupId: "asg-demo",
            region: "cn-hangzhou",
            serverGroups: {
                "ALB/sgp-alb-web/80": { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 },
                "GWLB/sgp-gwlb-fw/6081": { serverGroupId: "sgp-gwlb-fw", type: "GWLB" },
                "NLB/sgp-nlb-tcp/8080": { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 8080, weight: 50 },
            },
            forceAttach: false,
            forceDetach: false,
        });
        const entries = serverGroups.entriesOf((inputs as Attachment & { serverGroups: unknown }).serverGroups);
        expect(serverGroups.toState(entries)).toEqual([
            { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 },
            { serverGroupId: "sgp-gwlb-fw", type: "GWLB" },
            { serverGroupId: "sgp-nlb-tcp", type: "NLB", port: 8080, weight: 50 },
        ]);
        expect(serverGroups.entriesOf(serverGroups.toState(entries))).toEqual(entries);
    });
    it("one server group on two ports is two entries", () => {
        const args = validServerGroupArgs();
        args.serverGroups.push({ serverGroupId: "sgp-alb-web", type: "ALB", port: 81 });
        expect(serverGroups.validate(args, "cn-hangzhou").failures).toEqual([]);
    });
    it("values not known yet pass, to be checked when known", () => {
        const args = validServerGroupArgs();
        args.serverGroups[0] = { serverGroupId: UNKNOWN, type: "ALB", port: UNKNOWN };
        expect(serverGroups.validate(args, "cn-hangzhou").failures).toEqual([]);
    });
});

describe("load balancers: good inputs", () => {
    it("canonical: sorted, default weight 50", () => {
        const { inputs } = loadBalancers.validate(validLoadBalancerArgs(), "cn-hangzhou");
        const keyedForm = (inputs as Attachment & { loadBalancers: unknown }).loadBalancers;
        expect(keyedForm).toEqual({
            "lb-classic": { loadBalancerId: "lb-classic", weight: 20 },
            "lb-other": { loadBalancerId: "lb-other", weight: 50 },
        });
        const entries = loadBalancers.entriesOf(keyedForm);
        expect(loadBalancers.toState(entries)).toEqual([
            { loadBalancerId: "lb-classic", weight: 20 },
            { loadBalancerId: "lb-other", weight: 50 },
        ]);
        expect(loadBalancers.entriesOf(loadBalancers.toState(entries))).toEqual(entries);
    });
});

const alb = (id: string, port: number, weight = 50): ServerGroupEntry => ({ serverGroupId: id, type: "ALB", port, weight });
const gwlb = (id: string): ServerGroupEntry => ({ serverGroupId: id, type: "GWLB", port: 6081 });

describe("planning", () => {
    it("a weight change is a detach and an attach; a GWLB entry (no weight) is the same entry", () => {
        const current = [alb("sgp-1", 80, 30), gwlb("sgp-g")];
        const desired = [alb("sgp-1", 80, 60), gwlb("sgp-g")];
        expect(changesBetween(serverGroups.key, current, desired)).toEqual({
            detach: [alb("sgp-1", 80, 30)],
            attach: [alb("sgp-1", 80, 60)],
        });
        expect(changesBetween(serverGroups.key, [gwlb("sgp-g")], [gwlb("sgp-g")])).toEqual({ detach: [], attach: [] });
    });
    it("reconcile leaves other owners' entries alone and adopts what is attached as declared", () => {
        const attached = [alb("sgp-other", 80), alb("sgp-1", 80)];
        expect(reconcile(serverGroups.key, attached, [], [alb("sgp-1", 80), alb("sgp-2", 81)])).toEqual({
            detach: [],
            attach: [alb("sgp-2", 81)],
        });
    });
    it("the same id on another port or type is another entry", () => {
        expect(serverGroups.key(alb("sgp-1", 80))).not.toBe(serverGroups.key(alb("sgp-1", 81)));
        expect(serverGroups.key(alb("sgp-1", 80))).not.toBe(serverGroups.key({ ...alb("sgp-1", 80), type: "NLB" }));
    });
});

describe("splitting to the per-call limits", () => {
    it.each([
        [1, [1]],
        [5, [5]],
        [6, [5, 1]],
        [12, [5, 5, 2]],
    ])("%i server groups → calls of %j", (n, sizes) => {
        const entries = Array.from({ length: n }, (_, i) => alb(`sgp-${i}`, 80));
        const calls = serverGroups.split(entries);
        expect(calls.map((c) => c.length)).toEqual(sizes);
        expect(calls.flat()).toEqual(entries);
    });
    it("11 load balancers → 5 + 5 + 1", () => {
        const entries = toLoadBalancerEntries(
            Array.from({ length: 11 }, (_, i) => ({ loadBalancerId: `lb-${String(i).padStart(2, "0")}` })),
        );
        expect(loadBalancers.split(entries).map((c) => c.length)).toEqual([5, 5, 1]);
    });
    it("the encoders refuse more than one call's worth", () => {
        expect(() =>
            serverGroupParams(
                Array.from({ length: 6 }, (_, i) => alb(`sgp-${i}`, 80)),
                true,
            ),
        ).toThrow(/at most 5 server groups/);
        expect(() =>
            loadBalancerParams(toLoadBalancerEntries(Array.from({ length: 6 }, (_, i) => ({ loadBalancerId: `lb-${i}` }))), true, false),
        ).toThrow(/at most 5 load balancers/);
    });
});

describe("parameter encoding", () => {
    it("ServerGroup.N.*: ALB with port and weight when attaching, port only when detaching; GWLB with neither", () => {
        expect(serverGroupParams([alb("sgp-1", 80, 30), gwlb("sgp-g")], true)).toEqual({
            "ServerGroup.1.ServerGroupId": "sgp-1",
            "ServerGroup.1.Type": "ALB",
            "ServerGroup.1.Port": "80",
            "ServerGroup.1.Weight": "30",
            "ServerGroup.2.ServerGroupId": "sgp-g",
            "ServerGroup.2.Type": "GWLB",
        });
        expect(serverGroupParams([alb("sgp-1", 80, 30)], false)).toEqual({
            "ServerGroup.1.ServerGroupId": "sgp-1",
            "ServerGroup.1.Type": "ALB",
            "ServerGroup.1.Port": "80",
        });
    });
    it("load balancers: LoadBalancerConfig.N.* to attach, LoadBalancer.N to detach, Async=true only with a force flag", () => {
        const entries = toLoadBalancerEntries([{ loadBalancerId: "lb-1", weight: 20 }]);
        expect(loadBalancerParams(entries, true, true)).toEqual({
            Async: "true",
            "LoadBalancerConfig.1.LoadBalancerId": "lb-1",
            "LoadBalancerConfig.1.Weight": "20",
        });
        expect(loadBalancerParams(entries, false, false)).toEqual({ "LoadBalancer.1": "lb-1" });
    });
});

describe("reading DescribeScalingGroups (2014-08-28 shape)", () => {
    const listing = {
        ServerGroups: {
            ServerGroup: [
                { ServerGroupId: "sgp-1", Type: "ALB", Port: 80, Weight: 30 },
                { ServerGroupId: "sgp-g", Type: "GWLB", Port: 6081 },
            ],
        },
        LoadBalancerIds: { LoadBalancerId: ["lb-2", "lb-1"] },
        LoadBalancerConfigs: {
            LoadBalancerConfig: [
                { LoadBalancerId: "lb-1", Weight: 20 },
                { LoadBalancerId: "lb-2", Weight: 50 },
            ],
        },
    };
    it("server groups, GWLB without weight", () => {
        expect(serverGroups.attached(listing)).toEqual([alb("sgp-1", 80, 30), gwlb("sgp-g")]);
    });
    it("load balancers with their weights", () => {
        expect(loadBalancers.attached(listing)).toEqual([
            { loadBalancerId: "lb-1", weight: 20 },
            { loadBalancerId: "lb-2", weight: 50 },
        ]);
    });
    it("no traffic fields: nothing attached", () => {
        expect(serverGroups.attached({})).toEqual([]);
        expect(loadBalancers.attached({})).toEqual([]);
    });
});

describe("preview lines", () => {
    const state = (list: ServerGroupEntry[], flags: Partial<Attachment> = {}) =>
        ({
            scalingGroupId: "asg-1",
            region: "cn-hangzhou",
            serverGroups: list,
            forceAttach: true,
            forceDetach: true,
            ...flags,
        }) as Attachment;
    it("names each entry with its type and the flag it will send", () => {
        expect(
            linesOf(serverGroups, state([alb("sgp-1", 80, 30), gwlb("sgp-g")]), state([alb("sgp-1", 80, 60), alb("sgp-2", 81)])),
        ).toEqual([
            "re-weight ALB sgp-1 port 80 weight 30 -> weight 60: detach (ForceDetach=true), then attach (ForceAttach=true)",
            "detach GWLB sgp-g (ForceDetach=true)",
            "attach ALB sgp-2 port 81 weight 50 (ForceAttach=true)",
        ]);
    });
});

describe("waiting for a scaling activity", () => {
    const policy = { totalTimeoutMs: 60_000, baseDelayMs: 500, maxDelayMs: 20_000 };
    function fakeClock() {
        let t = 0;
        const waits: number[] = [];
        return { waits, now: () => t, sleep: async (ms: number) => void (waits.push(ms), (t += ms)) };
    }
    const reader = (statuses: string[], message = "") => {
        let n = 0;
        return {
            polls: () => n,
            describeScalingActivity: async () => {
                const statusCode = statuses[Math.min(n++, statuses.length - 1)];
                return { statusCode, statusMessage: message, progress: statusCode === "InProgress" ? 50 : 100 };
            },
        };
    };
    it("ended at the first poll: 1 call, no wait", async () => {
        const clock = fakeClock();
        expect(await waitForActivity(reader(["Successful"]), "asg-1", "asa-1", "attaching 1 server group", policy, clock)).toBe(1);
        expect(clock.waits).toEqual([]);
    });
    it("polls with a doubling backoff from 200 ms, capped at max(1 s, 10% of the time waited) and 5 s", async () => {
        const clock = fakeClock();
        const r = reader([...Array<string>(30).fill("InProgress"), "Warning"]);
        expect(await waitForActivity(r, "asg-1", "asa-1", "x", policy, clock)).toBe(31);
        // 0.2, 0.6, 1.4 s, then a poll a second up to 10.4 s, then gaps of a tenth of the time waited.
        expect(clock.waits.slice(0, 14)).toEqual([200, 400, 800, ...Array<number>(9).fill(1000), 1040, 1144]);
        const at = clock.waits.reduce<number[]>((acc, w) => [...acc, (acc.at(-1) ?? 0) + w], []);
        clock.waits.forEach((w, i) => expect(w).toBeLessThanOrEqual(Math.max(1000, (at[i] - w) / 10) + 1));
        expect(Math.max(...clock.waits)).toBeLessThanOrEqual(5000);
    });
    it.each(["Failed", "Rejected"])("%s: throws with the activity's StatusMessage", async (status) => {
        await expect(
            waitForActivity(
                reader(["InProgress", status], "The instance is stopped."),
                "asg-1",
                "asa-9",
                "detaching 2 load balancers",
                policy,
                fakeClock(),
            ),
        ).rejects.toThrow(`scaling activity asa-9 (detaching 2 load balancers) ended ${status}: The instance is stopped.`);
    });
    it("still running when the retry budget is spent: says so and what to do", async () => {
        await expect(
            waitForActivity(reader(["InProgress"]), "asg-1", "asa-2", "x", { ...policy, totalTimeoutMs: 1000 }, fakeClock()),
        ).rejects.toThrow(/scaling activity asa-2 \(x\) is still InProgress after 1s: check it with DescribeScalingActivities/);
    });
});
