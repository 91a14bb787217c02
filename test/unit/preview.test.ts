import { vserverGroups } from "../../provider/kinds/vserver-groups/kind";
import type { AttachmentInputs } from "../../provider/kinds/vserver-groups/model";
import { forEngine, MAX_CHECK_FAILURES } from "../../provider/lifecycle/checks";
import { linesOf } from "../../provider/lifecycle/preview";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

const previewLines = (olds: AttachmentInputs, news: AttachmentInputs) => linesOf(vserverGroups, olds, news);
const validateInputs = (raw: unknown, region: string | undefined) => vserverGroups.validate(raw, region);
import { entry, inputsOf } from "../../harness/provider-env";

const web80 = entry("lb-web", "rsp-web-80", 80);
const web443 = entry("lb-web", "rsp-web-443", 443);
const api = entry("lb-api", "rsp-api-8080", 8080, 30);
const flags = { forceAttach: true, forceDetach: true };

describe("previewLines: what an update does, per entry", () => {
    it("removing lb-api's entry names that entry only, not the ones after it in the list", () => {
        const olds = inputsOf("asg-1", [web80, web443, api], flags);
        expect(previewLines(olds, inputsOf("asg-1", [web80, web443], flags))).toEqual([
            "detach lb-api/rsp-api-8080 port 8080 weight 30 (ForceDetach=true)",
        ]);
    });

    it("the state's list against the keyed form `check` returns: the same lines", () => {
        const olds = inputsOf("asg-1", [web80, web443, api], flags);
        const news = { ...olds, vserverGroups: vserverGroups.toInputs([web80, web443]) } as AttachmentInputs;
        expect(previewLines(olds, news)).toEqual(["detach lb-api/rsp-api-8080 port 8080 weight 30 (ForceDetach=true)"]);
    });

    it("an added entry (or one a refresh found detached) is attached with the new ForceAttach", () => {
        expect(previewLines(inputsOf("asg-1", [web80]), inputsOf("asg-1", [web80, web443], { forceAttach: true }))).toEqual([
            "attach lb-web/rsp-web-443 port 443 weight 50 (ForceAttach=true)",
        ]);
    });

    it("a weight change is one line: detach without ForceDetach unless forceAttach puts the instances back", () => {
        const heavier = entry("lb-web", "rsp-web-80", 80, 70);
        expect(
            previewLines(inputsOf("asg-1", [web80], { forceDetach: true }), inputsOf("asg-1", [heavier], { forceDetach: true })),
        ).toEqual([
            "re-weight lb-web/rsp-web-80 port 80 weight 50 -> weight 70: detach (ForceDetach=false), then attach (ForceAttach=false)",
        ]);
        expect(previewLines(inputsOf("asg-1", [web80], flags), inputsOf("asg-1", [heavier], flags))).toEqual([
            "re-weight lb-web/rsp-web-80 port 80 weight 50 -> weight 70: detach (ForceDetach=true), then attach (ForceAttach=true)",
        ]);
    });

    it("a flag-only change says no API call; nothing changed says nothing; unknown entries or a replace say nothing", () => {
        expect(previewLines(inputsOf("asg-1", [web80]), inputsOf("asg-1", [web80], { forceDetach: true }))).toEqual([
            "forceDetach false -> true: recorded, no API call",
        ]);
        expect(previewLines(inputsOf("asg-1", [web80, web443]), inputsOf("asg-1", [web443, web80]))).toEqual([]);
        expect(previewLines(inputsOf("asg-1", [web80]), { ...inputsOf("asg-1", []), vserverGroups: UNKNOWN as never })).toEqual([]);
        expect(previewLines(inputsOf("asg-1", [web80]), inputsOf("asg-2", [web443]))).toEqual([]);
    });
});

describe("forEngine: check failures the engine can show", () => {
    it("keeps a top-level property, leaves a nested path to the reason (the engine would print {<nil>})", () => {
        const { failures } = validateInputs(
            { scalingGroupId: "", vserverGroups: [{ loadbalancerId: "lb-1", vserverAttributes: [{ vserverGroupId: "rsp-1", port: 0 }] }] },
            "cn-hangzhou",
        );
        expect(forEngine(failures)).toEqual([
            { property: "scalingGroupId", reason: 'scalingGroupId is "": must be a non-empty string' },
            { property: "", reason: "vserverGroups[0].vserverAttributes[0].port is 0: must be an integer from 1 to 65535" },
        ]);
    });

    it(`500 bad entries give ${MAX_CHECK_FAILURES} messages and a count`, () => {
        const attrs = Array.from({ length: 500 }, (_, i) => ({ vserverGroupId: `rsp-${i}`, port: 70000 + i }));
        const { failures } = validateInputs(
            { scalingGroupId: "asg-1", vserverGroups: [{ loadbalancerId: "lb-1", vserverAttributes: attrs }] },
            "cn-hangzhou",
        );
        const shown = forEngine(failures);
        expect(shown).toHaveLength(MAX_CHECK_FAILURES + 1);
        expect(shown[MAX_CHECK_FAILURES].reason).toBe(
            "and 480 more problems (500 in all) not shown; fix the ones above and run `pulumi preview` again",
        );
    });
});
