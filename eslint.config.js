// Flat ESLint config: recommended JS + type-aware TypeScript rules, the ring rule that keeps the
// pure core free of I/O, and the layer rule (eslint/layers.js) that keeps src/'s dependencies
// pointing one way, relative imports included.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import layers from "./eslint/layers.js";

const ioModules = [
  "@actions/*",
  "@azure/*",
  "node:child_process",
  "child_process",
  "node:http",
  "node:https",
  "node:net",
  "node:fs",
  "node:fs/promises",
  "fs",
  "@octokit/*",
];

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "actions/**/dist/**",
      "node_modules/**",
      "coverage/**",
      ".bicep/**",
      ".helm/**",
      "out/**",
      ".bench/**",
      ".vitest/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        Buffer: "readonly",
        performance: "readonly",
        structuredClone: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Prettier (npm run format) wraps code at 120 but leaves long literals whole; this holds every line,
      // strings, templates, regular expressions and comments included, to the same width.
      "max-len": ["error", { code: 120 }],
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { codemie: layers },
    rules: { "codemie/layers": "error" },
  },
  {
    files: ["src/config/**", "src/model/**", "src/render/**", "src/capacity/**", "src/catalogue/**", "src/app/load.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ioModules,
              message: "The core is pure: no I/O, network or process imports. Move this to src/adapters.",
            },
          ],
        },
      ],
    },
  },
);
