// Turns ARM what-if results into a typed summary: create, modify (with property paths), delete,
// no change and unknown. What ARM could not evaluate (Ignore, Deploy, Unsupported, potential
// changes) is unknown, never "no change"; property changes matched by a noise rule are listed
// apart with the rule, and a modification made only of noise counts as no change. Values come
// from ARM's raw response (the SDK mangles them, see adapters/azure/arm.ts) and are shown
// summarised (see what-if-values.ts); secret-looking properties and the caller's throwaway values
// are hidden.
import { NOISE_RULES, type NoiseRule } from "./noise-rules.js";
import { displayValue, type ValueSecrecy } from "./what-if-values.js";

/** The part of the SDK's WhatIfChange this reads (same field names as the wire format). */
export interface WhatIfChangeInput {
  resourceId?: string;
  changeType?: string;
  unsupportedReason?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  delta?: WhatIfPropertyInput[];
}

export interface WhatIfPropertyInput {
  path?: string;
  propertyChangeType?: string;
  before?: unknown;
  after?: unknown;
  children?: WhatIfPropertyInput[];
}

export type ChangeKind = "create" | "modify" | "delete" | "noChange" | "unknown";
export const CHANGE_KINDS: readonly ChangeKind[] = ["create", "modify", "delete", "unknown", "noChange"];

export interface PropertyChange {
  path: string;
  /** What-if's propertyChangeType: Create, Delete, Modify, Array or NoEffect. */
  change: string;
  /** The value before and after, summarised for display; absent when ARM gave none (or no side has one). */
  before?: string;
  after?: string;
}

export interface IgnoredProperty {
  path: string;
  rule: string;
}

export interface ResourceChange {
  kind: ChangeKind;
  resourceId: string;
  resourceType: string;
  name: string;
  /** ARM's changeType, kept for readers who know it. */
  armChangeType: string;
  /** For unknown: why ARM could not tell. */
  reason?: string;
  properties: PropertyChange[];
  ignored: IgnoredProperty[];
}

export interface WhatIfSummary {
  counts: Record<ChangeKind, number>;
  changes: ResourceChange[];
  /** The rules that matched at least one property, with their reasons. */
  noiseRules: { id: string; reason: string }[];
}

const UNKNOWN_REASONS: Record<string, string> = {
  Ignore: "what-if did not evaluate it (outside the template, or beyond the limits of nested template expansion)",
  Deploy: "ARM will redeploy it but cannot tell which properties change",
  Unsupported: "what-if does not support this resource",
};

/** "Microsoft.Network/virtualNetworks/subnets" and "snet" from an ARM id. */
export function parseResourceId(id: string): { type: string; name: string } {
  const parts = id.split("/").filter((p) => p !== "");
  const providers = parts.map((p) => p.toLowerCase()).lastIndexOf("providers");
  if (providers >= 0 && providers + 2 < parts.length) {
    const rest = parts.slice(providers + 2);
    const types = rest.filter((_, i) => i % 2 === 0);
    return { type: [parts[providers + 1], ...types].join("/"), name: rest[rest.length - 1] ?? "" };
  }
  const group = parts.map((p) => p.toLowerCase()).indexOf("resourcegroups");
  if (group >= 0) return { type: "Microsoft.Resources/resourceGroups", name: parts[group + 1] ?? "" };
  return { type: "Microsoft.Resources/subscriptions", name: parts[1] ?? "" };
}

interface FlatProperty {
  path: string;
  /** Path segments, array indexes as numbers, to look values up. */
  segments: (string | number)[];
  change: string;
  before: unknown;
  after: unknown;
}

function flatten(deltas: readonly WhatIfPropertyInput[], parent: (string | number)[] = []): FlatProperty[] {
  return deltas.flatMap((delta) => {
    const own = (delta.path ?? "")
      .split(".")
      .filter((s) => s !== "")
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const segments = [...parent, ...own];
    if (delta.children && delta.children.length > 0) return flatten(delta.children, segments);
    const path = segments.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
    return [{ path, segments, change: delta.propertyChangeType ?? "Modify", before: delta.before, after: delta.after }];
  });
}

