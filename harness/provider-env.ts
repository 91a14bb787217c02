// Points the provider's engine steps (provider/steps.ts, called directly, no engine) at an
// emulator, the way the plugin process would find it: through the environment.
import { startEmulator, type Emulator, type StateSeed } from "../emulator";
import { EssClient, type EssClientOptions } from "../provider/ess";
import * as steps from "../provider/steps";
import { toEntries, toVServerGroups, type AttachmentInputs, type Entry } from "../provider/model";

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
    await resetProviderClients();
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

/** Runs the provider's `configure` with an empty stack config: clients are rebuilt from the environment on next use. */
export async function resetProviderClients(): Promise<void> {
    const none = (key: string): never => {
        throw new Error(`no stack config ${key} in tests`);
    };
    await steps.configure({ config: { get: () => undefined, require: none } });
}

export const entry = (loadbalancerId: string, vserverGroupId: string, port: number, weight = 50): Entry => ({
    loadbalancerId,
    vserverGroupId,
    port,
    weight,
});

export function inputsOf(scalingGroupId: string, entries: Entry[], flags: Partial<AttachmentInputs> = {}): AttachmentInputs {
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

/** The project's ESS client aimed at an emulator: another user's changes, or a test's own calls. No retries unless asked. */
export function emulatorClient(emulator: Emulator, overrides: Partial<EssClientOptions> = {}): EssClient {
    return EssClient.create({
        region: REGION,
        endpoint: { protocol: "http", host: emulator.host },
        accessKey: emulator.keys[0],
        retry: { totalTimeoutMs: 0, baseDelayMs: 1, maxDelayMs: 1 },
        readTimeoutMs: 2000,
        ...overrides,
    });
}
