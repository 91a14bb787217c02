import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_FIXTURE } from "../../emulator";
import { rpc, rpcError } from "../../harness/rpc";

const ROOT = join(__dirname, "..", "..");
let outDir: string;

beforeAll(() => {
    // Compile only the emulator (the CLI and what it imports), so this does not depend on provider/.
    outDir = mkdtempSync(join(tmpdir(), "ess-emulator-"));
    execFileSync(
        process.execPath,
        [
            join(ROOT, "node_modules", "typescript", "bin", "tsc"),
            join(ROOT, "emulator", "cli.ts"),
            ...["--outDir", outDir, "--rootDir", ROOT, "--target", "ES2022", "--module", "commonjs"],
            ...["--strict", "--skipLibCheck", "--esModuleInterop", "--types", "node"],
        ],
        { stdio: "pipe" },
    );
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface Started {
    child: ChildProcess;
    vars: Record<string, string>;
    firstLine: string;
}

function startCli(args: string[]): Promise<Started> {
    const child = spawn(process.execPath, [join(outDir, "emulator", "cli.js"), "--port", "0", ...args], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 15_000);
        child.stdout?.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            if (!out.includes("ESS_EMULATOR_ADMIN=")) return;
            clearTimeout(timer);
            const lines = out.trim().split("\n");
            const vars = Object.fromEntries(
                lines.filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
            );
            resolve({ child, vars, firstLine: lines[0] });
        });
        child.on("exit", (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
    });
}

function stop(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.on("exit", (code) => resolve(code));
        child.kill("SIGTERM");
    });
}

it("starts with the embedded demo fixture, prints endpoint and keys, and answers signed calls", async () => {
    const { child, vars, firstLine } = await startCli([]);
    try {
        expect(firstLine).toMatch(/^ESS\/SLB emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
        const endpoint = vars.ALIBABA_CLOUD_ESS_ENDPOINT;
        expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(vars.ALIBABA_CLOUD_ACCESS_KEY_ID).toMatch(/^EMUKEY[0-9A-F]{18}$/);
        expect(vars.ALIBABA_CLOUD_ACCESS_KEY_SECRET.length).toBeGreaterThan(20);
        const key = { accessKeyId: vars.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: vars.ALIBABA_CLOUD_ACCESS_KEY_SECRET };
        const host = endpoint.replace("http://", "");

        const body = await rpc(host, key, "DescribeScalingGroups", { RegionId: "cn-hangzhou", "ScalingGroupId.1": "asg-demo" });
        expect(body).toMatchObject({ TotalCount: 1, ScalingGroups: { ScalingGroup: [{ ScalingGroupId: "asg-demo", ActiveCapacity: 2 }] } });
        const err = await rpcError(
            host,
            { ...key, accessKeySecret: "nope" },
            "DescribeScalingGroups",
            { RegionId: "cn-hangzhou" },
            { signatureAlgorithm: "v2" },
        );
        expect(err.code).toBe("SignatureDoesNotMatch");

        const calls = (await (await fetch(`${vars.ESS_EMULATOR_ADMIN}calls`)).json()) as Array<{ action: string; status: number }>;
        expect(calls.map((c) => [c.action, c.status])).toEqual([
            ["DescribeScalingGroups", 200],
            ["DescribeScalingGroups", 400],
        ]);
    } finally {
        expect(await stop(child)).toBe(0);
    }
});

it("loads --state and takes a given key pair", async () => {
    const { child, vars } = await startCli([
        "--state",
        join(ROOT, "emulator", "fixtures", "demo.json"),
        "--access-key-id",
        "EMUKEYCLI",
        "--access-key-secret",
        "cli-secret",
        "--quota",
        "3",
    ]);
    try {
        expect(vars.ALIBABA_CLOUD_ACCESS_KEY_ID).toBe("EMUKEYCLI");
        const host = vars.ALIBABA_CLOUD_ESS_ENDPOINT.replace("http://", "");
        const body = await rpc(host, { accessKeyId: "EMUKEYCLI", accessKeySecret: "cli-secret" }, "DescribeScalingGroups", {
            RegionId: "cn-hangzhou",
        });
        expect(body.TotalCount).toBe(2);
    } finally {
        await stop(child);
    }
});

it("emulator/fixtures/demo.json is the embedded demo fixture", () => {
    expect(JSON.parse(readFileSync(join(ROOT, "emulator", "fixtures", "demo.json"), "utf8"))).toEqual(DEMO_FIXTURE);
});
