#!/usr/bin/env node
/**
 * ess-emulator [--port 8080] [--hostname 127.0.0.1] [--state fixture.json] [--quota 5] [--seed 1]
 *              [--activity-delay-ms 50] [--access-key-id ID --access-key-secret SECRET]
 *              [--rate 20 --burst 20] [--rate-action AttachVServerGroups=5:5 ...]
 *              [--tls-key key.pem --tls-cert cert.pem [--https-port 8443]] [--sts-lifetime SECONDS]
 *
 * --tls-key/--tls-cert also serve the same API over HTTPS (default port 8443): `@alicloud/credentials`
 * calls STS over https only. --sts-lifetime sets the Expiration of the STS credentials it issues.
 *
 * --rate/--burst turn on flow control for every action, --rate-action for one (repeatable; it
 * overrides --rate for that action): per AccessKey and action, RATE calls a second with bursts of
 * BURST, then 400 Throttling.User. Off without them.
 *
 * Without --state the embedded demo fixture is loaded. Without a key pair one is generated
 * (or taken from ESS_EMULATOR_ACCESS_KEY_ID / ESS_EMULATOR_ACCESS_KEY_SECRET). Prints the
 * endpoint and key pair as KEY=VALUE lines, ready for a shell or an env file.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ADMIN_PREFIX } from "./admin";
import { DEMO_FIXTURE } from "./fixtures";
import { type FlowLimit, invalidFlowLimit } from "./flow-control";
import { generateKey, startEmulator } from "./server";
import type { AccessKey } from "./signature";
import type { StateSeed } from "./state";

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            port: { type: "string", default: "8080" },
            hostname: { type: "string", default: "127.0.0.1" },
            state: { type: "string" },
            quota: { type: "string" },
            seed: { type: "string" },
            "activity-delay-ms": { type: "string" },
            "access-key-id": { type: "string" },
            "access-key-secret": { type: "string" },
            rate: { type: "string" },
            burst: { type: "string" },
            "rate-action": { type: "string", multiple: true },
            "tls-key": { type: "string" },
            "tls-cert": { type: "string" },
            "https-port": { type: "string", default: "8443" },
            "sts-lifetime": { type: "string" },
            help: { type: "boolean", short: "h" },
        },
    });
    if (values.help) {
        process.stdout.write(
            "usage: ess-emulator [--port 8080] [--hostname 127.0.0.1] [--state fixture.json] [--quota 5] [--seed 1]\n" +
                "                    [--activity-delay-ms 50] [--access-key-id ID --access-key-secret SECRET]\n" +
                "                    [--rate 20 --burst 20] [--rate-action ACTION=RATE:BURST ...]\n" +
                "\n" +
                "Flow control (off by default), per AccessKey and per action, as ESS does it: a key may make BURST\n" +
                "calls of an action at once, refilled at RATE calls a second; beyond that a call answers\n" +
                "400 Throttling.User and changes nothing.\n" +
                "  --rate RATE --burst BURST         every action (give both)\n" +
                "  --rate-action ACTION=RATE:BURST   one action, overriding --rate; repeat for more actions\n" +
                "                                    (e.g. --rate-action AttachVServerGroups=5:5)\n" +
                "Change it at run time with the admin API: GET/POST/DELETE /__emulator/flow-control.\n" +
                "\n" +
                "HTTPS (STS for @alicloud/credentials, which calls it over https only):\n" +
                "  --tls-key FILE --tls-cert FILE    PEM key and certificate; the same API also listens on https\n" +
                "  --https-port PORT                 default 8443\n" +
                "  --sts-lifetime SECONDS            Expiration of issued STS credentials (default: DurationSeconds)\n" +
                'Roles and OIDC providers: "roles" and "oidcProviders" in the --state file, or the admin API\n' +
                "(/__emulator/roles, /__emulator/oidc-providers, /__emulator/sts/...).\n",
        );
        return;
    }
    const state: StateSeed = values.state ? (JSON.parse(readFileSync(values.state, "utf8")) as StateSeed) : DEMO_FIXTURE;
    const id = values["access-key-id"] ?? process.env.ESS_EMULATOR_ACCESS_KEY_ID;
    const secret = values["access-key-secret"] ?? process.env.ESS_EMULATOR_ACCESS_KEY_SECRET;
    const key: AccessKey = id && secret ? { accessKeyId: id, accessKeySecret: secret } : generateKey();
    const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const flowControl = flowLimits(values.rate, values.burst, values["rate-action"] ?? []);
    if ((values["tls-key"] === undefined) !== (values["tls-cert"] === undefined)) throw new Error("--tls-key and --tls-cert go together");
    const tls =
        values["tls-key"] && values["tls-cert"]
            ? { key: readFileSync(values["tls-key"]), cert: readFileSync(values["tls-cert"]), port: Number(values["https-port"]) }
            : undefined;

    const emulator = await startEmulator({
        port: Number(values.port),
        hostname: values.hostname,
        state,
        keys: [key],
        vServerGroupQuota: number(values.quota),
        randomSeed: number(values.seed),
        activityDelayMs: number(values["activity-delay-ms"]),
        flowControl,
        tls,
        stsLifetimeSeconds: number(values["sts-lifetime"]),
    });
    process.stdout.write(
        [
            `ESS/SLB emulator listening on ${emulator.endpoint}`,
            `ALIBABA_CLOUD_ESS_ENDPOINT=${emulator.endpoint}`,
            `ALIBABA_CLOUD_ACCESS_KEY_ID=${key.accessKeyId}`,
            `ALIBABA_CLOUD_ACCESS_KEY_SECRET=${key.accessKeySecret}`,
            `ESS_EMULATOR_ADMIN=${emulator.endpoint}${ADMIN_PREFIX}`,
            // What @alicloud/credentials takes as stsEndpoint (it adds https://).
            ...(emulator.https
                ? [`ESS_EMULATOR_HTTPS_ENDPOINT=${emulator.https.endpoint}`, `ESS_EMULATOR_STS_ENDPOINT=${emulator.https.host}`]
                : []),
            "",
        ].join("\n"),
    );
    const stop = () => {
        emulator.close().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

/** The limits --rate/--burst and --rate-action ask for; throws on a malformed flag. */
function flowLimits(rate: string | undefined, burst: string | undefined, perAction: string[]): FlowLimit[] {
    if ((rate === undefined) !== (burst === undefined)) throw new Error("--rate and --burst go together");
    const limits: FlowLimit[] = [];
    for (const spec of perAction) {
        const m = /^([^=]+)=([^:]+):(.+)$/.exec(spec);
        if (!m) throw new Error(`--rate-action ${spec}: expected ACTION=RATE:BURST, e.g. AttachVServerGroups=5:5`);
        limits.push(checked({ rate: Number(m[2]), burst: Number(m[3]), actions: [m[1]] }, `--rate-action ${spec}`));
    }
    if (rate !== undefined && burst !== undefined) limits.push(checked({ rate: Number(rate), burst: Number(burst) }, "--rate/--burst"));
    return limits;
}

function checked(limit: FlowLimit, flag: string): FlowLimit {
    const problem = invalidFlowLimit(limit);
    if (problem) throw new Error(`${flag}: ${problem}`);
    return limit;
}

main().catch((e: unknown) => {
    process.stderr.write(`ess-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
