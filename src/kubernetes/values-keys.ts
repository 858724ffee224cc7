// Which value keys a chart reads: every key path of its defaults (values.yaml) and every
// `.Values.a.b` chain of its templates. A key in a release's values that neither knows is read
// by nothing (a typo, or a key an older chart version had); a null where the defaults define no
// key is not dropped by Helm's coalescing but rendered as a literal null.
import { closest } from "../config/spelling.js";

export interface ChartFacts {
  defaults: Record<string, unknown>;
  /** Every template and helper of the chart (and of its vendored subcharts), concatenated. */
  templates: string;
}

export interface KeyFinding {
  path: string[];
  kind: "unread" | "null";
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Value paths the templates read: `whole` as written ("a.b"), `reads` with every prefix ("a", "a.b"). */
export function templateReads(templates: string): { reads: Set<string>; whole: Set<string> } {
  const reads = new Set<string>();
  const whole = new Set<string>();
  const add = (parts: string[]) => {
    whole.add(parts.join("."));
    parts.forEach((_, i) => reads.add(parts.slice(0, i + 1).join(".")));
  };
  for (const m of templates.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) add(m[1]!.slice(1).split("."));
  for (const m of templates.matchAll(/index\s+\$?\.Values((?:\s+"[^"]+")+)/g))
    add([...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!));
  return { reads, whole };
}

const nullMessage = (dotted: string): string =>
  `${dotted} is null, but the chart's defaults define no ${dotted}: Helm ` +
  `drops a null only over a default, so it renders a literal null; leave ` +
  `the key out`;

export function checkValueKeys(values: Record<string, unknown>, facts: ChartFacts): KeyFinding[] {
  const { reads, whole } = templateReads(facts.templates);
  const findings: KeyFinding[] = [];
  const walk = (ours: Record<string, unknown>, defaults: Record<string, unknown> | undefined, path: string[]) => {
    for (const [k, v] of Object.entries(ours)) {
      const p = [...path, k];
      const dotted = p.join(".");
      if (path.length === 0 && k === "global") continue;
      const inDefaults = defaults !== undefined && Object.hasOwn(defaults, k);
      const d = inDefaults ? defaults[k] : undefined;
      if (whole.has(dotted) && v !== null) {
        nulls(v, d, p); // the template takes the whole value (toYaml, with, range)
        continue;
      }
      if (v === null) {
        if (!inDefaults) findings.push({ path: p, kind: "null", message: nullMessage(dotted) });
        continue;
      }
      if (inDefaults) {
        // An empty or non-map default is free-form (the chart passes it through toYaml).
        if (isObject(v) && isObject(d) && Object.keys(d).length > 0) walk(v, d, p);
        else if (isObject(v)) nulls(v, d, p);
        else if (!reads.has(dotted) && !isObject(v))
          findings.push({
            path: p,
            kind: "unread",
            message: `${dotted} is in the chart's defaults, but no template reads it`,
          });
        continue;
      }
      if (reads.has(dotted)) {
        if (isObject(v)) walk(v, undefined, p);
        continue;
      }
      const candidates = [
        ...Object.keys(defaults ?? {}),
        ...[...reads]
          .filter((r) => r.startsWith(path.length ? `${path.join(".")}.` : "") && r.split(".").length === p.length)
          .map((r) => r.split(".").pop()!),
      ];
      const guess = closest(k, [...new Set(candidates)]);
      findings.push({
        path: p,
        kind: "unread",
        message:
          `${dotted} is read by no template of the chart and is not in its defaults` +
          `${guess ? `; did you mean "${[...path, guess].join(".")}"?` : ""}`,
      });
    }
  };
  /** In a subtree the chart takes whole, a null still renders literally unless the defaults define that key. */
  const nulls = (ours: unknown, defaults: unknown, path: string[]) => {
    if (!isObject(ours)) return;
    for (const [k, v] of Object.entries(ours)) {
      const d = isObject(defaults) && Object.hasOwn(defaults, k) ? defaults[k] : undefined;
      const p = [...path, k];
      if (v === null && !(isObject(defaults) && Object.hasOwn(defaults, k)))
        findings.push({ path: p, kind: "null", message: nullMessage(p.join(".")) });
      else nulls(v, d, p);
    }
  };
  walk(values, facts.defaults, []);
  return findings;
}
