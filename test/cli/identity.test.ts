// Who calls ESS, through the `pulumi` CLI as a user runs it: one stack per identity setting of
// @pulumi/alicloud (key pair, profile, assumeRole, assumeRoleWithOidc), role credentials that
// expire during a scaling-activity wait, a program with two accounts, and every setting the package
// cannot honour. The emulator serves STS over HTTPS (test/fixtures/tls) and checks each key's RAM
// policy; its call log says which AccessKey signed each call, and for an STS key, which role.
import * as fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { DEMO_FIXTURE, startEmulator, type CallRecord, type Emulator } from "../../emulator";
import { generateKey } from "../../emulator/server";
import { PulumiCli, type CliResult } from "../../harness/e2e/cli";
import { REPO_ROOT } from "../../harness/e2e";
import { until } from "../../harness/until";

jest.setTimeout(900_000);

const TLS = path.join(REPO_ROOT, "test", "fixtures", "tls");
const ACCOUNT = "1234567890123456";
const ROLE = `acs:ram::${ACCOUNT}:role/deployer`;
const OIDC_PROVIDER = `acs:ram::${ACCOUNT}:oidc-provider/ci`;
const OIDC_TOKEN = "ci-oidc-token";
/** docs/configuration.md's RAM policy: what the role may do. */
const POLICY = JSON.parse(
    /## RAM policy\s+```json\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(REPO_ROOT, "docs", "configuration.md"), "utf8"))![1],
);

