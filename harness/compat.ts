/**
 * For test/compat: the cloud the independent clients talk to, and the classic Go SDK client
 * (harness/go-client), built once per machine state and run as a child process.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { StateSeed } from "../emulator";

export const REGION = "cn-hangzhou";
export const CREATED = "2024-05-01T08:00Z";
export const KEY = { accessKeyId: "EMUKEYCOMPAT01", accessKeySecret: "compat-secret" };

/** Two VPC scaling groups and load balancers with every field the documented shapes show. */
export const COMPAT_SEED: StateSeed = {
    scalingGroups: [
        {
            scalingGroupId: "asg-web",
            scalingGroupName: "web",
            regionId: REGION,
            minSize: 1,
            maxSize: 4,
            vpcId: "vpc-compat",
            vSwitchIds: ["vsw-a", "vsw-b"],
            loadBalancerIds: ["lb-classic"],
            creationTime: CREATED,
            instances: ["i-web-1", "i-web-2"],
        },
        { scalingGroupId: "asg-quota-1", regionId: REGION, vServerGroupQuota: 1, creationTime: CREATED },
        { scalingGroupId: "asg-inactive", regionId: REGION, lifecycleState: "Inactive", creationTime: CREATED },
        { scalingGroupId: "asg-beijing", regionId: "cn-beijing", creationTime: CREATED },
    ],
    loadBalancers: [
        {
            loadBalancerId: "lb-web",
            loadBalancerName: "web",
            regionId: REGION,
            address: "10.0.0.10",
            vpcId: "vpc-compat",
            vSwitchId: "vsw-a",
            listenerPorts: [443, 80],
            createTime: CREATED,
            vServerGroups: [
                { vServerGroupId: "rsp-web-80", vServerGroupName: "web-80" },
                { vServerGroupId: "rsp-web-443", vServerGroupName: "web-443" },
            ],
        },
        { loadBalancerId: "lb-stopped", regionId: REGION, status: "inactive", createTime: CREATED, vServerGroups: ["rsp-stopped"] },
        { loadBalancerId: "lb-nohc", regionId: REGION, healthCheck: false, createTime: CREATED, vServerGroups: ["rsp-nohc"] },
        { loadBalancerId: "lb-beijing", regionId: "cn-beijing", createTime: CREATED, vServerGroups: ["rsp-bj"] },
    ],
};

const ROOT = path.resolve(__dirname, "..");
const GO_MODULE = path.join(ROOT, "harness/go-client");
const GO_BINARY = path.join(ROOT, ".tools/compat/alibaba-cloud-sdk-go");

function goCommand(): string {
    if (process.env.GO) return process.env.GO;
    return existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go";
}

/**
 * Builds the Go client (go.sum pinned, no toolchain download). Go's build cache makes a rebuild
 * after the first one take about a second, so this always runs `go build`.
 */
export async function buildGoClient(): Promise<string> {
    mkdirSync(path.dirname(GO_BINARY), { recursive: true });
    await promisify(execFile)(goCommand(), ["build", "-mod=readonly", "-o", GO_BINARY, "."], {
        cwd: GO_MODULE,
        env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "" },
    });
    return GO_BINARY;
}

/** One request for the Go client: a typed action ("ess.AttachVServerGroups") or a CommonRequest (with version). */
export interface GoCall {
    name: string;
    action: string;
    product?: string;
    version?: string;
    /** "XML" or "JSON" (the SDK's AcceptFormat). */
    format?: "XML" | "JSON";
    method?: "GET" | "POST";
    /** Sign with this secret instead of the right one. */
    secret?: string;
    /** The typed request's fields (strings, as the SDK's requests.Integer/Boolean are), or flat params for a CommonRequest. */
    request: Record<string, unknown>;
}

export interface GoResult {
    name: string;
    ok: boolean;
    httpStatus: number;
    /** The HTTP method the SDK used. */
    method: string;
    /** The answer's Content-Type. */
    contentType: string;
    /** The typed response re-encoded (zero values for what the answer lacked); the raw body for a CommonRequest. */
    response?: Record<string, unknown> | string;
    code?: string;
    message?: string;
    recommend?: string;
    error?: string;
}

/** Runs the calls in order with the Go client; asynchronous, so an in-process emulator can answer. */
export async function runGoClient(binary: string, endpoint: string, calls: GoCall[]): Promise<Record<string, GoResult>> {
    const run = promisify(execFile)(binary, ["-endpoint", endpoint, "-key", KEY.accessKeyId, "-secret", KEY.accessKeySecret]);
    run.child.stdin?.end(JSON.stringify(calls));
    const { stdout } = await run;
    const results = JSON.parse(stdout) as GoResult[];
    return Object.fromEntries(results.map((r) => [r.name, r]));
}
