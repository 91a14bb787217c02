// RAM policies on long-term keys: every ESS/SLB/STS action checks `<service>:<Action>` against the
// signing key's policy, and a refused call answers as its product does. Real HTTP, real signatures
// (@alicloud/openapi-client, both algorithms), no mocks.
import { DEMO_FIXTURE, startEmulator, STS_VERSION, type AccessKey, type Emulator, type PolicyDocument } from "../../emulator";
import { rpc, rpcError, SLB_VERSION, vServerGroupParams, type Body, type RpcOptions } from "../../harness/rpc";

const REGION = "cn-hangzhou";
const WEB80 = { loadBalancerId: "lb-web", vServerGroupId: "rsp-web-80", port: 80 };
const DESCRIBE = { RegionId: REGION, "ScalingGroupId.1": "asg-demo" };
const CHANGE = { RegionId: REGION, ScalingGroupId: "asg-demo", ...vServerGroupParams([WEB80]) };
const ROLE = "acs:ram::1234567890123456:role/ess-operator";
const OTHER_ROLE = "acs:ram::1234567890123456:role/other";

const allow = (...actions: string[]): PolicyDocument => ({
    Version: "1",
    Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
});
const key = (name: string, policy?: PolicyDocument): AccessKey => ({
    accessKeyId: `EMUKEYRAM${name.toUpperCase()}`,
    accessKeySecret: `ram-secret-${name}`,
    ...(policy ? { policy } : {}),
});

/** Can attach and describe, but has no ess:DetachVServerGroups. */
const NO_DETACH = key("nodetach", allow("ess:Describe*", "ess:AttachVServerGroups"));
const ADMIN = key("admin");

let emu: Emulator;

beforeEach(async () => {
    emu = await startEmulator({
        state: DEMO_FIXTURE,
        keys: [ADMIN, NO_DETACH],
        roles: [
            { arn: ROLE, trustedPrincipals: ["*"] },
            { arn: OTHER_ROLE, trustedPrincipals: ["*"] },
        ],
    });
});
afterEach(() => emu.close());

const decoded = (detail: Body) => JSON.parse(Buffer.from(String(detail.EncodedDiagnosticMessage), "base64").toString("utf8"));

describe.each<[string, RpcOptions]>([
    ["ACS3-HMAC-SHA256", {}],
    ["HMAC-SHA1", { signatureAlgorithm: "v2" }],
])("a key whose policy lacks ess:DetachVServerGroups (%s)", (_, options) => {
    it("may describe and attach", async () => {
        await expect(rpc(emu.host, NO_DETACH, "DescribeScalingGroups", DESCRIBE, options)).resolves.toMatchObject({ TotalCount: 1 });
        await expect(rpc(emu.host, NO_DETACH, "AttachVServerGroups", CHANGE, options)).resolves.toHaveProperty("RequestId");
        expect(emu.control.scalingGroup("asg-demo")?.vServerGroups).toHaveLength(1);
    });

    it("gets ESS's 403 Forbidden.Unauthorized for DetachVServerGroups, naming the action in AccessDeniedDetail, and changes nothing", async () => {
        await rpc(emu.host, ADMIN, "AttachVServerGroups", CHANGE, options);
        const err = await rpcError(emu.host, NO_DETACH, "DetachVServerGroups", CHANGE, options);
        expect([err.statusCode, err.code, err.data.Message]).toEqual([
            403,
            "Forbidden.Unauthorized",
            "A required authorization for the specified action is not supplied.",
        ]);
        expect(err.data).toMatchObject({ HostId: "ess.aliyuncs.com", RequestId: expect.any(String) });
        const detail = err.data.AccessDeniedDetail as Body;
        expect(detail).toMatchObject({
            AuthAction: "ess:DetachVServerGroups",
            AuthPrincipalType: "SubUser",
            AuthPrincipalDisplayName: NO_DETACH.accessKeyId,
            NoPermissionType: "ImplicitDeny",
            PolicyType: "AccountLevelIdentityBasedPolicy",
        });
        expect(decoded(detail)).toEqual({
            AuthAction: "ess:DetachVServerGroups",
            AuthResource: `acs:ess:${REGION}:1234567890123456:*`,
            ExplicitDeny: false,
            NoPermissionPolicyType: "AccountLevelIdentityBasedPolicy",
        });
        expect(emu.control.scalingGroup("asg-demo")?.vServerGroups).toHaveLength(1);
        expect(emu.control.calls({ action: "DetachVServerGroups" })).toMatchObject([
            { status: 403, code: "Forbidden.Unauthorized", accessKeyId: NO_DETACH.accessKeyId },
        ]);
    });
});

