// The bad-input table (harness/bad-inputs.ts) through the real engine: `pulumi preview` of a
// program holding one resource per case. Each resource is rejected with its own field named, and
// the emulator records no API call at all.
import { startEmulator, type Emulator } from "../../emulator";
import { BAD_INPUTS, type BadInput } from "../../harness/bad-inputs";
import { E2EHarness } from "../../harness/e2e";

jest.setTimeout(600_000);

const REGION = "cn-hangzhou";
let emulator: Emulator;
let h: E2EHarness;

beforeAll(async () => {
    emulator = await startEmulator({
        state: {
            scalingGroups: [{ scalingGroupId: "asg-demo", regionId: REGION }],
            loadBalancers: [{ loadBalancerId: "lb-web", regionId: REGION, vServerGroups: ["rsp-web-80", "rsp-web-443"] }],
        },
    });
    h = await E2EHarness.start();
});
afterAll(async () => {
    await h?.cleanup();
    await emulator?.close();
});

const resourceName = (i: number) => `bad${String(i).padStart(2, "0")}`;
const CONCURRENCY = Number(process.env.RELIABILITY_PREVIEW_CONCURRENCY ?? 6);

/** The value appears in the message; objects pass the engine as protobuf Structs, which sort their keys. */
function shows(line: string, valueShown: string): boolean {
    if (line.includes(valueShown)) return true;
    try {
        const v = JSON.parse(valueShown) as Record<string, unknown>;
        const sorted = JSON.stringify(Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))));
        return line.includes(sorted);
    } catch {
        return false;
    }
}

/** The check-failure messages the engine reported for one resource. */
function messagesFor(diagnostics: { severity: string; message: string; urn?: string }[], output: string, name: string): string {
    const fromDiagnostics = diagnostics.filter((d) => d.urn?.endsWith(`::${name}`)).map((d) => d.message);
    return (
        fromDiagnostics.join("\n") ||
        output
            .split("\n")
            .filter((l) => l.includes(name))
            .join("\n")
    );
}

test(`${BAD_INPUTS.length} bad inputs: pulumi preview rejects each naming its field, with 0 API calls`, async () => {
    const key = emulator.keys[0];
    const env = {
        ALIBABA_CLOUD_ESS_ENDPOINT: emulator.endpoint,
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
    };
    // The engine stops a preview at the first resource whose check fails, so each case gets its own
    // preview (own stack), CONCURRENCY at a time.
    const rows: Array<{ n: number; name: string; field: string; ok: boolean; message: string }> = [];
    emulator.control.clearCalls();
    const queue = BAD_INPUTS.map((c, i) => [i, c] as [number, BadInput]);
    const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
            const [i, c] = next;
            const stack = await h.stack({ name: resourceName(i), env: c.noRegion ? env : { ...env, ALIBABA_CLOUD_REGION_ID: REGION } });
            const r = await stack.preview([{ name: "att", args: JSON.parse(JSON.stringify(c.args)) }], { allowFailure: true });
            const text = messagesFor(r.diagnostics, r.output, "att");
            const line = text.split("\n").find((l) => l.includes(`${c.field} is `)) ?? "";
            const ok = !r.ok && line.includes(`${c.field} is `) && shows(line, c.valueShown) && c.rule.test(line);
            rows.push({ n: i + 1, name: c.name, field: c.field, ok, message: line.trim() || text.slice(0, 200) });
        }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const calls = emulator.control.calls();
    console.log(
        `bad inputs through pulumi preview: ${rows.filter((r) => r.ok).length}/${rows.length} rejected with the field named; API calls recorded: ${calls.length}\n` +
            rows
                .sort((a, b) => a.n - b.n)
                .map(
                    (r) =>
                        `  ${String(r.n).padStart(2)} ${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(52)} ${r.field.padEnd(48)} ${r.message.replace(/^.*?(?=\S+ is )/, "")}`,
                )
                .join("\n"),
    );
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    expect(rows.length).toBe(BAD_INPUTS.length);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(calls).toEqual([]);
});
