// The rendered GitOps tree of every shipped environment, checked the way Flux would use it:
// each manifest against the real Flux/Kubernetes/ESO schemas, each kustomization built by the
// real kustomize (and its output validated again after Flux's substitution), plus the
// properties the product promises: the table's sizes, the install order, no secret values,
// nothing for disabled components, byte-identical re-renders.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../../src/catalogue/components.js";
import type { Environment } from "../../../src/model/environment.js";
import { FLUX, substitutionVariables, vaultSecrets } from "../../../src/render/gitops/contract.js";
import { substitutionVariablesIn } from "../../../src/render/gitops/flux.js";
import { planGitops, type ReleasePlan } from "../../../src/render/gitops/plan.js";
import { gitopsRoot } from "../../../src/render/gitops/render.js";
import type { RenderedTree } from "../../../src/render/tree.js";
import { validateYamlStream } from "../../support/k8s-validate.js";
import { kustomizeBuild } from "../../support/kustomize.js";
import { ENV_NAMES, at, docs, loadEnv, render, substituted, writeTree, type Doc } from "./support.js";

interface Rendered {
  env: Environment;
  tree: RenderedTree;
  dir: string;
  /** kustomize output per kustomization directory (relative to the GitOps root). */
  built: Map<string, string>;
}

const rendered = new Map<string, Rendered>();
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(os.tmpdir(), "codemie-gitops-tree-"));
  await Promise.all(
    ENV_NAMES.map(async (name) => {
      const env = loadEnv(name);
      const tree = await render(env);
      const dir = join(tmp, name);
      await writeTree(dir, env, tree);
      const root = gitopsRoot(env);
      const dirs = [...tree.keys()]
        .filter((p) => p.endsWith("/kustomization.yaml"))
        .map((p) => p.slice(root.length + 1, -"/kustomization.yaml".length));
      dirs.push(...[...tree.keys()].filter((p) => p === `${root}/kustomization.yaml`).map(() => ""));
      const built = new Map<string, string>();
      await Promise.all([...new Set(dirs)].map(async (d) => built.set(d, await kustomizeBuild(join(dir, root, d)))));
      rendered.set(name, { env, tree, dir, built });
    }),
  );
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function get(name: string): Rendered {
  const r = rendered.get(name);
  if (!r) throw new Error(`${name} was not rendered`);
  return r;
}

/** Every object kustomize builds for the environment, after Flux's substitution. */
function builtObjects(r: Rendered): Doc[] {
  return [...r.built.values()].flatMap((text) => docs(substituted(r.env, text)));
}

function helmReleases(r: Rendered): Doc[] {
  return builtObjects(r).filter((d) => d.kind === "HelmRelease");
}

function releaseValues(r: Rendered, hr: Doc): Doc {
  const meta = hr.metadata as { namespace: string };
  const ref = (at(hr, "spec.valuesFrom") as Array<{ name: string }>)[0];
  const cm = builtObjects(r).find(
    (d) =>
      d.kind === "ConfigMap" && at(d, "metadata.name") === ref?.name && at(d, "metadata.namespace") === meta.namespace,
  );
  if (!cm) throw new Error(`no ConfigMap ${ref?.name} for HelmRelease ${String(at(hr, "metadata.name"))}`);
  return yaml.load((cm.data as Record<string, string>)["values.yaml"] ?? "") as Doc;
}

