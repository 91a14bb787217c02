import { vserverGroups } from "../../provider/kinds/vserver-groups/kind";
import type { AttachmentInputs } from "../../provider/kinds/vserver-groups/model";
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
    it("accepts the design's example, fills defaults and keys the entries (so the engine's diff is by entry)", () => {
        const { inputs, failures } = vserverGroups.validate(validArgs(), "cn-hangzhou");
        expect(failures).toEqual([]);
        expect(inputs).toEqual({
            scalingGroupId: "asg-demo",
            region: "cn-hangzhou",
            vserverGroups: {
                "lb-web/rsp-web-443/443": { loadbalancerId: "lb-web", vserverGroupId: "rsp-web-443", port: 443, weight: 50 },
                "lb-web/rsp-web-80/80": { loadbalancerId: "lb-web", vserverGroupId: "rsp-web-80", port: 80, weight: 50 },
            },
            forceAttach: false,
            forceDetach: false,
        });
        // In canonical order, as the list in outputs.
        expect(Object.keys((inputs as AttachmentInputs).vserverGroups)).toEqual(["lb-web/rsp-web-443/443", "lb-web/rsp-web-80/80"]);
    });
    it("reads the keyed form and the list (program, outputs, states of 0.1.0) as the same entries", () => {
        const { inputs } = vserverGroups.validate(validArgs(), "cn-hangzhou");
        const keyedForm = (inputs as AttachmentInputs).vserverGroups;
        const entries = vserverGroups.entriesOf(keyedForm);
        expect(vserverGroups.entriesOf(vserverGroups.toState(entries))).toEqual(entries);
        expect(vserverGroups.entriesOf(validArgs().vserverGroups)).toEqual(entries);
        expect(vserverGroups.toInputs(entries)).toEqual(keyedForm);
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
