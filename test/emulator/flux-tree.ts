// What the AKS Flux extension's controllers make of the tree at a commit. The configuration is
// read from the latest succeeded deployment that declares it (its kustomizations and the
// extension's multiTenancy.enforce setting, true when unset as on AKS); the files come from the
// GitOps repository at that commit; the verdict is the Flux model's walk of a first reconcile
// under the flags the extension gives the controllers. A refused tree never turns Compliant,
// whatever the test scripted, and each refused object carries the controller's message.
import { execFileSync } from "node:child_process";
import {
  checkFluxTree,
  extensionFlags,
  type FluxConfigurationModel,
  type FluxViolation,
} from "../../src/render/gitops/flux-model/check.js";
import type { EmulatorState } from "./context.js";
import { declaredResources, isExpression, isRecord, nestedScopes, resolve, type TemplateScope } from "./templates.js";

const FLUX_TYPE = "microsoft.kubernetesconfiguration/fluxconfigurations";
const EXTENSION_TYPE = "microsoft.kubernetesconfiguration/extensions";
/** The account the extension creates in the configuration's namespace and its controllers impersonate. */
const APPLIER = "flux-applier";
/** fluxConfigurations' default kustomization timeout. */
const DEFAULT_TIMEOUT_SECONDS = 600;

interface Deployed {
  config: FluxConfigurationModel;
  enforce: boolean;
}

/**
 * Each declaration of the fluxConfiguration `name` in the succeeded deployments, newest first, nested templates
 * included: its properties and the template scope that resolves them.
 */
export function* fluxDeclarations(
  state: EmulatorState,
  name: string,
): Generator<{ properties: Record<string, unknown>; scope: TemplateScope }> {
  const succeeded = [...state.deployments.values()]
    .filter((d) => d.state === "Succeeded")
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  for (const d of succeeded) {
    for (const scope of nestedScopes({ template: d.template, parameters: d.parameters })) {
      for (const { resource } of declaredResources(scope.template)) {
        if (
          String(resource.type).toLowerCase() === FLUX_TYPE &&
          String(resolve(resource.name, scope)).toLowerCase() === name.toLowerCase()
        )
          yield { properties: isRecord(resource.properties) ? resource.properties : {}, scope };
      }
    }
  }
}

/** The configuration as deployed, or undefined when no deployment declares its kustomizations. */
function deployedConfiguration(state: EmulatorState, name: string): Deployed | undefined {
  for (const { properties, scope } of fluxDeclarations(state, name)) {
    const kustomizations = kustomizationsOf(properties.kustomizations, scope);
    if (!kustomizations) return undefined;
    const namespace = resolve(properties.namespace, scope);
    return {
      config: { name, namespace: typeof namespace === "string" ? namespace : "flux-system", kustomizations },
      enforce: multiTenancyEnforced(scope),
    };
  }
  return undefined;
}

function kustomizationsOf(value: unknown, scope: TemplateScope): FluxConfigurationModel["kustomizations"] | undefined {
  // Bicep writes `toObject(parameters('kustomizations'), k => {...})`: the items are the parameter's.
  if (isExpression(value)) {
    const param = /parameters\('([^']+)'\)/.exec(value)?.[1];
    const items = param ? resolve(`[parameters('${param}')]`, scope) : undefined;
    if (!Array.isArray(items)) return undefined;
    const wait = /'wait',\s*true\(\)/.test(value);
    return items.filter(isRecord).map((k) => ({
      name: String(k.name),
      path: String(k.path ?? ""),
      dependsOn: Array.isArray(k.dependsOn) ? k.dependsOn.map(String) : [],
      timeoutSeconds: typeof k.timeoutSeconds === "number" ? k.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS,
      wait,
    }));
  }
  if (!isRecord(value)) return undefined;
  return Object.entries(value)
    .filter(([, k]) => isRecord(k))
    .map(([key, k]) => {
      const spec = k as Record<string, unknown>;
      const timeout = resolve(spec.timeoutInSeconds, scope);
      return {
        name: key,
        path: String(resolve(spec.path, scope) ?? ""),
        dependsOn: Array.isArray(spec.dependsOn) ? spec.dependsOn.map(String) : [],
        timeoutSeconds: typeof timeout === "number" ? timeout : DEFAULT_TIMEOUT_SECONDS,
        wait: resolve(spec.wait, scope) !== false,
      };
    });
}

/** The extension's `multiTenancy.enforce` as deployed beside the configuration; AKS enforces when it is unset. */
function multiTenancyEnforced(scope: TemplateScope): boolean {
  for (const { resource } of declaredResources(scope.template)) {
    if (String(resource.type).toLowerCase() !== EXTENSION_TYPE) continue;
    const settings =
      isRecord(resource.properties) && isRecord(resource.properties.configurationSettings)
        ? resource.properties.configurationSettings
        : {};
    let value = settings["multiTenancy.enforce"];
    const param = typeof value === "string" ? /^\[string\(parameters\('([^']+)'\)\)\]$/.exec(value)?.[1] : undefined;
    if (param) value = String(resolve(`[parameters('${param}')]`, scope));
    return String(resolve(value, scope) ?? "true").toLowerCase() !== "false";
  }
  return true;
}

const trees = new Map<string, Map<string, string>>();

/** Every file of the commit (read once per repository and commit: commits do not change). */
function treeAt(repository: string, sha: string): Map<string, string> {
  const key = `${repository}\u0000${sha}`;
  const cached = trees.get(key);
  if (cached) return cached;
  const git = (args: string[], input?: string): Buffer =>
    execFileSync("git", ["-C", repository, ...args], {
      input,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: 10_000,
      maxBuffer: 64 << 20,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    });
  const entries = git(["ls-tree", "-r", "-z", sha])
    .toString("utf8")
    .split("\0")
    .filter((e) => e !== "");
  const blobs = entries
    .map((e) => /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(e))
    .filter((m): m is RegExpExecArray => m !== null);
  // One `cat-file --batch` for the whole tree: "<sha> blob <size>\n<content>\n" per object.
  const out = git(["cat-file", "--batch"], blobs.map((m) => m[1]).join("\n") + "\n");
  const files = new Map<string, string>();
  let at = 0;
  for (const m of blobs) {
    const header = out.indexOf(0x0a, at);
    const size = Number(out.subarray(at, header).toString("utf8").split(" ")[2]);
    files.set(m[2]!, out.subarray(header + 1, header + 1 + size).toString("utf8"));
    at = header + 1 + size + 1;
  }
  trees.set(key, files);
  return files;
}

/**
 * The controllers' refusals of the tree at `sha`, or undefined when the configuration was never deployed with
 * kustomizations.
 */
export function refusals(
  state: EmulatorState,
  name: string,
  repository: string,
  sha: string,
): FluxViolation[] | undefined {
  const deployed = deployedConfiguration(state, name);
  if (!deployed) return undefined;
  return checkFluxTree(treeAt(repository, sha), deployed.config, extensionFlags(deployed.enforce, APPLIER));
}
