/**
 * The emulator driven by @alicloud/pop-core (RPCClient: HMAC-SHA1, parameters in the GET query
 * or a POST form), a client this project does not use itself. Every response shape is the one the
 * official API reference documents:
 *   ESS 2014-08-28 https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-attachvservergroups
 *                  https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-detachvservergroups
 *                  https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-describescalinggroups
 *   ESS 2022-02-22 https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2022-02-22-attachvservergroups
 *                  https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2022-02-22-describescalinggroups
 *   SLB 2014-05-15 https://www.alibabacloud.com/help/en/slb/classic-load-balancer/developer-reference/api-slb-2014-05-15-describeloadbalancerattribute
 *                  https://www.alibabacloud.com/help/en/slb/classic-load-balancer/developer-reference/api-slb-2014-05-15-describeloadbalancers
 *                  https://www.alibabacloud.com/help/en/slb/classic-load-balancer/developer-reference/api-slb-2014-05-15-describevservergroups
 */
import RPCClient from "@alicloud/pop-core";
import { startEmulator, type Emulator } from "../../emulator";
import { COMPAT_SEED, CREATED, KEY, REGION } from "../../harness/compat";
import { describedGroup2014, describedGroup2022, ERROR_CASES, WEB80 } from "./cases";

const ESS = "2014-08-28";
const ESS_2022 = "2022-02-22";
const SLB = "2014-05-15";

type Body = Record<string, unknown>;
type Failure = { status: number; code: string; message: string; body: Body };

let emu: Emulator;
beforeEach(async () => {
    emu = await startEmulator({ state: COMPAT_SEED, keys: [KEY] });
});
afterEach(() => emu.close());

