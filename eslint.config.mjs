// @ts-check
import eslint from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "rendered/",
      "coverage/",
      ".bench/",
      "examples/**/node_modules/",
      "examples/**/sdks/",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { pulumi },
    rules: {
      // An Output in a template literal renders as a warning string instead of its value.
      "pulumi/no-output-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        // Lazy `require(...) as typeof import(...)` keeps SDKs unloaded until a stack needs them.
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      eqeqeq: ["error", "always"],
      "prefer-const": "error",
    },
  },
  {
    // Plain Node scripts.
    files: ["scripts/**/*.mjs"],
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
  },
  {
    // Plain CommonJS scripts: the compile cache patches Node's CommonJS loader.
    files: ["scripts/**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { Buffer: "readonly", module: "writable", process: "readonly", require: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Scripts and tests reach into SDK internals through require on purpose.
    files: ["scripts/**/*.ts", "test/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
