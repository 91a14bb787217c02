/**
 * The emulator driven by Alibaba's classic Go SDK (github.com/aliyun/alibaba-cloud-sdk-go, pinned
 * in harness/go-client/go.sum): typed requests of services/ess and services/slb, HMAC-SHA1, typed
 * response decoding from JSON and from XML, and CommonRequest for ESS 2022-02-22. Shapes and codes
 * follow the reference pages cited in test/compat/pop-core.test.ts; the XML layout follows
 * https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-describescalinggroups
 * (its XML response example).
 */
import { startEmulator, type Emulator } from "../../emulator";
import { buildGoClient, COMPAT_SEED, CREATED, KEY, REGION, runGoClient, type GoCall, type GoResult } from "../../harness/compat";

// A cold build compiles services/ess and services/slb (about a minute of CPU); later builds hit Go's cache.
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

let binary: string;
beforeAll(async () => {
    binary = await buildGoClient();
}, BUILD_TIMEOUT_MS);

let emu: Emulator;
beforeEach(async () => {
    emu = await startEmulator({ state: COMPAT_SEED, keys: [KEY] });
});
afterEach(() => emu.close());

const run = (calls: GoCall[]) => runGoClient(binary, emu.host, calls);
const ok = (result: GoResult) => {
    expect({ name: result.name, ok: result.ok, error: result.error, code: result.code }).toEqual({ name: result.name, ok: true });
    return result.response as Record<string, unknown>;
};

const WEB80 = { LoadBalancerId: "lb-web", VServerGroupAttribute: [{ VServerGroupId: "rsp-web-80", Port: "80", Weight: "30" }] };

