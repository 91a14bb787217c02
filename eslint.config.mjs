// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/", ".tools/", "node_modules/", "coverage/"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" },
        },
        rules: {
            // The provider loads its implementation with require() by package name on purpose (see provider/resource.ts).
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        files: ["provider/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "error" },
    },
    {
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { exports: "writable", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
        },
    },
);
