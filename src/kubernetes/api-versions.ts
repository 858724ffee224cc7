// The API versions a chart sees in `.Capabilities.APIVersions` beyond Kubernetes' own: what the
// cluster serves once the tree is applied. That is every group/version the tree's objects use
// (Flux's kinds, ExternalSecrets, which the cluster must serve for Flux to apply them) and every
// version the releases' CRDs serve (keycloak-operator, external-secrets), as "group/version" and
// "group/version/Kind", the two forms `helm template --api-versions` and charts use.
import type { Manifest } from "./helm-release.js";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** group/version and group/version/Kind of each object with a non-core apiVersion. */
export function apiVersionsUsed(objects: readonly Manifest[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    if (typeof o.apiVersion !== "string" || !o.apiVersion.includes("/") || typeof o.kind !== "string") continue;
    out.add(o.apiVersion);
    out.add(`${o.apiVersion}/${o.kind}`);
  }
  return [...out].sort();
}

/** group/version and group/version/Kind of every served version of the CRDs among the objects. */
export function apiVersionsServed(objects: readonly Manifest[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== "CustomResourceDefinition" || !isObject(o.spec)) continue;
    const { group, names, versions } = o.spec;
    const kind = isObject(names) ? names.kind : undefined;
    if (typeof group !== "string" || typeof kind !== "string" || !Array.isArray(versions)) continue;
    for (const v of versions) {
      if (!isObject(v) || typeof v.name !== "string" || v.served === false) continue;
      out.add(`${group}/${v.name}`);
      out.add(`${group}/${v.name}/${kind}`);
    }
  }
  return [...out].sort();
}

/**
 * What a chart's templates ask `.Capabilities.APIVersions.Has`: the literal strings, and whether
 * any question is computed (then any change of the served set may change the output).
 */
export function capabilityQuestions(templates: string): { literals: Set<string>; computed: boolean } {
  const literals = new Set<string>();
  let computed = false;
  for (const m of templates.matchAll(/APIVersions(\.Has\s+"([^"]*)")?/g)) {
    if (m[2] !== undefined) literals.add(m[2]);
    else computed = true;
  }
  return { literals, computed };
}

/** True when a chart with these questions can render differently with `added` served as well. */
export function asksAbout(
  questions: { literals: ReadonlySet<string>; computed: boolean },
  added: readonly string[],
): boolean {
  return questions.computed || added.some((v) => questions.literals.has(v));
}
