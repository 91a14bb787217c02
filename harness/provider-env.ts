// Points the provider's engine steps (provider/steps.ts, called directly, no engine) at an
// emulator, the way the plugin process would find it: through the environment.
import { startEmulator, type Emulator, type StateSeed } from "../emulator";
import { randomUUID } from "node:crypto";
import { EssClient, type EssClientOptions } from "../provider/client/ess";
import { vserverGroups } from "../provider/kinds/vserver-groups/kind";
import * as steps from "../provider/steps";
import { resetOwnership } from "../provider/lifecycle/ownership";
import { resetLimiter } from "../provider/lifecycle/steps";
import { toEntries, toVServerGroups, type AttachmentState, type Entry } from "../provider/kinds/vserver-groups/model";

export const REGION = "cn-hangzhou";

export async function startProviderEmulator(state: StateSeed, env: Record<string, string> = {}): Promise<Emulator> {
    const emulator = await startEmulator({ state });
    const key = emulator.keys[0];
    Object.assign(process.env, {
        ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        ALIBABA_CLOUD_REGION_ID: REGION,
        ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "5",
        ALIBABA_CLOUD_ESS_READ_TIMEOUT: "2000",
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
        ESS_VSERVER_GROUPS_QUIET: "1",
        ...env,
    });
    await freshPluginProcess();
    return emulator;
}

/** The environment a program (engine, CLI or plugin process) needs to reach an emulator as "the cloud". */
export function emulatorEnv(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
    const key = emulator.keys[0];
    return {
        ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
        ALIBABA_CLOUD_REGION_ID: REGION,
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        ...extra,
    };
}

/**
 * What a new `pulumi up` gets, a new plugin process: ownership and the rate limiter forgotten, and `configure` with an
 * empty stack config for each kind's steps (default: the VServer kind's), so clients are rebuilt
 * from the environment on next use.
 */
export async function freshPluginProcess(kinds: ReadonlyArray<Pick<typeof steps, "configure">> = [steps]): Promise<void> {
    resetOwnership();
    resetLimiter();
    await configureAgain(kinds);
}

/**
 * What one engine run does when it meets a second provider text (state written by another release,
 * a package upgrade mid-stack): `configure` again in the same plugin process, ownership kept.
 */
export async function configureAgain(kinds: ReadonlyArray<Pick<typeof steps, "configure">> = [steps]): Promise<void> {
    const none = (key: string): never => {
        throw new Error(`no stack config ${key} in tests`);
    };
    for (const kind of kinds) await kind.configure({ config: { get: () => undefined, require: none } });
}

export const entry = (loadbalancerId: string, vserverGroupId: string, port: number, weight = 50): Entry => ({
    loadbalancerId,
    vserverGroupId,
    port,
    weight,
});

/** Inputs in the list form (as the program, and states of releases up to 0.1.0, hold them); every step reads it. */
export function inputsOf(scalingGroupId: string, entries: Entry[], flags: Partial<AttachmentState> = {}): AttachmentState {
    return { scalingGroupId, region: REGION, vserverGroups: toVServerGroups(entries), forceAttach: false, forceDetach: false, ...flags };
}

/** What the emulator says is attached to a scaling group, as entries in canonical order. */
export function attachedOf(emulator: Emulator, scalingGroupId: string): Entry[] {
    return toEntries(
        (emulator.control.scalingGroup(scalingGroupId)?.vServerGroups ?? []).map((a) => ({
            loadbalancerId: a.loadBalancerId,
            vserverAttributes: [{ vserverGroupId: a.vServerGroupId, port: a.port, weight: a.weight }],
        })),
    );
}

export { callCounts } from "./call-log";

/** A seed with one scaling group (two instances) and load balancers lb-0..lb-(n-1), each with `groups` VServer groups. */
export function seedWith(loadBalancers: number, groups: number, quota = 50): StateSeed {
    return {
        scalingGroups: [
            { scalingGroupId: "asg-1", regionId: REGION, instances: ["i-1", "i-2"], vServerGroupQuota: quota },
            { scalingGroupId: "asg-2", regionId: REGION, instances: ["i-3"], vServerGroupQuota: quota },
        ],
        loadBalancers: Array.from({ length: loadBalancers }, (_, lb) => ({
            loadBalancerId: `lb-${lb}`,
            regionId: REGION,
            vServerGroups: Array.from({ length: groups }, (_, g) => `rsp-${lb}-${g}`),
        })),
    };
}

/** A scaling group as tests read it: what DescribeScalingGroups lists, the VServer groups as entries. */
export interface ScalingGroupSeen {
    scalingGroupId: string;
    regionId: string;
    lifecycleState: string;
    attached: Entry[];
}

/**
 * The project's ESS client with the VServer kind's calls, as tests drive it: another user's changes,
 * or a test's own calls. Each is one call, encoded by the kind as the provider encodes it.
 */
export class VServerCalls {
    constructor(readonly client: EssClient) {}

    /** One AttachVServerGroups call (≤ 5 load balancers × 5 groups); retries reuse one ClientToken. */
    async attach(scalingGroupId: string, entries: readonly Entry[], forceAttach: boolean): Promise<void> {
        const params = { ForceAttach: String(forceAttach), ClientToken: randomUUID(), ...vserverGroups.params(entries, true, forceAttach) };
        await this.client.change("AttachVServerGroups", scalingGroupId, params);
    }

    /** One DetachVServerGroups call; entries not attached are ignored by ESS. */
    async detach(scalingGroupId: string, entries: readonly Entry[], forceDetach: boolean): Promise<void> {
        await this.client.change("DetachVServerGroups", scalingGroupId, {
            ForceDetach: String(forceDetach),
            ...vserverGroups.params(entries, false, forceDetach),
        });
    }

    /** The scaling groups with these IDs that exist (absent IDs are not an error). */
    async describeScalingGroups(ids: readonly string[]): Promise<ScalingGroupSeen[]> {
        return (await this.client.describeListings(ids)).map((sg) => ({
            scalingGroupId: String(sg.ScalingGroupId),
            regionId: String(sg.RegionId),
            lifecycleState: String(sg.LifecycleState),
            attached: vserverGroups.attached(sg),
        }));
    }

    /** The scaling group, or undefined when it is gone: not listed, or being deleted. */
    async describeScalingGroup(id: string): Promise<ScalingGroupSeen | undefined> {
        const [found] = await this.describeScalingGroups([id]);
        return found && found.lifecycleState !== "Deleting" ? found : undefined;
    }
}

/** The VServer calls over the project's ESS client aimed at an emulator. No retries unless asked. */
export function emulatorClient(emulator: Emulator, overrides: Partial<EssClientOptions> = {}): VServerCalls {
    return new VServerCalls(
        EssClient.create({
            region: REGION,
            endpoint: { protocol: "http", host: emulator.host },
            accessKey: emulator.keys[0],
            retry: { totalTimeoutMs: 0, baseDelayMs: 1, maxDelayMs: 1 },
            readTimeoutMs: 2000,
            ...overrides,
        }),
    );
}
