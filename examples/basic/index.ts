// A scaling group's VServer groups on two load balancers. ForceAttach puts the group's running
// instances behind the VServer groups now; ForceDetach takes them out again when an entry is
// removed or the stack is destroyed.
import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupVServerGroups } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
// Set `withApi: false` to see an update that detaches lb-api's group.
const withApi = config.getBoolean("withApi") ?? true;

const web = new ScalingGroupVServerGroups("web", {
    scalingGroupId: config.get("scalingGroupId") ?? "asg-demo",
    vserverGroups: [
        {
            loadbalancerId: "lb-web",
            vserverAttributes: [
                { vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
                { vserverGroupId: "rsp-web-443", port: 443 },
            ],
        },
        ...(withApi ? [{ loadbalancerId: "lb-api", vserverAttributes: [{ vserverGroupId: "rsp-api-8080", port: 8080, weight: 30 }] }] : []),
    ],
    forceAttach: true,
    forceDetach: true,
});

export const scalingGroupId = web.scalingGroupId;
export const attached = web.vserverGroups;
