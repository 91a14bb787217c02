import { readTimeoutMs, retryPolicy } from "../../provider/client/config";

describe("timeouts from the environment", () => {
    it("reads ALIBABA_CLOUD_ESS_READ_TIMEOUT in milliseconds, 15000 when unset", () => {
        expect(readTimeoutMs({})).toBe(15000);
        expect(readTimeoutMs({ ALIBABA_CLOUD_ESS_READ_TIMEOUT: "2500" })).toBe(2500);
    });

    it.each(["abc", "-1", "0"])(
        "rejects a bad read timeout %j as a bad retry setting is rejected, naming the variable and the rule",
        (raw) => {
            expect(() => readTimeoutMs({ ALIBABA_CLOUD_ESS_READ_TIMEOUT: raw })).toThrow(
                `ALIBABA_CLOUD_ESS_READ_TIMEOUT is "${raw}": must be a number of milliseconds`,
            );
            expect(() => retryPolicy({ ALIBABA_CLOUD_ESS_RETRY_TIMEOUT: "abc" })).toThrow(
                'ALIBABA_CLOUD_ESS_RETRY_TIMEOUT is "abc": must be a number of seconds ≥ 0',
            );
        },
    );
});