describe.each(ENV_NAMES)("environments/%s.yaml", (name) => {
  it("renders a tree whose every manifest validates against the Flux, Kubernetes and ESO schemas", () => {
    const { tree } = get(name);
    const errors: string[] = [];
    let manifests = 0;
    for (const [path, content] of tree) {
      if (!path.endsWith(".yaml")) continue; // Job scripts and data: jobs.test.ts runs them
      if (path.endsWith("/values.yaml") || path.endsWith("/kustomizeconfig.yaml")) {
        expect(() => yaml.load(content), path).not.toThrow();
        continue;
      }
      manifests++;
      errors.push(...validateYamlStream(content, path));
    }
    expect(errors).toEqual([]);
    expect(manifests).toBeGreaterThan(10);
  });

  it(
    "builds every kustomization with kubectl kustomize, and the output " +
      "validates before and after Flux substitution",
    () => {
      const r = get(name);
      expect(r.built.size).toBeGreaterThanOrEqual(6);
      for (const [dir, text] of r.built) {
        expect(validateYamlStream(text, `kustomize ${dir || "."}`)).toEqual([]);
        expect(validateYamlStream(substituted(r.env, text), `substituted ${dir || "."}`)).toEqual([]);
      }
    },
  );

  it("points every HelmRelease at its generated, content-hashed values ConfigMap", () => {
    const r = get(name);
    const objects = builtObjects(r);
    for (const hr of helmReleases(r)) {
      const ref = (at(hr, "spec.valuesFrom") as Array<{ kind: string; name: string; valuesKey: string }>)[0];
      expect(ref?.kind).toBe("ConfigMap");
      expect(ref?.name).toMatch(new RegExp(`^${String(at(hr, "metadata.name"))}-values-[a-z0-9]{10}$`));
      const cm = objects.find(
        (d) =>
          d.kind === "ConfigMap" &&
          at(d, "metadata.name") === ref?.name &&
          at(d, "metadata.namespace") === at(hr, "metadata.namespace"),
      );
      expect(cm, `ConfigMap ${ref?.name}`).toBeDefined();
      expect(typeof (cm?.data as Record<string, unknown>)["values.yaml"]).toBe("string");
    }
  });

  it("gives every enabled component of the table a HelmRelease carrying its replicas and resources", () => {
    const r = get(name);
    const plan = planGitops(r.env);
    const hrs = helmReleases(r);
    for (const c of r.env.components) {
      if (!c.enabled) continue;
      const releases = plan.releases.filter((p) => p.component === c.key);
      expect(releases.length, c.key).toBeGreaterThan(0);
      for (const p of releases) {
        const hr = hrs.find(
          (d) => at(d, "metadata.name") === p.release && at(d, "spec.targetNamespace") === p.namespace,
        );
        expect(hr, `HelmRelease ${p.release}`).toBeDefined();
        const size = p.companion ? c.companion : c;
        if (!size) throw new Error(`${c.key} has no companion ${p.companion ?? ""}`);
        const values = releaseValues(r, hr as Doc);
        const sizing = p.values.sizing;
        if (!sizing) throw new Error(`${p.release} declares no sizing paths`);
        if (c.kind !== "DaemonSet")
          expect(at(values, sizing.replicas ?? "replicaCount"), `${p.release} replicas`).toBe(size.replicas);
        const resources = at(values, sizing.resources) as {
          requests: Record<string, unknown>;
          limits: Record<string, unknown>;
        };
        expect(resources.requests.cpu, `${p.release} cpu`).toBe(size.cpu);
        expect(resources.requests.memory, `${p.release} memory`).toBe(size.memory);
        expect(resources.limits.memory, `${p.release} memory limit = request`).toBe(size.memory);
        expect(resources.limits.cpu ?? null, `${p.release} has no CPU limit`).toBeNull();
      }
    }
  });

  it(
    "orders releases only where one needs another: every dependsOn is a " +
      "stated need on an earlier release, acyclic",
    () => {
      const r = get(name);
      const plan = planGitops(r.env);
      const hrs = helmReleases(r);
      const edges = new Map<string, string[]>();
      for (const hr of hrs) {
        expect(at(hr, "metadata.namespace"), "HelmReleases live beside their sources").toBe(FLUX.namespace);
        const deps = (at(hr, "spec.dependsOn") as Array<{ name: string; namespace?: string }> | undefined) ?? [];
        for (const d of deps) expect(d.namespace ?? FLUX.namespace).toBe(FLUX.namespace);
        edges.set(
          String(at(hr, "metadata.name")),
          deps.map((d) => d.name),
        );
      }
      const byRelease = new Map(plan.releases.map((p: ReleasePlan) => [p.release, p]));
      for (const [from, deps] of edges) {
        const stated = byRelease.get(from)?.dependsOn ?? [];
        expect(deps, from).toEqual(stated.map((d) => d.name));
        for (const d of deps) {
          expect(edges.has(d), `${from} depends on missing ${d}`).toBe(true);
          expect(byRelease.get(d)?.order ?? Infinity, `${from} waits on ${d}, which installs later`).toBeLessThan(
            byRelease.get(from)?.order ?? 0,
          );
        }
      }
      // Most releases wait on nothing: one slow release never blocks unrelated ones.
      expect([...edges.values()].filter((d) => d.length === 0).length).toBeGreaterThan(edges.size / 2);
    },
  );

  it(
    "layers the Flux Kustomizations in order, each health-checking its " + "releases and depending on the layer before",
    () => {
      const r = get(name);
      const plan = planGitops(r.env);
      const built = docs(r.built.get("") ?? "").filter((d) => d.kind === "Kustomization");
      expect(built.map((l) => at(l, "metadata.name")).sort()).toEqual(plan.layers.map((l) => l.name).sort());
      const layers = plan.layers.map((l) => built.find((d) => at(d, "metadata.name") === l.name) as Doc);
      layers.forEach((l, i) => {
        const previous = layers[i - 1];
        expect(at(l, "spec.dependsOn"), String(at(l, "metadata.name"))).toEqual(
          previous ? [{ name: at(previous, "metadata.name") }] : undefined,
        );
        expect(at(l, "spec.postBuild.substituteFrom")).toEqual([{ kind: "ConfigMap", name: "codemie-infra-outputs" }]);
        expect(at(l, "spec.path")).toBe(`./${gitopsRoot(r.env)}/${plan.layers[i]?.layer ?? ""}`);
      });
      for (const l of plan.layers) {
        const checks =
          (at(
            built.find((d) => at(d, "metadata.name") === l.name),
            "spec.healthChecks",
          ) as Array<{ kind: string; name: string }>) ?? [];
        for (const rel of l.releases)
          expect(
            checks.some((c) => c.kind === "HelmRelease" && c.name === rel.release),
            `${l.name} checks ${rel.release}`,
          ).toBe(true);
      }
      // Layers never interleave the install order.
      const orders = plan.layers.map((l) => l.releases.map((x) => x.order)).filter((o) => o.length > 0);
      for (let i = 1; i < orders.length; i++)
        expect(Math.min(...(orders[i] ?? []))).toBeGreaterThan(Math.max(...(orders[i - 1] ?? [])));
    },
  );

  it("references exactly the deploy outputs the contract names, and nothing else can be substituted", () => {
    const r = get(name);
    const used = new Set<string>();
    for (const content of r.tree.values()) for (const v of substitutionVariablesIn(content)) used.add(v);
    expect([...used].sort()).toEqual(substitutionVariables(r.env).map((v) => v.name));
  });

  it("reads exactly the Key Vault secrets of the contract, through ExternalSecrets of a ClusterSecretStore", () => {
    const r = get(name);
    const objects = builtObjects(r);
    const external = objects.filter((d) => d.kind === "ExternalSecret");
    const keys = new Set(
      external.flatMap((e) =>
        (at(e, "spec.data") as Array<{ remoteRef: { key: string } }>).map((d) => d.remoteRef.key),
      ),
    );
    expect([...keys].sort()).toEqual(
      vaultSecrets(r.env)
        .filter((s) => !s.deployOnly)
        .map((s) => s.name)
        .sort(),
    );
    for (const e of external)
      expect(at(e, "spec.secretStoreRef")).toEqual({ kind: "ClusterSecretStore", name: "azure-key-vault" });
    const store = objects.find((d) => d.kind === "ClusterSecretStore");
    expect(at(store, "spec.provider.azurekv.authType")).toBe("WorkloadIdentity");
    expect(at(store, "spec.provider.azurekv.vaultUrl")).toBe("dummy-key-vault-uri");
    const namespaces = (at(store, "spec.conditions") as Array<{ namespaces: string[] }>)[0]?.namespaces;
    expect(namespaces).toEqual([...new Set(external.map((e) => at(e, "metadata.namespace") as string))].sort());
  });

  it("contains no secret value: no key material, no long random strings, no password that is not a reference", () => {
    const { tree } = get(name);
    expect(secretFindings(tree)).toEqual([]);
  });

  it("renders nothing for disabled components", () => {
    const r = get(name);
    const disabled = r.env.components.filter((c) => !c.enabled);
    const text = [...r.tree].map(([p, c]) => `${p}\n${c}`).join("\n");
    for (const c of disabled) {
      const row = COMPONENTS.find((x) => x.key === c.key);
      const release = row && "release" in row ? row.release : undefined;
      expect(release).toBeDefined();
      expect(text.includes(release as string), `${c.key} (${release ?? ""}) appears in the tree`).toBe(false);
      expect(helmReleases(r).some((hr) => String(at(hr, "metadata.name")).startsWith(release as string))).toBe(false);
    }
  });

  it("renders byte-identical trees from the same environment", async () => {
    const r = get(name);
    const again = await render(loadEnv(name));
    expect([...again.keys()]).toEqual([...r.tree.keys()]);
    for (const [path, content] of r.tree) expect(again.get(path), path).toBe(content);
  });

  it("starts every file with the generated-file header", () => {
    const r = get(name);
    for (const [path, content] of r.tree) {
      expect(content.split("\n")[0], path).toBe(
        `# Generated by codemie-gitops from ${r.env.file}. Do not edit by hand: ` +
          `change the environment file and render again.`,
      );
    }
  });
});

