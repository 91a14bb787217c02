import * as pulumi from "@pulumi/pulumi";
import { ScalingGroupLoadBalancers, ScalingGroupServerGroups, ScalingGroupVServerGroups } from "../../provider";

// What @pulumi/pulumi keeps of an `alicloud.Provider`: its package and name (no alicloud plugin runs here).
const prod = { getPackage: () => "alicloud", __name: "prod" } as unknown as pulumi.ProviderResource;
const args = { scalingGroupId: "asg-1", vserverGroups: [], serverGroups: [], loadBalancers: [] };

describe("an alicloud provider a dynamic resource cannot use is refused, not ignored", () => {
    it.each([
        ["ScalingGroupVServerGroups", ScalingGroupVServerGroups],
        ["ScalingGroupServerGroups", ScalingGroupServerGroups],
        ["ScalingGroupLoadBalancers", ScalingGroupLoadBalancers],
    ] as const)("%s with `provider`, or under a parent with alicloud `providers`", (typeName, Resource) => {
        const message =
            `${typeName} "web" has an alicloud provider ("prod", from \`provider\` or its parent's \`providers\`), which a dynamic resource cannot use: ` +
            "it would call ESS as the stack's identity instead. Pass the same settings as the `identity` argument (the object you give `new alicloud.Provider`).";
        const Any = Resource as unknown as new (name: string, args: unknown, opts: unknown) => unknown;
        expect(() => new Any("web", args, { provider: prod })).toThrow(message);
        expect(() => new Any("web", args, { parent: { __providers: { alicloud: prod } } })).toThrow(message);
    });
});