describe.each([
    ["POST", "JSON"],
    ["GET", "JSON"],
    ["POST", "XML"],
    ["GET", "XML"],
] as const)("Go SDK typed requests, HMAC-SHA1, %s, %s", (method, format) => {
    const call = (name: string, action: string, request: Record<string, unknown>): GoCall => ({ name, action, method, format, request });

    it("ess: AttachVServerGroups, DescribeScalingGroups, DetachVServerGroups", async () => {
        const results = await run([
            call("attach", "ess.AttachVServerGroups", {
                RegionId: REGION,
                ScalingGroupId: "asg-web",
                ForceAttach: "true",
                VServerGroup: [WEB80],
            }),
            call("describe", "ess.DescribeScalingGroups", { RegionId: REGION, ScalingGroupId: ["asg-web"] }),
            call("detach", "ess.DetachVServerGroups", {
                RegionId: REGION,
                ScalingGroupId: "asg-web",
                ForceDetach: "true",
                VServerGroup: [WEB80],
            }),
        ]);
        expect(ok(results.attach).RequestId).toMatch(/^[0-9A-F-]{36}$/);
        const described = ok(results.describe);
        expect(described).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 10 });
        // What the SDK's typed structs decoded (services/ess/struct_scaling_group.go).
        expect((described.ScalingGroups as { ScalingGroup: unknown[] }).ScalingGroup).toEqual([
            expect.objectContaining({
                ScalingGroupId: "asg-web",
                ScalingGroupName: "web",
                RegionId: REGION,
                LifecycleState: "Active",
                MinSize: 1,
                MaxSize: 4,
                ActiveCapacity: 2,
                TotalCapacity: 2,
                CreationTime: CREATED,
                VpcId: "vpc-compat",
                VSwitchId: "vsw-a",
                VSwitchIds: { VSwitchId: ["vsw-a", "vsw-b"] },
                LoadBalancerIds: { LoadBalancerId: ["lb-classic"] },
                RemovalPolicies: { RemovalPolicy: ["OldestScalingConfiguration", "OldestInstance"] },
                VServerGroups: {
                    VServerGroup: [
                        {
                            LoadBalancerId: "lb-web",
                            VServerGroupAttributes: { VServerGroupAttribute: [{ VServerGroupId: "rsp-web-80", Port: 80, Weight: 30 }] },
                        },
                    ],
                },
            }),
        ]);
        ok(results.detach);
        expect(emu.control.scalingGroup("asg-web")?.vServerGroups).toEqual([]);
        const contentType = format === "XML" ? "text/xml;charset=utf-8" : "application/json;charset=utf-8";
        expect(Object.values(results).map((r) => [r.method, r.contentType])).toEqual(Array(3).fill([method, contentType]));
        expect(emu.control.calls().map((c) => [c.action, c.status, c.signatureAlgorithm])).toEqual([
            ["AttachVServerGroups", 200, "v1"],
            ["DescribeScalingGroups", 200, "v1"],
            ["DetachVServerGroups", 200, "v1"],
        ]);
    });

    it("slb: DescribeLoadBalancerAttribute, DescribeLoadBalancers, DescribeVServerGroups, DescribeVServerGroupAttribute", async () => {
        const results = await run([
            call("attribute", "slb.DescribeLoadBalancerAttribute", { RegionId: REGION, LoadBalancerId: "lb-web" }),
            call("list", "slb.DescribeLoadBalancers", { RegionId: REGION, LoadBalancerId: "lb-web" }),
            call("groups", "slb.DescribeVServerGroups", { RegionId: REGION, LoadBalancerId: "lb-web" }),
            call("group", "slb.DescribeVServerGroupAttribute", { RegionId: REGION, VServerGroupId: "rsp-web-443" }),
        ]);
        expect(ok(results.attribute)).toMatchObject({
            LoadBalancerId: "lb-web",
            LoadBalancerStatus: "active",
            Address: "10.0.0.10",
            NetworkType: "vpc",
            VpcId: "vpc-compat",
            CreateTime: CREATED,
            ListenerPorts: { ListenerPort: [80, 443] },
        });
        expect(ok(results.list)).toMatchObject({
            TotalCount: 1,
            LoadBalancers: { LoadBalancer: [expect.objectContaining({ LoadBalancerId: "lb-web", LoadBalancerStatus: "active" })] },
        });
        expect(ok(results.groups)).toMatchObject({
            VServerGroups: {
                VServerGroup: [
                    expect.objectContaining({ VServerGroupId: "rsp-web-80", VServerGroupName: "web-80" }),
                    expect.objectContaining({ VServerGroupId: "rsp-web-443", VServerGroupName: "web-443" }),
                ],
            },
        });
        expect(ok(results.group)).toMatchObject({ VServerGroupId: "rsp-web-443", LoadBalancerId: "lb-web" });
    });
});