it("renders dev without NATS and the LLM proxy (dev.yaml disables both)", () => {
  const r = get("dev");
  const names = helmReleases(r).map((hr) => at(hr, "metadata.name"));
  expect(names).not.toContain("codemie-nats");
  expect(names).not.toContain("codemie-nats-auth-callout");
  expect(names).not.toContain("litellm");
  expect([...r.tree.keys()].some((p) => p.includes("llm-proxy") || p.includes("nats"))).toBe(false);
  const namespaces = builtObjects(r)
    .filter((d) => d.kind === "Namespace")
    .map((d) => at(d, "metadata.name"));
  expect(namespaces).not.toContain("litellm");
  expect(get("prod").tree.has("clusters/prod/llm-proxy/litellm/helmrelease.yaml")).toBe(true);
  expect(get("prod").tree.has("clusters/prod/applications/codemie-nats-auth-callout/values.yaml")).toBe(true);
});

// ---------------------------------------------------------------------------------------------
// Secret scanner

/** Values a secret-looking key may hold: references to secrets, never secrets. */
const REFERENCE = [
  /^\{\{ \.[A-Za-z]+ \}\}$/, // ESO template of a Key Vault value
  /^\{\{ \.[A-Za-z]+ \| [^}]+\}\}$/, // ESO template with a function (filterPEM, toJson)
  /^\$\{[A-Z_]+\}$/, // Flux or application environment reference
  /^os\.environ\/[A-Z_]+$/, // LiteLLM environment reference
  /^\$[a-z0-9-]+:[a-z0-9-]+$/, // Keycloak operator secret reference ($secret:key)
  /^<< \$[A-Z_]+ >>$/, // NATS environment reference
];

