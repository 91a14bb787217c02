// Two projects, so scripts/test.sh can run them differently:
// - in-process: unit, integration and reliability tests against an emulator in the test process
//   (each on its own port 0, no shared files): parallel workers.
// - engine: the real pulumi CLI and engine (test/e2e, test/cli and *.e2e.test.ts): one at a time, as they
//   share the CPU-heavy engine and the .tools folder.
const common = { preset: "ts-jest", testEnvironment: "node", roots: ["<rootDir>/test"] };

/** @type {import('jest').Config} */
module.exports = {
    testTimeout: 60000,
    projects: [
        {
            ...common,
            displayName: "in-process",
            testMatch: ["**/*.test.ts"],
            testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/", "<rootDir>/test/cli/", "\\.e2e\\.test\\.ts$"],
        },
        {
            ...common,
            displayName: "engine",
            testMatch: ["<rootDir>/test/e2e/**/*.test.ts", "<rootDir>/test/cli/**/*.test.ts", "**/*.e2e.test.ts"],
        },
    ],
};
