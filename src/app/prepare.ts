// What plan, deploy and status start from: the environment file read by name, with --subscription
// applied first so every derived name and reference follows it; loaded (status) or loaded,
// rendered and compiled with one Bicep session (plan, deploy). Diagnostics come back as data.
import { isScalar, parseDocument } from "yaml";
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";
import type { BicepCompiler } from "../adapters/bicep/session.js";
import { UsageError } from "../adapters/environment-files.js";
import type { CapacityPlan } from "../capacity/plan.js";
import { hasErrors, type Diagnostic } from "../config/diagnostics.js";
import { loadEnvironment } from "./load.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import { compileTree } from "./compile-tree.js";
import type { EnvironmentFile, EnvironmentFiles } from "./environment-files.js";
import { renderSources } from "./render-environment.js";
import type { Toolchain } from "./toolchain.js";
import type { Locate } from "../engine/preflight/run.js";

/** One environment, named as `--env NAME` names it, optionally in another subscription. */
export interface EnvironmentRef {
  name: string;
  /** Replaces azure.subscriptionId (a GUID, checked by the face). */
  subscription?: string;
}

/**
 * The file's text with azure.subscriptionId replaced in place: the rest of the file, and so the
 * positions in any diagnostic, stay as written.
 */
export function withSubscription(text: string, subscriptionId: string): string {
  const node = parseDocument(text).getIn(["azure", "subscriptionId"], true);
  if (!isScalar(node) || !node.range)
    throw new UsageError("--subscription: the environment file has no azure.subscriptionId to replace");
  return `${text.slice(0, node.range[0])}${subscriptionId}${text.slice(node.range[1])}`;
}

async function readSource(ref: EnvironmentRef, files: EnvironmentFiles): Promise<EnvironmentFile> {
  const { file, text } = await files.read(files.pathOf(ref.name));
  return { file, text: ref.subscription ? withSubscription(text, ref.subscription) : text };
}

export interface Loaded {
  file: string;
  /** Absent when the file has errors. */
  env?: Environment;
  diagnostics: Diagnostic[];
}

/** The environment alone (status needs no rendering). */
export async function loadNamed(ref: EnvironmentRef, files: EnvironmentFiles): Promise<Loaded> {
  const { file, text } = await readSource(ref, files);
  const { env, diagnostics } = loadEnvironment(file, text);
  return { file, ...(env ? { env } : {}), diagnostics };
}

interface PreparedBase {
  file: string;
  /** Environment diagnostics (validation and capacity). */
  diagnostics: Diagnostic[];
  /** What the Bicep compiler said about the rendered Bicep, info included. */
  bicepDiagnostics: BicepDiagnostic[];
}

export type Prepared =
  | (PreparedBase & {
      ok: true;
      env: Environment;
      capacity: CapacityPlan;
      /** Compiled: bicep/*.json included. */
      tree: RenderedTree;
      /** Where a field is written in the file, for findings made after loading (the preflight). */
      locate: Locate;
    })
  /** "invalid": the file has errors; "bicep": the rendered Bicep does not compile cleanly (warnings count). */
  | (PreparedBase & { ok: false; failure: "invalid" | "bicep" });

export interface PreparePorts {
  files: EnvironmentFiles;
  toolchain: Toolchain;
}

export async function prepareNamed(ref: EnvironmentRef, ports: PreparePorts): Promise<Prepared> {
  const { file, text } = await readSource(ref, ports.files);
  const outcome = renderSources(file, text, await ports.toolchain.toolkit());
  const base = { file, diagnostics: outcome.diagnostics, bicepDiagnostics: [] };
  if (!outcome.env || !outcome.plan || !outcome.tree || hasErrors(outcome.diagnostics))
    return { ...base, ok: false, failure: "invalid" };
  // Opened only when the compile cache cannot answer.
  let compiler: Promise<BicepCompiler> | undefined;
  try {
    const compiled = await compileTree(outcome.tree, () => (compiler ??= ports.toolchain.openCompiler()));
    const result = { ...base, bicepDiagnostics: compiled.diagnostics };
    if (compiled.diagnostics.some((d) => d.level !== "info")) return { ...result, ok: false, failure: "bicep" };
    const source = outcome.source;
    const locate: Locate = (path) => (source ? source.locate(path) : { line: 1, column: 1 });
    return { ...result, ok: true, env: outcome.env, capacity: outcome.plan, tree: compiled.tree, locate };
  } finally {
    if (compiler) await (await compiler).close();
  }
}

/** The line that closes a run whose rendered Bicep does not compile. */
export function notCompilingLine(file: string): string {
  return `codemie-gitops: the rendered Bicep of ${file} does not compile cleanly`;
}