/** Keys whose value names a Secret or a key inside one (an identifier, not a value). */
const NAME_KEY = /^(name|key|secret|secretKey|secretName|usernameKey|passwordKey)$|Secret$|SecretName$|SecretKey$/;

const SECRET_KEY =
  /(passw(or)?d|passwd|secret|token|api[_-]?key|master[_-]?key|private[_-]?key|encryption[_-]?key|credential)/i;

function allowed(key: string, value: string): boolean {
  if (REFERENCE.some((re) => re.test(value)) || /^(true|false|[0-9]+)$/.test(value)) return true;
  return NAME_KEY.test(key) && /^[A-Za-z0-9][-A-Za-z0-9._]*$/.test(value);
}

/** Secret-shaped content of a tree, read as Flux applies it (`$$` is a literal `$`). */
function secretFindings(tree: RenderedTree): string[] {
  const findings: string[] = [];
  for (const [path, raw] of tree) {
    const content = raw.replace(/\$\$/g, "$");
    if (content.includes("-----BEGIN")) findings.push(`${path}: PEM block`);
    for (const m of content.matchAll(/[A-Za-z0-9+/]{32,}={0,2}/g)) {
      const run = m[0];
      // Paths and URLs are long runs of letters and slashes; random material mixes case and digits.
      if (/[0-9]/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run) && !run.includes("/"))
        findings.push(`${path}: base64-like run ${run.slice(0, 12)}…`);
    }
    for (const m of content.matchAll(/\b[0-9a-fA-F]{32,}\b/g)) findings.push(`${path}: hex run ${m[0].slice(0, 12)}…`);
    // key = value, key: value and "key value" lines, also inside embedded configuration (TOML, Fluent Bit, kibana.yml)
    for (const m of content.matchAll(/^[ \t]*"?([A-Za-z_.]+)"?[ \t]*(?:=|:|[ \t])[ \t]*"?([^"\n]*?)"?[ \t]*$/gm)) {
      const key = m[1] ?? "";
      const value = (m[2] ?? "").trim();
      if (SECRET_KEY.test(key) && value !== "" && value !== "|" && !allowed(key, value))
        findings.push(`${path}: ${key} = ${value}`);
    }
    if (path.endsWith(".yaml")) {
      for (const doc of yaml.loadAll(content))
        walk(doc, [], (keyPath, value) => {
          const key = keyPath[keyPath.length - 1] ?? "";
          if (SECRET_KEY.test(key) && typeof value === "string" && !allowed(key, value))
            findings.push(`${path}: ${keyPath.join(".")} = ${value}`);
        });
    }
  }
  return findings;
}

function walk(node: unknown, path: string[], visit: (path: string[], value: unknown) => void): void {
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, String(i)], visit));
  else if (node !== null && typeof node === "object")
    for (const [k, v] of Object.entries(node)) walk(v, [...path, k], visit);
  else visit(path, node);
}

it("the secret scanner catches planted secrets (positive control)", () => {
  const planted = (content: string): RenderedTree => new Map([["clusters/x/secret.yaml", content]]);
  expect(secretFindings(planted("password: hunter2-is-my-password\n"))).not.toEqual([]);
  expect(secretFindings(planted("data:\n  token: c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Njc4OTBBQkNERUY=\n"))).not.toEqual([]);
  expect(secretFindings(planted("key: |\n  -----BEGIN PRIVATE KEY-----\n"))).not.toEqual([]);
  expect(secretFindings(planted("x: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"))).not.toEqual(
    [],
  );
  expect(secretFindings(planted("config: |\n  HTTP_Passwd  s3cr3tS3cr3t\n"))).not.toEqual([]);
  expect(secretFindings(planted("existingSecret: keycloak-postgresql-password\n"))).toEqual([]);
  expect(secretFindings(planted('password: "{{ .password }}"\nconfig: |\n  HTTP_Passwd $${ES_PASSWORD}\n'))).toEqual(
    [],
  );
});