function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\[\\\*\\\]/g, "\\[\\d+\\]");
  return new RegExp(`^${escaped}(?:[.[].*)?$`, "i");
}

function lookup(value: unknown, segments: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of segments) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function ruleFor(
  rules: readonly NoiseRule[],
  type: string,
  property: FlatProperty,
  after: unknown,
): NoiseRule | undefined {
  return rules.find((rule) => {
    if (rule.resourceType && rule.resourceType.toLowerCase() !== type.toLowerCase()) return false;
    if (rule.propertyChangeType && rule.propertyChangeType !== property.change) return false;
    if (rule.path && !pathPattern(rule.path).test(property.path)) return false;
    if (rule.whenSibling) {
      const sibling = [...property.segments.slice(0, -1), rule.whenSibling.name];
      if (lookup(after, sibling) !== rule.whenSibling.equals) return false;
    }
    return true;
  });
}

function kindOf(changeType: string): ChangeKind {
  switch (changeType) {
    case "Create":
      return "create";
    case "Delete":
      return "delete";
    case "Modify":
      return "modify";
    case "NoChange":
      return "noChange";
    default:
      return "unknown";
  }
}

function shown(property: FlatProperty, secrecy: ValueSecrecy): PropertyChange {
  const values = {
    ...(property.before !== undefined ? { before: displayValue(property.before, property.path, secrecy) } : {}),
    ...(property.after !== undefined ? { after: displayValue(property.after, property.path, secrecy) } : {}),
  };
  return { path: property.path, change: property.change, ...values };
}

/** `hidden`: values that must never be shown (the throwaway secrets a plan's what-if is asked with). */
export function summarizeWhatIf(
  changes: readonly WhatIfChangeInput[],
  potentialChanges: readonly WhatIfChangeInput[],
  rules: readonly NoiseRule[] = NOISE_RULES,
  hidden: readonly string[] = [],
): WhatIfSummary {
  const secrecy: ValueSecrecy = { hidden: new Set(hidden) };
  const used = new Map<string, NoiseRule>();

  const classify = (input: WhatIfChangeInput, potential: boolean): ResourceChange => {
    const resourceId = input.resourceId ?? "";
    const { type, name } = parseResourceId(resourceId);
    const armChangeType = input.changeType ?? "Unknown";
    const base = {
      resourceId,
      resourceType: type,
      name,
      armChangeType,
      properties: [] as PropertyChange[],
      ignored: [] as IgnoredProperty[],
    };
    if (potential)
      return {
        ...base,
        kind: "unknown",
        reason: `depends on values ARM cannot evaluate before deploying (would be ${armChangeType})`,
      };
    const kind = kindOf(armChangeType);
    if (kind === "unknown")
      return {
        ...base,
        kind,
        reason: input.unsupportedReason ?? UNKNOWN_REASONS[armChangeType] ?? `what-if answered "${armChangeType}"`,
      };
    if (kind !== "modify") return { ...base, kind };
    for (const property of flatten(input.delta ?? [])) {
      const rule = ruleFor(rules, type, property, input.after);
      if (rule) {
        used.set(rule.id, rule);
        base.ignored.push({ path: property.path, rule: rule.id });
      } else {
        base.properties.push(shown(property, secrecy));
      }
    }
    return { ...base, kind: base.properties.length === 0 ? "noChange" : "modify" };
  };

  const all = [...changes.map((c) => classify(c, false)), ...potentialChanges.map((c) => classify(c, true))];
  const order = (c: ResourceChange): number => CHANGE_KINDS.indexOf(c.kind);
  all.sort(
    (a, b) => order(a) - order(b) || a.resourceType.localeCompare(b.resourceType) || a.name.localeCompare(b.name),
  );
  const counts = Object.fromEntries(CHANGE_KINDS.map((k) => [k, all.filter((c) => c.kind === k).length])) as Record<
    ChangeKind,
    number
  >;
  return { counts, changes: all, noiseRules: [...used.values()].map((r) => ({ id: r.id, reason: r.reason })) };
}
