// Secrets through the real engine with every log turned up: `pulumi up --logtostderr -v=9 --debug`
// (and a failing up with a wrong secret), then a grep of the engine output, the CLI's stderr, the
// exported state and every file under the harness' backend/PULUMI_HOME/stack folder for each secret.
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type Emulator } from "../../emulator";
import { E2EHarness, type OperationResult, type ResourceSpec } from "../../harness/e2e";

jest.setTimeout(600_000);

const REGION = "cn-hangzhou";
const KEY = { accessKeyId: "EMUKEYE2ESEC0001", accessKeySecret: "e2e-secret-Hh4k-DO-NOT-PRINT" };
const ENV_KEY = { accessKeyId: "EMUKEYE2ESEC0002", accessKeySecret: "e2e-env-secret-Jj5m-DO-NOT-PRINT" };
const STS = {
    accessKeyId: "STS.E2ESEC0003",
    accessKeySecret: "e2e-sts-secret-Kk6n-DO-NOT-PRINT",
    securityToken: "CAISe2eStsTokenLl7pDONOTPRINT",
};
const WRONG_SECRET = "e2e-wrong-secret-Mm8q-DO-NOT-PRINT";
const SECRETS = [KEY.accessKeySecret, ENV_KEY.accessKeySecret, STS.accessKeySecret, STS.securityToken, WRONG_SECRET];
const LOUD = { logToStdErr: true, logVerbosity: 9, debug: true };

let emulator: Emulator;
let h: E2EHarness;
const texts: Array<[string, string]> = [];

const program: ResourceSpec[] = [
    {
        name: "att",
        args: {
            scalingGroupId: "asg-a",
            vserverGroups: [{ loadbalancerId: "lb-web", vserverAttributes: [{ vserverGroupId: "rsp-web-80", port: 80 }] }],
        },
    },
];

function collect(label: string, r: OperationResult): void {
    texts.push(
        [`${label}: output`, r.output],
        [`${label}: CLI stdout`, r.commandStdout ?? ""],
        [`${label}: CLI stderr`, r.commandStderr ?? ""],
        [`${label}: error`, r.errorMessage ?? ""],
        [`${label}: runner stderr`, r.runnerStderr],
        [`${label}: events`, JSON.stringify(r.diagnostics)],
    );
}

function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isSymbolicLink()) return [];
        if (e.isDirectory()) return e.name === "node_modules" || e.name === "plugins" ? [] : filesUnder(p);
        return [p];
    });
}

beforeAll(async () => {
    emulator = await startEmulator({
        keys: [KEY, ENV_KEY, STS],
        state: {
            scalingGroups: [{ scalingGroupId: "asg-a", regionId: REGION, instances: ["i-1"] }],
            loadBalancers: [{ loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80"] }],
        },
    });
    h = await E2EHarness.start({ keep: true }); // keep the temp dirs until the grep below; removed in afterAll
});
afterAll(async () => {
    if (h) {
        for (const s of h.stacks) fs.rmSync(s.workDir, { recursive: true, force: true });
        fs.rmSync(h.tmpDir, { recursive: true, force: true });
    }
    await emulator?.close();
});

test("credentials as secret config: up/refresh/destroy with --logtostderr -v=9 --debug print no secret; state holds none", async () => {
    const s = await h.stack({
        name: "sec-config",
        env: { ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint, ALIBABA_CLOUD_REGION_ID: REGION },
        secretConfig: { "alicloud:accessKey": KEY.accessKeyId, "alicloud:secretKey": KEY.accessKeySecret },
    });
    const up = await s.up(program, { options: LOUD });
    collect("config up", up);
    expect(up.commandStderr?.length ?? 0).toBeGreaterThan(10_000); // the -v=9 log really was captured
    expect(up.output).toMatch(/attaching 1 VServer group/);
    expect(emulator.control.calls({ action: "AttachVServerGroups" })[0].accessKeyId).toBe(KEY.accessKeyId);
    collect("config refresh", await s.refresh(undefined, { options: LOUD }));
    texts.push(["config export", JSON.stringify(await s.export())]);
    collect("config destroy", await s.destroy(undefined, { options: LOUD }));
});

test("credentials from the environment, and an STS token: same", async () => {
    const s = await h.stack({
        name: "sec-env",
        env: {
            ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
            ALIBABA_CLOUD_REGION_ID: REGION,
            ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret,
            ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken,
        },
    });
    const up = await s.up(program, { options: LOUD });
    collect("sts up", up);
    expect(emulator.control.calls({ action: "AttachVServerGroups" }).pop()!.accessKeyId).toBe(STS.accessKeyId);
    texts.push(["sts export", JSON.stringify(await s.export())]);
    collect("sts destroy", await s.destroy(undefined, { options: LOUD }));
});

test("a wrong secret: up fails with SignatureDoesNotMatch and what to do, without printing either secret", async () => {
    const s = await h.stack({
        name: "sec-wrong",
        env: {
            ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
            ALIBABA_CLOUD_REGION_ID: REGION,
            ALIBABA_CLOUD_ACCESS_KEY_ID: ENV_KEY.accessKeyId,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: WRONG_SECRET,
        },
    });
    const up = await s.up(program, { options: LOUD, allowFailure: true });
    collect("wrong-secret up", up);
    expect(up.ok).toBe(false);
    expect(up.output).toMatch(
        /DescribeScalingGroups failed: SignatureDoesNotMatch: .+\(RequestId: [0-9A-F-]{36}\); the AccessKey secret does not match the AccessKey ID/,
    );
    texts.push(["wrong-secret export", JSON.stringify(await s.export())]);
});

test("grep: no secret in any captured output, exported state, or file under the backend, PULUMI_HOME and stack folders", () => {
    const files = [...filesUnder(h.tmpDir), ...h.stacks.flatMap((s) => filesUnder(s.workDir))];
    // io/*.req.json are the harness' own requests to its runner: they carry the env and secret config the
    // test hands the CLI, by design (like a CI job's env). Everything else must be clean.
    const checked = files.filter((f) => !/[\\/]io[\\/][0-9a-f]+\.req\.json$/.test(f));
    for (const f of checked) texts.push([`file ${path.relative(h.tmpDir, f)}`, fs.readFileSync(f, "latin1")]);
    const hits: string[] = [];
    for (const [label, text] of texts)
        for (const secret of SECRETS)
            if (text.includes(secret))
                hits.push(
                    `${label} contains ${secret}: …${text.slice(Math.max(0, text.indexOf(secret) - 160), text.indexOf(secret)).replace(/\s+/g, " ")}`,
                );
    const bytes = texts.reduce((n, [, t]) => n + t.length, 0);
    console.log(
        `secret grep: ${SECRETS.length} secrets × ${texts.length} texts (${checked.length} files; ${(bytes / 1e6).toFixed(1)} MB incl. -v=9 logs): ${hits.length} hits`,
    );
    expect(files.length).toBeGreaterThan(0);
    expect(hits).toEqual([]);
});
