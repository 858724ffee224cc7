import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most of a test's time is spent waiting for a child process (the CLI, Bicep, git, Helm) or
    // an emulator's Retry-After; vitest's default of one worker fewer than the cores leaves a
    // 2-core machine mostly idle. Files never depend on each other's order or state.
    maxWorkers: Math.max(2, availableParallelism()),
    // A fresh module graph per file made every file pay the imports again (a third of the run);
    // test/support/isolation.ts puts back the process state a file changes.
    isolate: false,
    setupFiles: ["test/support/isolation.ts"],
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
  },
});