it("the ESS 2022-02-22 API is ess: too, and a key without a policy may do everything", async () => {
    const err = await rpcError(
        emu.host,
        NO_DETACH,
        "DetachVServerGroups",
        { RegionId: REGION, ScalingGroupId: "asg-demo" },
        {
            version: "2022-02-22",
        },
    );
    expect(err.code).toBe("Forbidden.Unauthorized");
    await expect(rpc(emu.host, ADMIN, "DetachVServerGroups", CHANGE)).resolves.toHaveProperty("RequestId");
    await expect(rpc(emu.host, ADMIN, "DescribeLoadBalancers", { RegionId: REGION }, { version: SLB_VERSION })).resolves.toHaveProperty(
        "TotalCount",
    );
});

describe("wildcards", () => {
    it("ess:* covers every ESS action and no SLB one: SLB answers its own 403 Forbidden", async () => {
        const ess = key("ess", allow("ess:*"));
        emu.control.addKey(ess);
        await expect(rpc(emu.host, ess, "AttachVServerGroups", CHANGE)).resolves.toHaveProperty("RequestId");
        await expect(rpc(emu.host, ess, "DetachVServerGroups", CHANGE)).resolves.toHaveProperty("RequestId");
        const err = await rpcError(emu.host, ess, "DescribeLoadBalancers", { RegionId: REGION }, { version: SLB_VERSION });
        expect([err.statusCode, err.code, err.data.Message, err.data.HostId]).toEqual([
            403,
            "Forbidden",
            "User not authorized to operate on the specified resource.",
            "slb.aliyuncs.com",
        ]);
        expect(err.data.AccessDeniedDetail).toMatchObject({ AuthAction: "slb:DescribeLoadBalancers", NoPermissionType: "ImplicitDeny" });
    });

    it("match action names case-insensitively and * anywhere in the name; * alone is everything", async () => {
        const lower = key("lower", allow("ess:describe*", "ESS:*VServerGroups"));
        const all = key("all", allow("*"));
        emu.control.addKey(lower);
        emu.control.addKey(all);
        await expect(rpc(emu.host, lower, "DescribeScalingGroups", DESCRIBE)).resolves.toHaveProperty("TotalCount", 1);
        await expect(rpc(emu.host, lower, "AttachVServerGroups", CHANGE)).resolves.toHaveProperty("RequestId");
        expect((await rpcError(emu.host, lower, "AttachLoadBalancers", { RegionId: REGION, ScalingGroupId: "asg-demo" })).code).toBe(
            "Forbidden.Unauthorized",
        );
        await expect(rpc(emu.host, all, "DescribeLoadBalancers", { RegionId: REGION }, { version: SLB_VERSION })).resolves.toHaveProperty(
            "TotalCount",
        );
    });

    it("match Resource patterns against acs:<service>:<RegionId>:<account>:*", async () => {
        const policy = (resource: string): PolicyDocument => ({
            Version: "1",
            Statement: [{ Effect: "Allow", Action: "ess:DescribeScalingGroups", Resource: resource }],
        });
        const here = key("here", policy(`acs:ess:${REGION}:*:*`));
        const elsewhere = key("elsewhere", policy("acs:ess:cn-beijing:*:*"));
        emu.control.addKey(here);
        emu.control.addKey(elsewhere);
        await expect(rpc(emu.host, here, "DescribeScalingGroups", DESCRIBE)).resolves.toHaveProperty("TotalCount", 1);
        expect((await rpcError(emu.host, elsewhere, "DescribeScalingGroups", DESCRIBE)).code).toBe("Forbidden.Unauthorized");
    });
});