describe("Go SDK errors (JSON)", () => {
    it("decodes each documented code with its HTTP status", async () => {
        const attach = (name: string, scalingGroupId: string, group: unknown): GoCall => ({
            name,
            action: "ess.AttachVServerGroups",
            request: { RegionId: REGION, ScalingGroupId: scalingGroupId, VServerGroup: [group] },
        });
        const results = await run([
            attach("noGroup", "asg-nope", { VServerGroupAttribute: [{ Port: "80" }] }),
            { name: "noScalingGroupId", action: "ess.DetachVServerGroups", request: { RegionId: REGION } },
            attach("noLoadBalancer", "asg-web", { ...WEB80, LoadBalancerId: "lb-nope" }),
            attach("stopped", "asg-web", {
                LoadBalancerId: "lb-stopped",
                VServerGroupAttribute: [{ VServerGroupId: "rsp-stopped", Port: "80" }],
            }),
            attach("quota", "asg-quota-1", {
                ...WEB80,
                VServerGroupAttribute: [...WEB80.VServerGroupAttribute, { VServerGroupId: "rsp-web-443", Port: "443" }],
            }),
            { name: "slbNotFound", action: "slb.DescribeLoadBalancerAttribute", request: { RegionId: REGION, LoadBalancerId: "lb-nope" } },
            { name: "version", action: "DescribeScalingGroups", product: "Ess", version: "2099-01-01", request: { RegionId: REGION } },
        ]);
        const outcome = (r: GoResult) => [r.httpStatus, r.code];
        expect(outcome(results.noGroup)).toEqual([404, "InvalidScalingGroupId.NotFound"]);
        expect(outcome(results.noScalingGroupId)).toEqual([400, "MissingParameter"]);
        expect(results.noScalingGroupId.message).toContain('"ScalingGroupId"');
        expect(outcome(results.noLoadBalancer)).toEqual([404, "InvalidLoadBalancerId.NotFound"]);
        expect(outcome(results.stopped)).toEqual([400, "IncorrectLoadBalancerStatus"]);
        expect(outcome(results.quota)).toEqual([400, "QuotaExceeded.VServerGroup"]);
        expect(outcome(results.slbNotFound)).toEqual([400, "InvalidLoadBalancerId.NotFound"]);
        expect(outcome(results.version)).toEqual([400, "InvalidVersion"]);
    });

    it("SignatureDoesNotMatch: the SDK finds its own string to sign in the message and blames the secret", async () => {
        const results = await run([
            { name: "wrong", action: "ess.DescribeScalingGroups", secret: "wrong-secret", request: { RegionId: REGION } },
        ]);
        expect([results.wrong.httpStatus, results.wrong.code]).toEqual([400, "SignatureDoesNotMatch"]);
        // sdk/errors/signature_does_not_match_wrapper.go: equal strings to sign mean a wrong secret, not an SDK bug.
        expect(results.wrong.recommend).toBe("InvalidAccessKeySecret: Please check you AccessKeySecret");
    });

    it("with Format=XML an error comes as the gateway's <Error> document", async () => {
        const results = await run([
            {
                name: "xml",
                action: "ess.DetachVServerGroups",
                format: "XML",
                request: { RegionId: REGION, ScalingGroupId: "asg-nope", VServerGroup: [WEB80] },
            },
        ]);
        expect(results.xml.httpStatus).toBe(404);
        // The classic SDK parses only JSON errors, so the message is the raw body, as with the real API.
        expect(results.xml.message).toMatch(
            /^<\?xml version="1.0" encoding="UTF-8"\?><Error><RequestId>[0-9A-F-]{36}<\/RequestId><HostId>ess.aliyuncs.com<\/HostId><Code>InvalidScalingGroupId.NotFound<\/Code><Message>The specified scaling group does not exist.<\/Message><Recommend>[^<]+<\/Recommend><\/Error>$/,
        );
    });
});

describe("Go SDK CommonRequest, ESS 2022-02-22", () => {
    it("attaches with VServerGroups.N.* and reads plain arrays back", async () => {
        const common = (name: string, action: string, request: Record<string, string>): GoCall => ({
            name,
            action,
            product: "Ess",
            version: "2022-02-22",
            request: { RegionId: REGION, ...request },
        });
        const results = await run([
            common("attach", "AttachVServerGroups", {
                ScalingGroupId: "asg-web",
                "VServerGroups.1.LoadBalancerId": "lb-web",
                "VServerGroups.1.VServerGroupAttributes.1.VServerGroupId": "rsp-web-443",
                "VServerGroups.1.VServerGroupAttributes.1.Port": "443",
            }),
            common("describe", "DescribeScalingGroups", { "ScalingGroupIds.1": "asg-web" }),
        ]);
        ok(results.attach);
        const body = JSON.parse(results.describe.response as string) as { ScalingGroups: Array<Record<string, unknown>> };
        expect(body.ScalingGroups).toHaveLength(1);
        expect(body.ScalingGroups[0]).toMatchObject({
            ScalingGroupId: "asg-web",
            VSwitchIds: ["vsw-a", "vsw-b"],
            LoadBalancerIds: ["lb-classic"],
            VServerGroups: [
                { LoadBalancerId: "lb-web", VServerGroupAttributes: [{ VServerGroupId: "rsp-web-443", Port: 443, Weight: 50 }] },
            ],
        });
    });
});