const PROD = generateKey();
const DEV = generateKey();
/** May only assume roles: any ESS call it signed itself would be refused. */
const BASE = {
    ...generateKey(),
    policy: { Version: "1" as const, Statement: [{ Effect: "Allow" as const, Action: "sts:AssumeRole", Resource: "*" }] },
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupServerGroups, ScalingGroupVServerGroups } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
const rsp = (id: string, port: number) => [{ loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: id, port }] }];
// Plain objects, as a program passes alicloud.ProviderArgs (here from the environment): the resource class keeps them secret.
const identities = JSON.parse(process.env.TEST_IDENTITIES ?? "{}");
new ScalingGroupVServerGroups("web", { scalingGroupId: "asg-demo", vserverGroups: rsp("rsp-web-80", 80), identity: identities.prod });
const dev = identities.dev;
if (dev) {
    new ScalingGroupVServerGroups("dev-web", { scalingGroupId: "asg-demo-2", vserverGroups: rsp("rsp-web-443", 443), identity: dev });
    ScalingGroupVServerGroups.get("dev-seen", "asg-demo-2", {}, dev);
}
if (config.getBoolean("activity")) {
    new ScalingGroupServerGroups("traffic", { scalingGroupId: "asg-demo", serverGroups: [{ serverGroupId: "sgp-alb-web", type: "ALB", port: 80 }], forceAttach: true });
}
`;

/** What a credentials sidecar hands out (alicloud:credentialsUri): a temporary key the emulator accepts with its token. */
const SIDECAR = { accessKeyId: "STS.SIDECAR", accessKeySecret: "sidecar-secret", securityToken: "CAISsidecartoken" };
let sidecar: Server;
let cli: PulumiCli;
let emulator: Emulator;
let dir: string;
let stacks = 0;

/** Each call as `Action by <signer>`: a long-term key by its name here, an STS key by its role and session. */
function signed(calls: CallRecord[]): string[] {
    const names: Record<string, string> = {
        [PROD.accessKeyId]: "PROD",
        [DEV.accessKeyId]: "DEV",
        [BASE.accessKeyId]: "BASE",
        [SIDECAR.accessKeyId]: "SIDECAR",
    };
    return calls.map((c) => {
        const by = c.roleArn
            ? `${c.roleArn.split("/")[1]}/${c.roleSessionName}`
            : c.accessKeyId
              ? (names[c.accessKeyId] ?? c.accessKeyId)
              : c.code === "InvalidSecurityToken.Expired"
                ? "an expired STS key"
                : "anonymous";
        return `${c.action} by ${by}${c.code ? ` (${c.code})` : ""}`;
    });
}

/** A new stack with this config (`--path` keys as users set objects) and a fresh cloud, run through `steps`; removed afterwards. */
async function withStack<T>(
    config: [key: string, value: string, secret?: boolean][],
    steps: (pulumi: (args: string[], allowFailure?: boolean) => Promise<CliResult>) => Promise<T>,
): Promise<T> {
    const stack = `s${++stacks}`;
    const pulumi = (args: string[], allowFailure = false) => cli.run([...args, "--stack", stack], { cwd: dir, allowFailure });
    await cli.run(["stack", "init", stack], { cwd: dir });
    await pulumi(["config", "set", "alicloud:region", "cn-hangzhou"]);
    for (const [key, value, secret] of config) await pulumi(["config", "set", "--path", secret ? "--secret" : "--plaintext", key, value]);
    emulator.control.seed(DEMO_FIXTURE);
    emulator.control.clearCalls();
    try {
        return await steps(pulumi);
    } finally {
        delete cli.env.TEST_IDENTITIES;
        // The next stack seeds the cloud afresh: no destroy needed (a test that checks destroy runs it).
        await pulumi(["stack", "rm", "--yes", "--force"], true);
    }
}

/** `up`, then the calls it made, as `signed` lists them. */
async function upCalls(pulumi: (args: string[]) => Promise<CliResult>): Promise<string[]> {
    emulator.control.clearCalls();
    await pulumi(["up", "--yes"]);
    return signed(emulator.control.calls());
}

beforeAll(async () => {
    emulator = await startEmulator({
        state: DEMO_FIXTURE,
        keys: [PROD, DEV, BASE],
        roles: [{ arn: ROLE, trustedPrincipals: [BASE.accessKeyId], trustedOidcProviders: [OIDC_PROVIDER], policy: POLICY }],
        oidcProviders: [{ arn: OIDC_PROVIDER, tokens: [OIDC_TOKEN] }],
        tls: { key: fs.readFileSync(path.join(TLS, "server-key.pem")), cert: fs.readFileSync(path.join(TLS, "server.pem")) },
    });
    cli = await PulumiCli.start({ ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint, NODE_EXTRA_CA_CERTS: path.join(TLS, "ca.pem") });
    // Inside the repository, so the program resolves the package and @pulumi/pulumi from its node_modules.
    fs.mkdirSync(path.join(REPO_ROOT, ".tools"), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, ".tools", "identity-"));
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: identity\nruntime:\n    name: nodejs\n    options:\n        typescript: true\nmain: index.ts\n",
    );
    fs.copyFileSync(path.join(REPO_ROOT, "examples", "basic", "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
    // An aliyun CLI config with several profiles: the named one must be picked, not `current`.
    const profile = (name: string, key: typeof PROD) => ({
        name,
        mode: "AK",
        access_key_id: key.accessKeyId,
        access_key_secret: key.accessKeySecret,
        region_id: "cn-hangzhou",
    });
    fs.writeFileSync(
        path.join(dir, "aliyun.json"),
        JSON.stringify({ current: "dev", profiles: [profile("dev", DEV), profile("prod", PROD)] }),
    );
    fs.writeFileSync(path.join(dir, "oidc-token"), OIDC_TOKEN);
    emulator.control.addKey(SIDECAR);
    const { accessKeyId, accessKeySecret, securityToken } = SIDECAR;
    const answer = JSON.stringify({
        Code: "Success",
        AccessKeyId: accessKeyId,
        AccessKeySecret: accessKeySecret,
        SecurityToken: securityToken,
        Expiration: "2099-01-01T00:00:00Z",
    });
    sidecar = createServer((_, res) => res.end(answer));
    await new Promise<void>((resolve) => sidecar.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
    sidecar?.close();
    await cli?.cleanup();
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const STS = () => JSON.stringify(emulator.https!.host);

describe("each identity setting signs with the identity it names", () => {
    test("key pair: alicloud:accessKey / alicloud:secretKey", async () => {
        const calls = await withStack(
            [
                ["alicloud:accessKey", PROD.accessKeyId, true],
                ["alicloud:secretKey", PROD.accessKeySecret, true],
            ],
            upCalls,
        );
        console.log(`key pair, up:\n${calls.join("\n")}`);
        expect(calls).toEqual(["DescribeScalingGroups by PROD", "AttachVServerGroups by PROD"]);
    });

    test("profile: alicloud:profile picks its profile of alicloud:sharedCredentialsFile, not the file's current one", async () => {
        const calls = await withStack(
            [
                ["alicloud:profile", "prod"],
                ["alicloud:sharedCredentialsFile", path.join(dir, "aliyun.json")],
            ],
            upCalls,
        );
        console.log(`profile, up:\n${calls.join("\n")}`);
        expect(calls).toEqual(["DescribeScalingGroups by PROD", "AttachVServerGroups by PROD"]);
    });

    test("assumeRole: the key assumes the role at the emulator's STS; ESS calls are signed by the role's session", async () => {
        const calls = await withStack(
            [
                ["alicloud:accessKey", BASE.accessKeyId, true],
                ["alicloud:secretKey", BASE.accessKeySecret, true],
                ["alicloud:assumeRole.roleArn", ROLE],
                ["alicloud:assumeRole.sessionName", "ci"],
                ["alicloud:endpoints[0].sts", emulator.https!.host],
            ],
            upCalls,
        );
        console.log(`assumeRole, up (STS at ${STS()}):\n${calls.join("\n")}`);
        expect(calls).toEqual(["AssumeRole by BASE", "DescribeScalingGroups by deployer/ci", "AttachVServerGroups by deployer/ci"]);
    });

    test("assumeRoleWithOidc: the token file's token is exchanged (anonymously) for the role's session", async () => {
        const calls = await withStack(
            [
                ["alicloud:assumeRoleWithOidc.oidcProviderArn", OIDC_PROVIDER],
                ["alicloud:assumeRoleWithOidc.roleArn", ROLE],
                ["alicloud:assumeRoleWithOidc.oidcTokenFile", path.join(dir, "oidc-token")],
                ["alicloud:assumeRoleWithOidc.roleSessionName", "oidc"],
                ["alicloud:endpoints[0].sts", emulator.https!.host],
            ],
            upCalls,
        );
        console.log(`assumeRoleWithOidc, up:\n${calls.join("\n")}`);
        expect(calls).toEqual([
            "AssumeRoleWithOIDC by anonymous",
            "DescribeScalingGroups by deployer/oidc",
            "AttachVServerGroups by deployer/oidc",
        ]);
    });

    test("credentialsUri: the sidecar's temporary key signs", async () => {
        const uri = `http://127.0.0.1:${(sidecar.address() as AddressInfo).port}/credentials`;
        const calls = await withStack([["alicloud:credentialsUri", uri]], upCalls);
        console.log(`credentialsUri, up:\n${calls.join("\n")}`);
        expect(calls).toEqual(["DescribeScalingGroups by SIDECAR", "AttachVServerGroups by SIDECAR"]);
    });

    test("role credentials that expire during a scaling-activity wait are fetched anew, and the step succeeds", async () => {
        await withStack(
            [
                ["alicloud:accessKey", BASE.accessKeyId, true],
                ["alicloud:secretKey", BASE.accessKeySecret, true],
                ["alicloud:assumeRole.roleArn", ROLE],
                ["alicloud:endpoints[0].sts", emulator.https!.host],
                ["activity", "true"],
            ],
            async (pulumi) => {
                emulator.control.clearCalls();
                emulator.control.pauseActivities();
                const poll = emulator.control.hold("DescribeScalingActivities");
                const up = pulumi(["up", "--yes"]);
                try {
                    // The first poll of the wait has been signed and authorised: the session ends under it.
                    await poll.arrived;
                    expect(emulator.control.expireCredentials()).toBeGreaterThan(0);
                } finally {
                    poll.release();
                }
                const refused = () => emulator.control.calls().findIndex((c) => c.code === "InvalidSecurityToken.Expired");
                const renewed = () =>
                    refused() >= 0 &&
                    emulator.control
                        .calls()
                        .slice(refused())
                        .some((c) => c.action === "AssumeRole");
                await until(renewed, "an AssumeRole after ESS answered InvalidSecurityToken.Expired");
                emulator.control.resumeActivities();
                await up;
                const records = emulator.control.calls();
                console.log(`expiring role credentials, up:\n${signed(records).join("\n")}`);
                // One refusal, then the role is assumed again and the wait goes on with the new session.
                expect(signed(records.filter((c) => c.code))).toEqual([
                    "DescribeScalingActivities by an expired STS key (InvalidSecurityToken.Expired)",
                ]);
                const after = records.slice(refused() + 1);
                const nextPoll = after.findIndex((c) => c.action === "DescribeScalingActivities");
                expect(
                    signed(after.slice(0, nextPoll + 1)).filter((c) => !c.includes("VServer") && !c.startsWith("DescribeScalingGroups")),
                ).toEqual(["AssumeRole by BASE", "DescribeScalingActivities by deployer/pulumi-alicloud-ess"]);
                const expiredKeys = emulator.control
                    .stsSessions()
                    .filter((x) => x.expired)
                    .map((x) => x.accessKeyId);
                expect(expiredKeys).not.toContain(after[nextPoll].accessKeyId);
                const group = emulator.control.state().scalingGroups.find((g) => g.scalingGroupId === "asg-demo")!;
                expect(group.serverGroups.map((g) => g.serverGroupId)).toEqual(["sgp-alb-web"]);
            },
        );
    });
});

