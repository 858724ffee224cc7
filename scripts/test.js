// npm test: the build, then the test suite (it runs the bundles and reads the schema the build
// writes), and beside both the static checks (typecheck, lint, format), which read only the
// sources: run one after another, the checks left a core idle for a minute while the suite spends
// much of its time waiting for child processes and servers. The build and the suite stream their
// output as usual; the checks' output is held and printed whole after the suite's, so the two never
// interleave. The command fails when any step failed, and its last lines name each failed step.
// Arguments go to vitest (`npm test -- test/cli` runs the checks and that part of the suite).
import { spawn } from "node:child_process";
import { join } from "node:path";

const bin = (name) => join(import.meta.dirname, "..", "node_modules", ".bin", name);
const STATIC_CHECKS = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), ["."]],
  ["format", bin("prettier"), ["--check", "."]],
];

/** Resolves with the step's exit code, its output (unless streamed) and how long it took. */
function run(name, command, args, { stream = false } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: stream ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    if (!stream) {
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
    }
    child.on("error", (error) => resolve({ name, code: 1, output: `${error.message}\n`, ms: Date.now() - started }));
    child.on("close", (code, signal) => resolve({ name, code: code ?? 1, signal, output, ms: Date.now() - started }));
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// One check at a time: the machine has few cores, and the build and the suite need them too.
const checks = (async () => {
  const results = [];
  for (const [name, command, args] of STATIC_CHECKS) results.push(await run(name, command, args));
  return results;
})();
const build = await run("build", process.execPath, [join(import.meta.dirname, "build.js")], { stream: true });
// The suite runs what the build wrote: without a build there is nothing to test.
const suite =
  build.code === 0
    ? await run("vitest", bin("vitest"), ["run", ...process.argv.slice(2)], { stream: true })
    : { name: "vitest", code: 1 };
const statics = await checks;

for (const r of statics)
  process.stdout.write(`\n── ${r.name}: ${r.code === 0 ? "passed" : `FAILED (exit ${r.code})`} ──\n${r.output}`);
const results = [build, ...statics, suite];
console.log(
  `\nnpm test: ${results.map((r) => `${r.name} ${r.ms === undefined ? "not run" : seconds(r.ms)}`).join(", ")}`,
);
for (const r of results.filter((r) => r.code !== 0))
  console.error(
    `npm test: ${r.name} ` +
      (r.ms === undefined
        ? "did not run (the build failed)"
        : `FAILED (exit ${r.code}${r.signal ? `, ${r.signal}` : ""})`),
  );
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
