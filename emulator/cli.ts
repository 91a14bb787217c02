#!/usr/bin/env node
/**
 * ess-emulator [--port 8080] [--hostname 127.0.0.1] [--state fixture.json] [--quota 5] [--seed 1]
 *              [--activity-delay-ms 50] [--access-key-id ID --access-key-secret SECRET]
 *
 * Without --state the embedded demo fixture is loaded. Without a key pair one is generated
 * (or taken from ESS_EMULATOR_ACCESS_KEY_ID / ESS_EMULATOR_ACCESS_KEY_SECRET). Prints the
 * endpoint and key pair as KEY=VALUE lines, ready for a shell or an env file.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ADMIN_PREFIX } from "./admin";
import { DEMO_FIXTURE } from "./fixtures";
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
            help: { type: "boolean", short: "h" },
        },
    });
    if (values.help) {
        process.stdout.write(
            "usage: ess-emulator [--port 8080] [--hostname 127.0.0.1] [--state fixture.json] [--quota 5] [--seed 1]\n" +
                "                    [--activity-delay-ms 50] [--access-key-id ID --access-key-secret SECRET]\n",
        );
        return;
    }
    const state: StateSeed = values.state ? (JSON.parse(readFileSync(values.state, "utf8")) as StateSeed) : DEMO_FIXTURE;
    const id = values["access-key-id"] ?? process.env.ESS_EMULATOR_ACCESS_KEY_ID;
    const secret = values["access-key-secret"] ?? process.env.ESS_EMULATOR_ACCESS_KEY_SECRET;
    const key: AccessKey = id && secret ? { accessKeyId: id, accessKeySecret: secret } : generateKey();
    const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));

    const emulator = await startEmulator({
        port: Number(values.port),
        hostname: values.hostname,
        state,
        keys: [key],
        vServerGroupQuota: number(values.quota),
        randomSeed: number(values.seed),
        activityDelayMs: number(values["activity-delay-ms"]),
    });
    process.stdout.write(
        [
            `ESS/SLB emulator listening on ${emulator.endpoint}`,
            `ALIBABA_CLOUD_ESS_ENDPOINT=${emulator.endpoint}`,
            `ALIBABA_CLOUD_ACCESS_KEY_ID=${key.accessKeyId}`,
            `ALIBABA_CLOUD_ACCESS_KEY_SECRET=${key.accessKeySecret}`,
            `ESS_EMULATOR_ADMIN=${emulator.endpoint}${ADMIN_PREFIX}`,
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

main().catch((e: unknown) => {
    process.stderr.write(`ess-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
