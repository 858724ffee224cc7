// npm test: the build first (the tests run the bundles and read the schema it writes), then the
// test suite beside the static checks. The checks (typecheck, lint, format) read only the sources,
// and the suite spends much of its time waiting for child processes and servers, so running them
// one after another before it left a core idle for a minute. The suite streams its output as usual;
// the checks' output is held and printed whole after it, so the two never interleave. The command
// fails when any step failed, and its last lines name each failed step and how it exited.
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

const build = await run("build", process.execPath, [join(import.meta.dirname, "build.js")], { stream: true });
if (build.code !== 0) {
  console.error(`npm test: build FAILED (exit ${build.code}); nothing else ran`);
  process.exit(1);
}

// One check at a time beside the suite: the machine has few cores, and the suite needs them too.
const checks = (async () => {
  const results = [];
  for (const [name, command, args] of STATIC_CHECKS) results.push(await run(name, command, args));
  return results;
})();
const suite = await run("vitest", bin("vitest"), ["run"], { stream: true });
const statics = await checks;

for (const r of statics)
  process.stdout.write(`\n── ${r.name}: ${r.code === 0 ? "passed" : `FAILED (exit ${r.code})`} ──\n${r.output}`);
const results = [build, ...statics, suite];
console.log(`\nnpm test: ${results.map((r) => `${r.name} ${seconds(r.ms)}`).join(", ")}`);
const failed = results.filter((r) => r.code !== 0);
for (const r of failed) console.error(`npm test: ${r.name} FAILED (exit ${r.code}${r.signal ? `, ${r.signal}` : ""})`);
process.exit(failed.length > 0 ? 1 : 0);
