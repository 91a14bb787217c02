import { vserverGroups } from "../../provider/kinds/vserver-groups/kind";
import { UNKNOWN } from "../../provider/lifecycle/unknown";
import { BAD_INPUTS, validArgs } from "../../harness/bad-inputs";

describe("vserverGroups.validate: bad inputs", () => {
    it("has at least 30 distinct cases", () => {
        expect(new Set(BAD_INPUTS.map((c) => c.name)).size).toBeGreaterThanOrEqual(30);
        expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    });

    it.each(BAD_INPUTS.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        const { inputs, failures } = vserverGroups.validate(c.args, c.noRegion ? undefined : "cn-hangzhou");
        expect(inputs).toBeUndefined();
        expect(failures.map((f) => f.property)).toContain(c.field);
        const failure = failures.find((f) => f.property === c.field)!;
        // The message names the field path, the value and the rule.
        expect(failure.reason.startsWith(`${c.field} is `)).toBe(true);
        expect(failure.reason).toContain(c.valueShown);
        expect(failure.reason).toMatch(c.rule);
    });
});

describe("vserverGroups.validate: good inputs", () => {
    it("accepts the design's example, fills defaults and puts the entries in canonical order", () => {
        const { inputs, failures } = vserverGroups.validate(validArgs(), "cn-hangzhou");
        expect(failures).toEqual([]);
        expect(inputs).toEqual({
            scalingGroupId: "asg-demo",
            region: "cn-hangzhou",
            vserverGroups: [
                {
                    loadbalancerId: "lb-web",
                    vserverAttributes: [
                        { vserverGroupId: "rsp-web-443", port: 443, weight: 50 },
                        { vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
                    ],
                },
            ],
            forceAttach: false,
            forceDetach: false,
        });
    });
    it("prefers the region input over the fallback", () => {
        expect(vserverGroups.validate({ ...validArgs(), region: "cn-shanghai" }, "cn-hangzhou").inputs?.region).toBe("cn-shanghai");
    });
    it("accepts weight 0 and 100, ports 1 and 65535", () => {
        const args = validArgs();
        args.vserverGroups[0].vserverAttributes = [
            { vserverGroupId: "rsp-a", port: 1, weight: 0 },
            { vserverGroupId: "rsp-b", port: 65535, weight: 100 },
        ];
        expect(vserverGroups.validate(args, "cn-hangzhou").failures).toEqual([]);
    });
    it("accepts one VServer group on two ports", () => {
        const args = validArgs();
        args.vserverGroups[0].vserverAttributes = [
            { vserverGroupId: "rsp-a", port: 80 },
            { vserverGroupId: "rsp-a", port: 81 },
        ];
        expect(vserverGroups.validate(args, "cn-hangzhou").failures).toEqual([]);
    });
    it("lets values unknown during preview through", () => {
        const args = {
            ...validArgs(),
            scalingGroupId: UNKNOWN,
            vserverGroups: [{ loadbalancerId: UNKNOWN, vserverAttributes: [{ vserverGroupId: UNKNOWN, port: 80 }] }],
        };
        expect(vserverGroups.validate(args, "cn-hangzhou").failures).toEqual([]);
        expect(vserverGroups.validate({ ...validArgs(), vserverGroups: UNKNOWN }, "cn-hangzhou").failures).toEqual([]);
    });
    it("ignores the engine's __provider key", () => {
        expect(vserverGroups.validate({ ...validArgs(), __provider: "exports.handler = ..." }, "cn-hangzhou").failures).toEqual([]);
    });
});
