// The Kubernetes objects a change adds, changes and removes, release by release: what the charts
// render for the published GitOps branch against what they render for the change. Pure: it
// compares rendered objects. Field paths name list items by their `name` where a list has one
// (containers, env, ports, volumes), so a diff reads `containers[api].image`, not `[0]`.
// Secret values never leave here: a Secret's data shows which keys changed, not their values.
import type { Manifest } from "./helm-release.js";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface FieldChange {
  path: string;
  /** Compact JSON of the value; absent when the field did not (before) or does not (after) exist. */
  before?: string;
  after?: string;
  /** For a multi-line string: its removed ("- ") and added ("+ ") lines, instead of before/after. */
  lines?: string[];
}

export interface ObjectChange {
  change: "added" | "changed" | "removed";
  object: ObjectRef;
  /** The changed fields (changed objects only). */
  fields: FieldChange[];
}

export type ReleaseDiff = {
  /** HelmRelease namespace/name. */
  release: string;
  chart: string;
} & (
  | { status: "added" | "removed" | "changed"; objects: ObjectChange[]; unchangedObjects: number; varying?: string[] }
  /** The release differs but one side could not be rendered. */
  | { status: "not-compared"; reason: string }
);

export type KubernetesDiff =
  | { status: "compared"; helmVersion: string; releases: ReleaseDiff[]; unchangedReleases: number }
  /** No comparison was made, and why (offline plan, nothing changed on the branch). */
  | { status: "skipped"; reason: string }
  | { status: "unavailable"; reason: string };

/** Longest value shown; --json shows the same compact form. */
const VALUE_LIMIT = 160;
/** Multi-line strings (configuration files in ConfigMaps) are compared line by line up to this size. */
const LINE_DIFF_LIMIT = 2_000;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Kinds that live in no namespace: Helm leaves every other object's namespace to the release's. */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "PersistentVolume",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
  "ClusterSecretStore",
  "ClusterExternalSecret",
  "ClusterGenerator",
  "ClusterKeycloak",
  "ClusterKeycloakRealm",
  "CSIDriver",
  "RuntimeClass",
]);

/** The object's identity; `namespace` is the release's, for namespaced objects a chart leaves it to. */
export function refOf(o: Manifest, namespace?: string): ObjectRef {
  const kind = String(o.kind ?? "");
  const ns =
    typeof o.metadata?.namespace === "string" ? o.metadata.namespace : CLUSTER_SCOPED.has(kind) ? undefined : namespace;
  return {
    apiVersion: String(o.apiVersion ?? ""),
    kind,
    ...(ns !== undefined ? { namespace: ns } : {}),
    name: String(o.metadata?.name ?? ""),
  };
}

/** Objects are the same object when kind, namespace and name match (an apiVersion move is a change). */
const identity = (r: ObjectRef): string => `${r.kind}\u0000${r.namespace ?? ""}\u0000${r.name}`;

export function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

function order(a: ObjectChange, b: ObjectChange): number {
  const x = describeRef(a.object);
  const y = describeRef(b.object);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The objects of `after` against those of `before`. `varying` lists field paths that differ
 * between two renders of the same input (random passwords, generated certificates): they are
 * left out, so only the change shows.
 */
export function diffObjects(
  before: readonly Manifest[],
  after: readonly Manifest[],
  varying: ReadonlySet<string> = new Set(),
  namespace?: string,
): { objects: ObjectChange[]; unchanged: number } {
  const old = new Map(before.map((o) => [identity(refOf(o, namespace)), o]));
  const now = new Map(after.map((o) => [identity(refOf(o, namespace)), o]));
  const objects: ObjectChange[] = [];
  let unchanged = 0;
  for (const [id, o] of now) {
    const was = old.get(id);
    if (!was) {
      objects.push({ change: "added", object: refOf(o, namespace), fields: [] });
      continue;
    }
    const secret = o.kind === "Secret";
    const fields = diffValues(was, o, "", secret).filter((f) => !varying.has(`${id}\u0000${f.path}`));
    if (fields.length === 0) unchanged += 1;
    else objects.push({ change: "changed", object: refOf(o, namespace), fields });
  }
  for (const [id, o] of old)
    if (!now.has(id)) objects.push({ change: "removed", object: refOf(o, namespace), fields: [] });
  return { objects: objects.sort(order), unchanged };
}

/** Field paths that differ between two renders of the same input, keyed for diffObjects. */
export function varyingFields(
  first: readonly Manifest[],
  second: readonly Manifest[],
  namespace?: string,
): Set<string> {
  const out = new Set<string>();
  const other = new Map(second.map((o) => [identity(refOf(o, namespace)), o]));
  for (const o of first) {
    const id = identity(refOf(o, namespace));
    const twin = other.get(id);
    if (twin) for (const f of diffValues(o, twin, "", false)) out.add(`${id}\u0000${f.path}`);
  }
  return out;
}

function key(path: string, k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
}

/** A list whose items all carry a distinct string `name`: matched by name, not position. */
function named(list: unknown[]): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== "string" || out.has(item.name)) return undefined;
    out.set(item.name, item);
  }
  return out;
}

function compact(v: unknown, hidden: boolean): string {
  if (hidden) return "(hidden)";
  const text = JSON.stringify(v) ?? "null";
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}

function leaf(path: string, before: unknown, after: unknown, hidden: boolean): FieldChange {
  return {
    path,
    ...(before === undefined ? {} : { before: compact(before, hidden) }),
    ...(after === undefined ? {} : { after: compact(after, hidden) }),
  };
}

function diffValues(before: unknown, after: unknown, path: string, secret: boolean): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  // A Secret's data and stringData: which key changed, never its value.
  const hidden = secret && /^(data|stringData)[.[]/.test(path);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], key(path, k), secret));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = named(before);
    const b = named(after);
    if (a && b) {
      const names = [...new Set([...a.keys(), ...b.keys()])];
      return names.flatMap((n) => diffValues(a.get(n), b.get(n), `${path}[${n}]`, secret));
    }
    if (before.length === after.length)
      return before.flatMap((v, i) => diffValues(v, after[i], `${path}[${i}]`, secret));
  }
  if (secret && (path === "data" || path === "stringData")) {
    return diffValues(isObject(before) ? before : {}, isObject(after) ? after : {}, path, secret);
  }
  if (
    !hidden &&
    typeof before === "string" &&
    typeof after === "string" &&
    before.includes("\n") &&
    after.includes("\n")
  ) {
    const lines = lineDiff(before.split("\n"), after.split("\n"));
    if (lines) return [{ path, lines }];
  }
  return [leaf(path, before, after, hidden || (secret && (path === "data" || path === "stringData")))];
}

/** The lines only one side has, in order (longest common subsequence); undefined when too long to compare. */
function lineDiff(a: string[], b: string[]): string[] | undefined {
  if (a.length > LINE_DIFF_LIMIT || b.length > LINE_DIFF_LIMIT) return undefined;
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i -= 1)
    for (let j = m - 1; j >= 0; j -= 1)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i += 1;
      j += 1;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}