test("two accounts in one program: each resource's calls are signed by its own account's key", async () => {
    const identity = (key: typeof PROD) => ({ accessKey: key.accessKeyId, secretKey: key.accessKeySecret });
    await withStack([], async (pulumi) => {
        cli.env.TEST_IDENTITIES = JSON.stringify({ prod: identity(PROD), dev: identity(DEV) });
        emulator.control.clearCalls();
        await pulumi(["up", "--yes"]);
        const records = emulator.control.calls();
        console.log(`two accounts, up:\n${signed(records).join("\n")}`);
        const ofGroup = (group: string) =>
            signed(records.filter((c) => [c.params.ScalingGroupId, c.params["ScalingGroupId.1"]].includes(group))).sort();
        expect(ofGroup("asg-demo")).toEqual(["AttachVServerGroups by PROD", "DescribeScalingGroups by PROD"]);
        // dev-web's create and dev-seen's reads (a `get` with the identity, in the preview and the update of `up`) are signed by DEV.
        expect([...new Set(ofGroup("asg-demo-2"))]).toEqual(["AttachVServerGroups by DEV", "DescribeScalingGroups by DEV"]);
        expect(ofGroup("asg-demo-2").length).toBe(4);
        // State keeps each identity, as a secret, in inputs and outputs: its key never appears in the stack's export.
        const exported = (await pulumi(["stack", "export"])).stdout;
        expect(exported).not.toContain(PROD.accessKeySecret);
        expect(exported).not.toContain(DEV.accessKeySecret);
        const resources = (
            JSON.parse(exported).deployment.resources as {
                urn: string;
                inputs?: Record<string, unknown>;
                outputs?: Record<string, unknown>;
            }[]
        ).filter((r) => r.urn.endsWith("web"));
        expect(resources.map((r) => Object.keys(r.inputs?.identity as object))).toEqual([
            ["4dabf18193072939515e22adb298388d", "ciphertext"],
            ["4dabf18193072939515e22adb298388d", "ciphertext"],
        ]);
        expect(resources.map((r) => Object.keys(r.outputs?.identity as object))).toEqual([
            ["4dabf18193072939515e22adb298388d", "ciphertext"],
            ["4dabf18193072939515e22adb298388d", "ciphertext"],
        ]);
        emulator.control.clearCalls();
        await pulumi(["destroy", "--yes"]);
        expect(signed(emulator.control.calls()).sort()).toEqual(["DetachVServerGroups by DEV", "DetachVServerGroups by PROD"]);
    });
});

