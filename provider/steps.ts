// The VServer kind's engine steps: what `require("pulumi-alicloud-ess-vserver-groups/provider")` gives
// the dynamic-provider plugin. Every state written since the first release names this path: keep it.
import { vserverGroups } from "./kinds/vserver-groups/kind";
import { stepsOf } from "./lifecycle/steps";

const steps = stepsOf(vserverGroups);

export const { configure, check, diff, create, read, update } = steps;
const remove = steps.delete;
export { remove as delete };