describe.each(["GET", "POST"] as const)("pop-core RPCClient, HMAC-SHA1, %s", (method) => {
    const call = (version: string, action: string, params: Body, secret = KEY.accessKeySecret) =>
        new RPCClient({ endpoint: emu.endpoint, apiVersion: version, accessKeyId: KEY.accessKeyId, accessKeySecret: secret }).request<Body>(
            action,
            params,
            { method, timeout: 10_000 },
        );
    const failure = async (version: string, action: string, params: Body, secret?: string): Promise<Failure> => {
        try {
            await call(version, action, params, secret);
        } catch (e) {
            const err = e as { code: string; data: Body; entry: { response: { statusCode: number } } };
            return { status: err.entry.response.statusCode, code: err.code, message: String(err.data.Message), body: err.data };
        }
        throw new Error(`${action} was expected to fail`);
    };

    it("2014-08-28: AttachVServerGroups, DescribeScalingGroups, DetachVServerGroups", async () => {
        const attach = await call(ESS, "AttachVServerGroups", { RegionId: REGION, ScalingGroupId: "asg-web", ForceAttach: true, ...WEB80 });
        expect(Object.keys(attach)).toEqual(["RequestId"]);
        expect(emu.control.backendServers("rsp-web-80").map((b) => [b.serverId, b.port, b.weight])).toEqual([
            ["i-web-1", 80, 30],
            ["i-web-2", 80, 30],
        ]);

        const described = await call(ESS, "DescribeScalingGroups", { RegionId: REGION, "ScalingGroupId.1": "asg-web" });
        expect(described).toEqual({
            RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
            TotalCount: 1,
            PageNumber: 1,
            PageSize: 10,
            ScalingGroups: { ScalingGroup: [describedGroup2014()] },
        });

        const detach = await call(ESS, "DetachVServerGroups", { RegionId: REGION, ScalingGroupId: "asg-web", ForceDetach: true, ...WEB80 });
        expect(Object.keys(detach)).toEqual(["RequestId"]);
        expect(emu.control.scalingGroup("asg-web")?.vServerGroups).toEqual([]);
        expect(emu.control.backendServers("rsp-web-80")).toEqual([]);
    });

    it("2022-02-22: VServerGroups.N.VServerGroupAttributes.M.* in, plain arrays out", async () => {
        const params2022 = {
            "VServerGroups.1.LoadBalancerId": "lb-web",
            "VServerGroups.1.VServerGroupAttributes.1.VServerGroupId": "rsp-web-80",
            "VServerGroups.1.VServerGroupAttributes.1.Port": 80,
            "VServerGroups.1.VServerGroupAttributes.1.Weight": 30,
        };
        const attach = await call(ESS_2022, "AttachVServerGroups", { RegionId: REGION, ScalingGroupId: "asg-web", ...params2022 });
        expect(Object.keys(attach)).toEqual(["RequestId"]);
        const described = await call(ESS_2022, "DescribeScalingGroups", { RegionId: REGION, "ScalingGroupIds.1": "asg-web" });
        expect(described).toEqual({
            RequestId: expect.any(String),
            TotalCount: 1,
            PageNumber: 1,
            PageSize: 10,
            ScalingGroups: [describedGroup2022()],
        });
        await call(ESS_2022, "DetachVServerGroups", { RegionId: REGION, ScalingGroupId: "asg-web", ...params2022 });
        expect(emu.control.scalingGroup("asg-web")?.vServerGroups).toEqual([]);
        // 2022-02-22 marks VServerGroups required; 2014-08-28's names are not 2022-02-22's.
        const missing = await failure(ESS_2022, "AttachVServerGroups", { RegionId: REGION, ScalingGroupId: "asg-web", ...WEB80 });
        expect([missing.status, missing.code, missing.message]).toEqual([
            400,
            "MissingParameter",
            'The input parameter "VServerGroups" that is mandatory for processing this request is not supplied.',
        ]);
    });

    it("SLB 2014-05-15: the reads a tool makes before attaching", async () => {
        const attribute = await call(SLB, "DescribeLoadBalancerAttribute", { RegionId: REGION, LoadBalancerId: "lb-web" });
        expect(attribute).toMatchObject({
            LoadBalancerId: "lb-web",
            LoadBalancerName: "web",
            LoadBalancerStatus: "active",
            RegionId: REGION,
            Address: "10.0.0.10",
            AddressType: "intranet",
            NetworkType: "vpc",
            VpcId: "vpc-compat",
            VSwitchId: "vsw-a",
            CreateTime: CREATED,
            CreateTimeStamp: Date.parse("2024-05-01T08:00:00Z"),
            ListenerPorts: { ListenerPort: [80, 443] },
            ListenerPortsAndProtocol: {
                ListenerPortAndProtocol: [
                    { ListenerPort: 80, ListenerProtocol: "http" },
                    { ListenerPort: 443, ListenerProtocol: "http" },
                ],
            },
            BackendServers: { BackendServer: [] },
        });

        const list = await call(SLB, "DescribeLoadBalancers", { RegionId: REGION, LoadBalancerId: "lb-web,lb-stopped" });
        expect(list).toMatchObject({ TotalCount: 2, PageNumber: 1, PageSize: 10 });
        const listed = (list.LoadBalancers as { LoadBalancer: Body[] }).LoadBalancer;
        expect(listed.map((lb) => [lb.LoadBalancerId, lb.LoadBalancerStatus])).toEqual([
            ["lb-web", "active"],
            ["lb-stopped", "inactive"],
        ]);
        const active = await call(SLB, "DescribeLoadBalancers", { RegionId: REGION, LoadBalancerStatus: "active" });
        expect(active.TotalCount).toBe(2);

        const groups = await call(SLB, "DescribeVServerGroups", { RegionId: REGION, LoadBalancerId: "lb-web" });
        expect((groups.VServerGroups as { VServerGroup: Body[] }).VServerGroup).toEqual([
            expect.objectContaining({ VServerGroupId: "rsp-web-80", VServerGroupName: "web-80", ServerCount: 0 }),
            expect.objectContaining({ VServerGroupId: "rsp-web-443", VServerGroupName: "web-443", ServerCount: 0 }),
        ]);

        const group = await call(SLB, "DescribeVServerGroupAttribute", { RegionId: REGION, VServerGroupId: "rsp-web-80" });
        expect(group).toMatchObject({ VServerGroupId: "rsp-web-80", LoadBalancerId: "lb-web", BackendServers: { BackendServer: [] } });
    });

    it.each(ERROR_CASES.map((c) => ({ ...c, label: `${c.code}: ${c.name}` })))(
        "$label",
        async ({ version, action, params, status, code, message, setup }) => {
            setup?.(emu.control);
            const err = await failure(version, action, params);
            expect([err.status, err.code]).toEqual([status, code]);
            if (message) expect(err.message).toBe(message);
            expect(err.body).toEqual({
                RequestId: expect.any(String),
                HostId: expect.any(String),
                Code: code,
                Message: expect.any(String),
                Recommend: expect.any(String),
            });
        },
    );

    it("SignatureDoesNotMatch: a wrong secret gets the message SDKs split on, with the string to sign", async () => {
        const err = await failure(ESS, "DescribeScalingGroups", { RegionId: REGION }, "wrong-secret");
        expect([err.status, err.code]).toEqual([400, "SignatureDoesNotMatch"]);
        const [head, stringToSign] = err.message.split("server string to sign is:");
        expect(head).toBe("Specified signature is not matched with our calculation. ");
        expect(stringToSign).toMatch(new RegExp(`^${method}&%2F&AccessKeyId%3D${KEY.accessKeyId}%26Action%3DDescribeScalingGroups%26`));
    });
});

it("pop-core POST: a form body over the size limit answers 413 RequestEntityTooLarge", async () => {
    const client = new RPCClient({ endpoint: emu.endpoint, apiVersion: ESS, ...KEY });
    const huge = "x".repeat(9 * 1024 * 1024);
    const err = await client
        .request("DescribeScalingGroups", { RegionId: REGION, ScalingGroupName: huge }, { method: "POST", timeout: 30_000 })
        .then(
            () => undefined,
            (e: { code: string; entry: { response: { statusCode: number } } }) => e,
        );
    expect([err?.entry.response.statusCode, err?.code]).toEqual([413, "RequestEntityTooLarge"]);
    expect(emu.control.calls()).toEqual([expect.objectContaining({ status: 413, code: "RequestEntityTooLarge" })]);
});
