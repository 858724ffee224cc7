// Loads, renders and compiles an environment for plan and deploy (one Bicep session per
// command), applying --subscription first so every derived name and reference follows it.
import { parseDocument, isScalar } from "yaml";
import { openCompiler } from "../adapters/bicep/session.js";
import { environmentPath, readEnvironmentFile, UsageError } from "../adapters/environment-files.js";
import { readToolkit } from "../adapters/templates.js";
import { compileTree } from "../app/compile-tree.js";
import { renderSources } from "../app/render-environment.js";
import type { CapacityPlan } from "../capacity/plan.js";
import { formatDiagnostic, hasErrors } from "../config/diagnostics.js";
import { loadEnvironment } from "../config/load.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import type { Io } from "./io.js";

/**
 * The file's text with azure.subscriptionId replaced in place: the rest of the file, and so the
 * positions in any diagnostic, stay as written.
 */
export function withSubscription(text: string, subscriptionId: string): string {
  const node = parseDocument(text).getIn(["azure", "subscriptionId"], true);
  if (!isScalar(node) || !node.range) throw new UsageError("--subscription: the environment file has no azure.subscriptionId to replace");
  return `${text.slice(0, node.range[0])}${subscriptionId}${text.slice(node.range[1])}`;
}

async function readSource(name: string, io: Io, subscription: string | undefined): Promise<{ file: string; text: string }> {
  const { file, text } = await readEnvironmentFile(environmentPath(io.cwd, name), io.cwd);
  return { file, text: subscription ? withSubscription(text, subscription) : text };
}

/** The environment alone (status needs no rendering); undefined after printing its errors. */
export async function loadForRun(name: string, io: Io, subscription: string | undefined): Promise<Environment | undefined> {
  const { file, text } = await readSource(name, io, subscription);
  const { env, diagnostics } = loadEnvironment(file, text);
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  return env;
}

export interface RunInput {
  env: Environment;
  capacity: CapacityPlan;
  /** Compiled: bicep/*.json included. */
  tree: RenderedTree;
}

/** Undefined after printing why the environment cannot be rendered or compiled. */
export async function renderForRun(name: string, io: Io, subscription: string | undefined): Promise<RunInput | undefined> {
  const { file, text } = await readSource(name, io, subscription);
  const outcome = renderSources(file, text, await readToolkit());
  for (const d of outcome.diagnostics) io.err(formatDiagnostic(d));
  if (!outcome.env || !outcome.plan || !outcome.tree || hasErrors(outcome.diagnostics)) return undefined;
  // Opened only when the compile cache cannot answer.
  let compiler: ReturnType<typeof openCompiler> | undefined;
  try {
    const compiled = await compileTree(outcome.tree, () => (compiler ??= openCompiler()));
    for (const d of compiled.diagnostics) io.err(`${d.file}:${d.line}:${d.column}: ${d.level}: ${d.code}: ${d.message}`);
    if (compiled.diagnostics.some((d) => d.level !== "info")) {
      io.err(`codemie-gitops: the rendered Bicep of ${file} does not compile cleanly`);
      return undefined;
    }
    return { env: outcome.env, capacity: outcome.plan, tree: compiled.tree };
  } finally {
    if (compiler) await (await compiler).close();
  }
}
