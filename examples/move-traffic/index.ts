// Moves traffic from one VServer group to another in one `pulumi up`: set config `target` to
// rsp-web-8443 and the update detaches rsp-web-443 (ForceDetach: its instances leave) and attaches
// rsp-web-8443 (ForceAttach: the instances join), leaving rsp-web-80 untouched.
import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupVServerGroups } from "pulumi-alicloud-ess-vserver-groups";

const config = new pulumi.Config();
const target = config.get("target") ?? "rsp-web-443";

const web = new ScalingGroupVServerGroups("web", {
    scalingGroupId: config.get("scalingGroupId") ?? "asg-demo",
    vserverGroups: [
        {
            loadbalancerId: "lb-web",
            vserverAttributes: [
                { vserverGroupId: "rsp-web-80", port: 80 },
                { vserverGroupId: target, port: 443 },
            ],
        },
    ],
    forceAttach: true,
    forceDetach: true,
});

export const attached = web.vserverGroups;