describe("Deny", () => {
    it("an explicit Deny wins over an Allow, and AccessDeniedDetail says so", async () => {
        const denied = key("denied", {
            Version: "1",
            Statement: [
                { Effect: "Allow", Action: "*", Resource: "*" },
                { Effect: "Deny", Action: "ess:Detach*", Resource: "*" },
            ],
        });
        emu.control.addKey(denied);
        await expect(rpc(emu.host, denied, "AttachVServerGroups", CHANGE)).resolves.toHaveProperty("RequestId");
        const err = await rpcError(emu.host, denied, "DetachVServerGroups", CHANGE);
        expect(err.code).toBe("Forbidden.Unauthorized");
        expect(err.data.AccessDeniedDetail).toMatchObject({ AuthAction: "ess:DetachVServerGroups", NoPermissionType: "ExplicitDeny" });
        expect(decoded(err.data.AccessDeniedDetail as Body)).toMatchObject({ ExplicitDeny: true });
        expect(emu.control.scalingGroup("asg-demo")?.vServerGroups).toHaveLength(1);
    });
});

describe("sts:AssumeRole", () => {
    const assume = (k: AccessKey, roleArn: string) =>
        rpc(
            emu.host,
            k,
            "AssumeRole",
            { RoleArn: roleArn, RoleSessionName: "ram-test" },
            { version: STS_VERSION, signatureAlgorithm: "v2" },
        );

    it("needs the permission on that role's ARN; STS refuses with its own 403 NoPermission", async () => {
        const one = key("onerole", { Version: "1", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: ROLE }] });
        emu.control.addKey(one);
        await expect(assume(one, ROLE)).resolves.toHaveProperty("Credentials.AccessKeyId", expect.stringMatching(/^STS\./));
        const err = await rpcError(
            emu.host,
            one,
            "AssumeRole",
            { RoleArn: OTHER_ROLE, RoleSessionName: "ram-test" },
            { version: STS_VERSION },
        );
        expect([err.statusCode, err.code, err.data.Message, err.data.HostId]).toEqual([
            403,
            "NoPermission",
            "You are not authorized to do this action. You should be authorized by RAM.",
            "sts.aliyuncs.com",
        ]);
        expect(
            (await rpcError(emu.host, NO_DETACH, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "x1" }, { version: STS_VERSION })).code,
        ).toBe("NoPermission");
    });
});

describe("configuring policies", () => {
    it("addKey refuses a policy the emulator cannot evaluate, naming what is wrong", () => {
        const bad = { Version: "1", Statement: [{ Effect: "Allow", Action: "ess:*", Resource: "*", Condition: {} }] };
        expect(() => emu.control.addKey({ ...key("bad"), policy: bad as unknown as PolicyDocument })).toThrow(/Condition is not modelled/);
        expect(() => emu.control.addKey({ ...key("bad"), policy: { Version: "1", Statement: [] } })).toThrow(/non-empty/);
    });

    it("the admin API adds a key with a policy, and answers 400 naming a bad one", async () => {
        const limited = key("admin-api", allow("ess:DescribeScalingGroups"));
        const post = (body: unknown) => fetch(`${emu.endpoint}/__emulator/keys`, { method: "POST", body: JSON.stringify(body) });
        expect((await post(limited)).status).toBe(200);
        await expect(rpc(emu.host, limited, "DescribeScalingGroups", DESCRIBE)).resolves.toHaveProperty("TotalCount", 1);
        expect((await rpcError(emu.host, limited, "AttachVServerGroups", CHANGE)).code).toBe("Forbidden.Unauthorized");
        const bad = await post({ ...limited, policy: { Version: "2", Statement: [] } });
        expect(bad.status).toBe(400);
        expect(await bad.json()).toEqual({ error: expect.stringContaining('Version must be "1"') });
    });

    it("reset() gives back the keys the emulator started with", async () => {
        emu.control.addKey({ ...ADMIN, policy: allow("ess:DescribeScalingGroups") });
        expect((await rpcError(emu.host, ADMIN, "AttachVServerGroups", CHANGE)).code).toBe("Forbidden.Unauthorized");
        emu.control.reset();
        await expect(rpc(emu.host, ADMIN, "AttachVServerGroups", CHANGE)).resolves.toHaveProperty("RequestId");
    });
});
