// The VServer kind's engine steps: what `require("pulumi-alicloud-ess-vserver-groups/provider")`
// gives the dynamic-provider plugin, for every state written since the first release.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { stepsOf } from "./core/steps";
import { vserverGroups } from "./kinds/vserver-groups";
import type { AttachmentInputs, AttachmentState } from "./model";

const steps = stepsOf(vserverGroups);

export const configure: (req: dynamic.ConfigureRequest) => Promise<void> = steps.configure;
export const check = steps.check as (olds: unknown, news: Record<string, unknown>) => Promise<dynamic.CheckResult<AttachmentInputs>>;
export const diff = steps.diff as (id: string, olds: AttachmentState, news: AttachmentInputs) => Promise<dynamic.DiffResult>;
export const create = steps.create as (inputs: AttachmentInputs) => Promise<dynamic.CreateResult<AttachmentState>>;
export const read = steps.read as (id: string, props: Partial<AttachmentState>) => Promise<dynamic.ReadResult<AttachmentState>>;
export const update = steps.update as (
    id: string,
    olds: AttachmentState,
    news: AttachmentInputs,
) => Promise<dynamic.UpdateResult<AttachmentState>>;
const remove = steps.delete as (id: string, props: AttachmentState) => Promise<void>;
export { remove as delete };
