// Runs a bundled action (actions/<name>/dist/index.js, or the root action's bundle) as its own
// Node process, the way the runner does: INPUT_* variables for the action.yml's defaults and the
// given inputs (upper case, hyphens kept), the GITHUB_* variables, an event payload file, and the
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, which are read back after the run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT, runNodeAsync } from "../../support/cli.js";
import type { GitHubFake } from "../../github-fake/server.js";

export type ActionName = "validate" | "plan" | "deploy" | "status" | "promote" | "root";

export interface ActionEvent {
  name: "pull_request" | "push" | "workflow_dispatch" | "schedule";
  payload: Record<string, unknown>;
  /** GITHUB_SHA, GITHUB_REF. */
  sha: string;
  ref: string;
}

export interface ActionRunOptions {
  cwd: string;
  inputs?: Record<string, string>;
  event: ActionEvent;
  github?: GitHubFake;
  env?: NodeJS.ProcessEnv;
  /** Called with each stdout line while the action runs. */
  onLine?: (line: string) => unknown;
}

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  ms: number;
}

export const actionDir = (name: ActionName): string => (name === "root" ? ROOT : join(ROOT, "actions", name));
export const actionBundle = (name: ActionName): string =>
  name === "root" ? join(ROOT, "actions", "dist", "index.js") : join(ROOT, "actions", name, "dist", "index.js");

interface Metadata {
  inputs?: Record<string, { default?: string }>;
}

export function metadataOf(name: ActionName): Metadata {
  return parse(readFileSync(join(actionDir(name), "action.yml"), "utf8")) as Metadata;
}

/**
 * What the runner does with action.yml's defaults: it evaluates expressions (only github.token is used) and exports the
 * rest as is.
 */
function defaultInputs(name: ActionName, token: string): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [input, spec] of Object.entries(metadataOf(name).inputs ?? {})) {
    if (spec.default === undefined) continue;
    inputs[input] = spec.default.replace(/\$\{\{\s*github\.token\s*\}\}/g, token);
  }
  return inputs;
}

/** GITHUB_OUTPUT as the runner reads it: name=value lines, and name<<DELIMITER, the value's lines, DELIMITER. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const head = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    const pair = /^([^=]+)=(.*)$/.exec(lines[i]!);
    if (!head && pair) outputs[pair[1]!] = pair[2]!;
    if (!head) continue;
    const end = lines.indexOf(head[2]!, i + 1);
    outputs[head[1]!] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return outputs;
}

export const REPOSITORY = "acme/codemie-platform";

export function runAction(name: ActionName, options: ActionRunOptions): Promise<ActionRun> {
  const temp = mkdtempSync(join(tmpdir(), "action-run-"));
  const files = { event: join(temp, "event.json"), output: join(temp, "output"), summary: join(temp, "summary.md") };
  writeFileSync(files.event, JSON.stringify(options.event.payload));
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const inputs = { ...defaultInputs(name, options.github?.token ?? ""), ...options.inputs };
  const env: NodeJS.ProcessEnv = {
    // Nothing of the test's own environment leaks in but what a runner also has.
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: REPOSITORY.split("/")[0],
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: options.github?.url ?? "http://127.0.0.1:9",
    GITHUB_GRAPHQL_URL: `${options.github?.url ?? "http://127.0.0.1:9"}/graphql`,
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_SHA: options.event.sha,
    GITHUB_REF: options.event.ref,
    GITHUB_RUN_ID: "4242",
    GITHUB_RUN_NUMBER: "17",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_WORKFLOW: "codemie",
    GITHUB_JOB: name,
    GITHUB_ACTOR: "octocat",
    GITHUB_WORKSPACE: options.cwd,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: temp,
    ...options.env,
    ...Object.fromEntries(
      Object.entries(inputs).map(([input, value]) => [`INPUT_${input.replace(/ /g, "_").toUpperCase()}`, value]),
    ),
  };
  return runNodeAsync([actionBundle(name)], { cwd: options.cwd, env, onLine: options.onLine }).then((run) => {
    const outputs = parseOutputs(readFileSync(files.output, "utf8"));
    const summary = readFileSync(files.summary, "utf8");
    rmSync(temp, { recursive: true, force: true });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, outputs, summary, ms: run.ms };
  });
}
