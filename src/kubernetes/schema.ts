// Offline validation of rendered Kubernetes and Flux manifests against the real API schemas.
//
// Schemas come from the kubernetes-models packages (precompiled Ajv validators generated from the
// upstream OpenAPI / Go API types; see the table below for versions). Those validators check types,
// required fields and enums but, like the OpenAPI they come from, never reject unknown fields. The
// API server does (kubectl's default `--validate=strict`), and a misspelt field in a CRD is silently
// pruned, which is worse. So each validation runs on a Proxy of the object that records which keys
// the real validator looked up: a key it never read, in an object where it did read declared
// properties, is a field the schema does not declare. Objects whose schema is a map
// (additionalProperties) are enumerated by the validator and so accept any key; free-form objects
// (x-kubernetes-preserve-unknown-fields, e.g. HelmRelease spec.values) are never read and are
// skipped. No schema is written by hand here.
//
// Only the apiVersion/kind pairs in SUPPORTED_KINDS are accepted; anything else is an error, so
// nothing slips through unvalidated. Versions are the ones served by the clusters we target:
// AKS `microsoft.flux` 1.23.0 ships Flux v2.7.5, which no longer serves source.toolkit.fluxcd.io
// v1beta2 (so OCIRepository is v1); External Secrets Operator >= 0.17 serves only
// external-secrets.io/v1.

