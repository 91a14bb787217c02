// An Attach whose scaling activity outlives the retry budget: the change may still land, so state counts it.
import type { Emulator } from "../../emulator";
import * as sg from "../../provider/server-groups";
import type { Attachment } from "../../provider/lifecycle/kind";
import { TRAFFIC_SEED } from "../../harness/traffic-testbed";
import { REGION, startProviderEmulator, freshPluginProcess } from "../../harness/provider-env";

let emulator: Emulator;
beforeAll(async () => {
    emulator = await startProviderEmulator(TRAFFIC_SEED, { ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "1" });
});
afterAll(() => emulator.close());
beforeEach(async () => {
    emulator.control.reset();
    await freshPluginProcess([sg]);
});

const sgIn = (serverGroups: unknown[]) =>
    ({ scalingGroupId: "asg-demo", region: REGION, serverGroups, forceAttach: true, forceDetach: true }) as Attachment;
const web = { serverGroupId: "sgp-alb-web", type: "ALB", port: 80, weight: 30 };
const held = () => (emulator.control.scalingGroup("asg-demo")?.serverGroups ?? []).map((a) => a.serverGroupId);

it("create whose attach activity is still running when the budget is spent: state owns what will land", async () => {
    emulator.control.pauseActivities();
    let error: (Error & { properties?: Record<string, unknown> }) | undefined;
    await sg.create(sgIn([web])).catch((e) => (error = e));
    expect(error?.message).toMatch(/still InProgress/);
    emulator.control.resumeActivities();
    const [activity] = emulator.control.activities("asg-demo");
    await emulator.control.activityDone(activity.scalingActivityId);
    expect(held()).toEqual(["sgp-alb-web"]);
    // What the engine records: a plain error (no id, no properties) means no resource in state.
    // ESS holds sgp-alb-web with its instances behind it; `pulumi destroy` would not detach it.
    expect((error?.properties?.serverGroups as unknown[] | undefined) ?? []).toHaveLength(1);
});
