// The engine steps of the server groups kind: what `require("pulumi-alicloud-ess-vserver-groups/provider/server-groups")`
// gives the dynamic-provider plugin.
import { stepsOf } from "./core/steps";
import { serverGroups } from "./kinds/server-groups";

const steps = stepsOf(serverGroups);

export const { configure, check, diff, create, read, update } = steps;
const remove = steps.delete;
export { remove as delete };