describe("a setting that cannot be honoured, or two that contradict each other, fail the preview before any call", () => {
    const cases: [string, [string, string][], string][] = [
        [
            "sourceIp",
            [["alicloud:sourceIp", "10.0.0.1"]],
            "alicloud:sourceIp is set: this package cannot send it to STS, so it would not apply; unset it for this stack",
        ],
        [
            "a key pair and an ECS role",
            [
                ["alicloud:accessKey", PROD.accessKeyId],
                ["alicloud:secretKey", PROD.accessKeySecret],
                ["alicloud:ecsRoleName", "EcsRole"],
            ],
            "alicloud:accessKey and alicloud:ecsRoleName are both set, and each says who calls ESS: keep one",
        ],
        [
            "assumeRole and assumeRoleWithOidc",
            [
                ["alicloud:assumeRole.roleArn", ROLE],
                ["alicloud:assumeRoleWithOidc.oidcProviderArn", OIDC_PROVIDER],
                ["alicloud:assumeRoleWithOidc.roleArn", ROLE],
                ["alicloud:assumeRoleWithOidc.oidcToken", OIDC_TOKEN],
            ],
            "alicloud:assumeRole and alicloud:assumeRoleWithOidc are both set: assumeRoleWithOidc already assumes a role; keep one",
        ],
        ["a profile the file does not have", [["alicloud:profile", "staging"]], 'alicloud:profile is "staging", but '],
        [
            "a session shorter than STS allows",
            [
                ["alicloud:assumeRole.roleArn", ROLE],
                ["alicloud:assumeRole.sessionExpiration", "600"],
            ],
            "alicloud:assumeRole.sessionExpiration is 600: must be a whole number of seconds from 900 to 43200",
        ],
        [
            "a resource identity with half a key pair",
            [["TEST_IDENTITIES", JSON.stringify({ prod: { accessKey: PROD.accessKeyId } })]],
            "identity.accessKey is set but identity.secretKey is not: set both, or neither",
        ],
    ];
    test.each(cases)("%s", async (_, config, message) => {
        await withStack(
            config.filter(([k]) => k !== "TEST_IDENTITIES").map(([k, v]) => [k, v, /Key$/.test(k)]),
            async (pulumi) => {
                // A resource's identity comes from the program (here through the environment), not config.
                const identities = config.find(([k]) => k === "TEST_IDENTITIES");
                if (identities) cli.env.TEST_IDENTITIES = identities[1];
                emulator.control.clearCalls();
                const preview = await pulumi(["preview"], true);
                console.log(
                    `${_}, preview:\n${preview.output
                        .split("\n")
                        .filter((l) => l.includes("error") || l.includes(message.slice(0, 20)))
                        .join("\n")}`,
                );
                expect(preview.code).not.toBe(0);
                expect(preview.output.replace(/\s+/g, " ")).toContain(message);
                expect(emulator.control.calls()).toEqual([]);
            },
        );
    });
});