import yaml from "js-yaml";
import { Ajv, type ValidateFunction } from "ajv";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { IngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { HelmRelease } from "@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease";
import { GitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository";
import { HelmRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository";
import { OCIRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository";
import { ClusterSecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore";
import { ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import { SecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
// Prettier keeps an import of one name on one line, and these would pass 120 characters.
// prettier-ignore
import {
  MutatingWebhookConfiguration,
} from "kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration";
// prettier-ignore
import {
  ValidatingWebhookConfiguration,
} from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration";
// prettier-ignore
import {
  Kustomization as FluxKustomization,
} from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization";

/** The subset of an Ajv ErrorObject the messages are built from. */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

type SchemaCheck = (data: unknown) => SchemaError[];

export interface SupportedKind {
  apiVersion: string;
  kind: string;
  /** Where the schema comes from (package and upstream API version). */
  schema: string;
  /** Namespaced kinds must be DNS-1123 subdomains; Namespace names are DNS-1123 labels. */
  nameRule: "subdomain" | "label";
}

// A kubernetes-models class carries its compiled validator on its prototype (setValidateFunc);
// calling it with `this` set to a plain object validates that object without copying it.
function checkWith(model: { prototype: object }): SchemaCheck {
  const validate = (model.prototype as { validate: (this: unknown) => void }).validate;
  return (data) => {
    try {
      validate.call(data);
      return [];
    } catch (err) {
      const errors = (err as { errors?: unknown }).errors;
      if (Array.isArray(errors)) return errors as SchemaError[];
      throw err;
    }
  };
}

const CORE = "kubernetes-models 5.1.0 (Kubernetes 1.34+ OpenAPI)";
const FLUX =
  "@kubernetes-models/flux-cd 4.0.0 (Flux Go APIs: source-controller v1.8, " +
  "kustomize-controller v1.8, helm-controller v1.5)";
const ESO = "@kubernetes-models/external-secrets 2.0.0 (External Secrets Go API v0.16.2)";

const TABLE: ReadonlyArray<SupportedKind & { check: SchemaCheck }> = [
  { apiVersion: "v1", kind: "Namespace", schema: CORE, nameRule: "label", check: checkWith(Namespace) },
  { apiVersion: "v1", kind: "ConfigMap", schema: CORE, nameRule: "subdomain", check: checkWith(ConfigMap) },
  { apiVersion: "v1", kind: "ServiceAccount", schema: CORE, nameRule: "subdomain", check: checkWith(ServiceAccount) },
  { apiVersion: "v1", kind: "Service", schema: CORE, nameRule: "label", check: checkWith(Service) },
  { apiVersion: "v1", kind: "Secret", schema: CORE, nameRule: "subdomain", check: checkWith(Secret) },
  { apiVersion: "v1", kind: "Pod", schema: CORE, nameRule: "subdomain", check: checkWith(Pod) },
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(PersistentVolumeClaim),
  },
  { apiVersion: "apps/v1", kind: "StatefulSet", schema: CORE, nameRule: "subdomain", check: checkWith(StatefulSet) },
  { apiVersion: "apps/v1", kind: "Deployment", schema: CORE, nameRule: "subdomain", check: checkWith(Deployment) },
  { apiVersion: "apps/v1", kind: "DaemonSet", schema: CORE, nameRule: "subdomain", check: checkWith(DaemonSet) },
  { apiVersion: "batch/v1", kind: "Job", schema: CORE, nameRule: "subdomain", check: checkWith(Job) },
  { apiVersion: "batch/v1", kind: "CronJob", schema: CORE, nameRule: "subdomain", check: checkWith(CronJob) },
  {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(HorizontalPodAutoscaler),
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(Ingress),
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(IngressClass),
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(NetworkPolicy),
  },
  {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(PodDisruptionBudget),
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(Role),
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(RoleBinding),
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(ClusterRole),
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(ClusterRoleBinding),
  },
  {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(ValidatingWebhookConfiguration),
  },
  {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(MutatingWebhookConfiguration),
  },
  {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(CustomResourceDefinition),
  },
  {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    schema: CORE,
    nameRule: "subdomain",
    check: checkWith(StorageClass),
  },
  {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    schema: FLUX,
    nameRule: "subdomain",
    check: checkWith(GitRepository),
  },
  {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "HelmRepository",
    schema: FLUX,
    nameRule: "subdomain",
    check: checkWith(HelmRepository),
  },
  {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "OCIRepository",
    schema: FLUX,
    nameRule: "subdomain",
    check: checkWith(OCIRepository),
  },
  {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    schema: FLUX,
    nameRule: "subdomain",
    check: checkWith(HelmRelease),
  },
  {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    schema: FLUX,
    nameRule: "subdomain",
    check: checkWith(FluxKustomization),
  },
  {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    schema: ESO,
    nameRule: "subdomain",
    check: checkWith(ExternalSecret),
  },
  {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    schema: ESO,
    nameRule: "subdomain",
    check: checkWith(SecretStore),
  },
  {
    apiVersion: "external-secrets.io/v1",
    kind: "ClusterSecretStore",
    schema: ESO,
    nameRule: "subdomain",
    check: checkWith(ClusterSecretStore),
  },
];

/** Every apiVersion/kind validateManifest accepts, with the schema it is checked against. */
export const SUPPORTED_KINDS: readonly SupportedKind[] = TABLE.map(({ apiVersion, kind, schema, nameRule }) => ({
  apiVersion,
  kind,
  schema,
  nameRule,
}));

// API versions that exist upstream but are not served by what we deploy onto.
const RETIRED: Readonly<Record<string, string>> = {
  "source.toolkit.fluxcd.io/v1beta1": "removed from AKS microsoft.flux 1.23.0 (Flux 2.7)",
  "source.toolkit.fluxcd.io/v1beta2": "removed from AKS microsoft.flux 1.23.0 (Flux 2.7)",
  "helm.toolkit.fluxcd.io/v2beta1": "removed from AKS microsoft.flux 1.23.0 (Flux 2.7)",
  "helm.toolkit.fluxcd.io/v2beta2": "removed from AKS microsoft.flux 1.23.0 (Flux 2.7)",
  "kustomize.toolkit.fluxcd.io/v1beta1": "removed from AKS microsoft.flux 1.23.0 (Flux 2.7)",
  "kustomize.toolkit.fluxcd.io/v1beta2": "removed from AKS microsoft.flux 1.23.0 (Flux 2.7)",
  "external-secrets.io/v1alpha1": "not served since External Secrets Operator 0.17.0",
  "external-secrets.io/v1beta1": "not served since External Secrets Operator 0.17.0",
};

const KUSTOMIZE_CONFIG = "kustomize.config.k8s.io/";

/**
 * True for a kustomize `kustomization.yaml` (Kustomization/Component of kustomize.config.k8s.io): not a cluster object;
 * `kubectl kustomize` checks it.
 */
export function isKustomizeConfig(obj: unknown): boolean {
  if (!isPlainObject(obj)) return false;
  const { apiVersion, kind } = obj;
  return (
    typeof apiVersion === "string" &&
    apiVersion.startsWith(KUSTOMIZE_CONFIG) &&
    (kind === "Kustomization" || kind === "Component")
  );
}

/**
 * Validates one manifest object. Returns human-readable errors, each starting with the JSON path
 * of the offending value; an empty array means valid. kustomize `kustomization.yaml` objects are
 * accepted without checks (kubectl kustomize validates those).
 */
export function validateManifest(obj: unknown, crds?: CustomResourceSchemas): string[] {
  if (!isPlainObject(obj)) return [`manifest must be a mapping, got ${describe(obj)}`];
  if (isKustomizeConfig(obj)) return [];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || apiVersion === "") return ["/apiVersion: required string is missing"];
  if (typeof kind !== "string" || kind === "") return ["/kind: required string is missing"];

  const entry = TABLE.find((e) => e.apiVersion === apiVersion && e.kind === kind);
  const custom = entry ? undefined : crds?.find(apiVersion, kind);
  if (custom) return [...custom(JSON.parse(JSON.stringify(obj))), ...checkMetadata(obj, "subdomain")];
  if (!entry) return [unsupportedMessage(apiVersion, kind)];

  // Validate a JSON copy: that is what reaches the API server, and js-yaml may hand us Dates.
  const data = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const { proxy, nodes } = track(data);
  const errors = nullAware(entry.check(proxy), data).map(formatSchemaError);
  for (const node of nodes) {
    // The CRD validator does not read the keys of nested JSONSchemaProps it accepts (description,
    // x-kubernetes-*), so read tracking says nothing there; the apiextensions schema still applies.
    if (
      node.enumerated ||
      node.read.size === 0 ||
      (kind === "CustomResourceDefinition" && node.path.startsWith("/spec/versions/"))
    )
      continue;
    for (const key of Object.keys(node.value)) {
      if (!node.read.has(key))
        errors.push(`${node.path}/${escapePointer(key)}: unknown field "${key}"${suggest(key, node.read, node.value)}`);
    }
  }
  errors.push(...checkMetadata(data, entry.nameRule));
  return errors;
}

/**
 * Splits a multi-document YAML text and validates each document. Errors are prefixed with
 * `<fileLabel>#<document index> <kind>/<name>`. Empty documents and kustomize
 * `kustomization.yaml` documents are skipped; a YAML syntax error is reported as one error.
 */
export function validateYamlStream(text: string, fileLabel: string): string[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text);
  } catch (err) {
    return [`${fileLabel}: YAML does not parse: ${(err as Error).message}`];
  }
  const errors: string[] = [];
  docs.forEach((doc, index) => {
    if (doc === null || doc === undefined || isKustomizeConfig(doc)) return;
    const where = `${fileLabel}#${index} ${label(doc)}`;
    for (const message of validateManifest(doc)) errors.push(`${where}: ${message}`);
  });
  return errors;
}

function unsupportedMessage(apiVersion: string, kind: string): string {
  const retired = RETIRED[apiVersion];
  const others = TABLE.filter((e) => e.kind === kind).map((e) => e.apiVersion);
  let message =
    `unsupported apiVersion/kind "${apiVersion}" ${kind}: no offline schema ` +
    `is registered for it in src/kubernetes/schema.ts`;
  if (retired) message = `apiVersion "${apiVersion}" for ${kind} is ${retired}`;
  if (others.length > 0) message += `; use ${others.map((v) => `"${v}"`).join(" or ")}`;
  return message;
}

/**
 * A null where the schema wants a value fails every branch of a oneOf (quantities are
 * string-or-number); report it once, saying what the API server makes of it.
 */
function nullAware(errors: SchemaError[], data: unknown): SchemaError[] {
  const nulls = new Set(errors.filter((e) => pointerValue(data, e.instancePath) === null).map((e) => e.instancePath));
  const out = errors.filter((e) => !nulls.has(e.instancePath));
  for (const path of nulls) {
    const quantity = /\/resources\/(limits|requests)\//.test(path);
    out.push({
      instancePath: path,
      keyword: "type",
      params: {},
      message: quantity
        ? "is null; the API server decodes a null quantity as 0 (a 0 limit is " +
          "below any request), so write the quantity or leave the key out"
        : "is null; write a value or leave the key out",
    });
  }
  return out;
}

function pointerValue(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function formatSchemaError(err: SchemaError): string {
  const path = err.instancePath === "" ? "/" : err.instancePath;
  if (err.keyword === "required") return `${path}: missing required field "${String(err.params.missingProperty)}"`;
  if (err.keyword === "enum" && Array.isArray(err.params.allowedValues)) {
    return `${path}: must be one of ${err.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return `${path}: ${err.message ?? err.keyword}`;
}

// API-server object rules that are not part of the OpenAPI schema (apimachinery validation).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkMetadata(data: Record<string, unknown>, nameRule: SupportedKind["nameRule"]): string[] {
  const metadata = data.metadata;
  if (!isPlainObject(metadata)) return ['/metadata: missing required field "name"'];
  const errors: string[] = [];
  const { name, namespace } = metadata;
  if (typeof name !== "string" || name === "") {
    errors.push("/metadata/name: required (generateName is not usable with GitOps apply)");
  } else if (
    nameRule === "label"
      ? !(DNS1123_LABEL.test(name) && name.length <= 63)
      : !(DNS1123_SUBDOMAIN.test(name) && name.length <= 253)
  ) {
    errors.push(
      `/metadata/name: "${name}" is not a valid RFC 1123 ` +
        `${nameRule === "label" ? "label" : "subdomain"} (lower-case ` +
        `alphanumerics and '-'` +
        `${nameRule === "label" ? ", at most 63 characters" : " or '.', at most 253 characters"}` +
        `)`,
    );
  }
  if (typeof namespace === "string" && !(DNS1123_LABEL.test(namespace) && namespace.length <= 63)) {
    errors.push(`/metadata/namespace: "${namespace}" is not a valid RFC 1123 label`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Read tracking

interface TrackedNode {
  path: string;
  value: Record<string, unknown>;
  /** Keys the validator looked up (declared properties, present or not). */
  read: Set<string>;
  /** The validator enumerated the keys: a map type, every key is acceptable. */
  enumerated: boolean;
}

function track(root: Record<string, unknown>): { proxy: unknown; nodes: TrackedNode[] } {
  const nodes: TrackedNode[] = [];
  const proxies = new WeakMap<object, unknown>();

  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== "object") return value;
    const known = proxies.get(value);
    if (known !== undefined) return known;
    let proxy: unknown;
    if (Array.isArray(value)) {
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          const item: unknown = Reflect.get(target, key, receiver);
          return typeof key === "string" && /^\d+$/.test(key) ? wrap(item, `${path}/${key}`) : item;
        },
      });
    } else {
      const node: TrackedNode = { path, value: value as Record<string, unknown>, read: new Set(), enumerated: false };
      nodes.push(node);
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          const item: unknown = Reflect.get(target, key, receiver);
          if (typeof key !== "string") return item;
          node.read.add(key);
          return Object.hasOwn(target, key) ? wrap(item, `${path}/${escapePointer(key)}`) : item;
        },
        has(target, key) {
          if (typeof key === "string") node.read.add(key);
          return Reflect.has(target, key);
        },
        getOwnPropertyDescriptor(target, key) {
          if (typeof key === "string") node.read.add(key);
          return Reflect.getOwnPropertyDescriptor(target, key);
        },
        ownKeys(target) {
          node.enumerated = true;
          return Reflect.ownKeys(target);
        },
      });
    }
    proxies.set(value, proxy);
    return proxy;
  };

  return { proxy: wrap(root, ""), nodes };
}

function suggest(key: string, read: Set<string>, value: Record<string, unknown>): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of read) {
    if (Object.hasOwn(value, candidate) || candidate === "toJSON") continue;
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3))
    ? ` (did you mean "${best}"?)`
    : "";
}

// Optimal-string-alignment distance: edits plus adjacent transpositions ("nmae" -> "name" is 1).
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a sequence";
  return typeof value === "string" ? "a string" : typeof value;
}

function label(doc: unknown): string {
  if (!isPlainObject(doc)) return "(not a mapping)";
  const kind = typeof doc.kind === "string" ? doc.kind : "(no kind)";
  const metadata = doc.metadata;
  const name = isPlainObject(metadata) && typeof metadata.name === "string" ? metadata.name : "(no name)";
  return `${kind}/${name}`;
}

// ---------------------------------------------------------------------------------------------
// Custom resources: validated against the openAPIV3Schema of the CRDs the same render installs

/**
 * Validators for custom resources, built from CustomResourceDefinition objects. Strict like the
 * API server's field validation: an object schema that declares properties and neither
 * preserves unknown fields nor declares additionalProperties rejects any other key.
 */
export class CustomResourceSchemas {
  private readonly checks = new Map<string, (data: unknown) => string[]>();

  constructor(crds: readonly unknown[]) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    for (const crd of crds) {
      if (!isPlainObject(crd) || crd.kind !== "CustomResourceDefinition" || !isPlainObject(crd.spec)) continue;
      const { group, names, versions } = crd.spec as {
        group?: string;
        names?: { kind?: string };
        versions?: Array<{ name?: string; served?: boolean; schema?: { openAPIV3Schema?: unknown } }>;
      };
      for (const v of versions ?? []) {
        if (!v.served || !v.schema?.openAPIV3Schema || !names?.kind) continue;
        const validate: ValidateFunction = ajv.compile(strictSchema(v.schema.openAPIV3Schema, true) as object);
        this.checks.set(`${group}/${v.name}|${names.kind}`, (data) =>
          validate(data) ? [] : (validate.errors ?? []).map((e) => formatCrdError(e as SchemaError)),
        );
      }
    }
  }

  find(apiVersion: string, kind: string): ((data: unknown) => string[]) | undefined {
    return this.checks.get(`${apiVersion}|${kind}`);
  }

  get size(): number {
    return this.checks.size;
  }
}

/** The structural schema with unknown fields refused where the API server's strict validation refuses them. */
function strictSchema(schema: unknown, root = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strictSchema(s));
  if (!isPlainObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] =
      k === "properties" && isPlainObject(v)
        ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strictSchema(s)]))
        : k === "enum" || k === "default" || k === "example"
          ? v
          : strictSchema(v);
  }
  if (root && isPlainObject(out.properties)) {
    // apiVersion, kind and metadata are the API server's, not part of a CRD's schema.
    out.properties = {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      ...out.properties,
    };
  }
  if (
    isPlainObject(out.properties) &&
    out["x-kubernetes-preserve-unknown-fields"] !== true &&
    out.additionalProperties === undefined
  )
    out.additionalProperties = false;
  return out;
}

function formatCrdError(err: SchemaError): string {
  const path = err.instancePath === "" ? "/" : err.instancePath;
  if (err.keyword === "additionalProperties") {
    const key = String(err.params.additionalProperty);
    return `${path === "/" ? "" : path}/${escapePointer(key)}: unknown field "${key}"`;
  }
  return formatSchemaError(err);
}
