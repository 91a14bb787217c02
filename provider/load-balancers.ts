// The engine steps of the load balancers kind: what `require("pulumi-alicloud-ess-vserver-groups/provider/load-balancers")`
// gives the dynamic-provider plugin.
import { stepsOf } from "./core/steps";
import { loadBalancers } from "./kinds/load-balancers";

const steps = stepsOf(loadBalancers);

export const { configure, check, diff, create, read, update } = steps;
const remove = steps.delete;
export { remove as delete };
