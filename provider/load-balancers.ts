// The load balancers kind's engine steps: what `require("pulumi-alicloud-ess-vserver-groups/provider/load-balancers")`
// gives the dynamic-provider plugin. States name this path: keep it.
import { loadBalancers } from "./kinds/load-balancers/kind";
import { stepsOf } from "./lifecycle/steps";

const steps = stepsOf(loadBalancers);

export const { configure, check, diff, create, read, update } = steps;
const remove = steps.delete;
export { remove as delete };
