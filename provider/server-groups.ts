// The server groups kind's engine steps: what `require("pulumi-alicloud-ess-vserver-groups/provider/server-groups")`
// gives the dynamic-provider plugin. States name this path: keep it.
import { serverGroups } from "./kinds/server-groups/kind";
import { stepsOf } from "./lifecycle/steps";

const steps = stepsOf(serverGroups);

export const { configure, check, diff, create, read, update } = steps;
const remove = steps.delete;
export { remove as delete };
