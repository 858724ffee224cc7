// What in a chart reads its values: the defaults (values.yaml) and the text of every template,
// helper and tpl-rendered file, vendored subcharts included (src/kubernetes/values-keys.ts).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { Manifest } from "../../kubernetes/helm-release.js";
import type { ChartFacts } from "../../kubernetes/values-keys.js";

/** Chart files that can read values: templates and helpers, and files/ that charts such as NATS pass through `tpl`. */
const READS_VALUES = /(^|\/)(templates|files)\//;

/** The chart's defaults and the text of its templates and helpers, vendored subcharts included. */
export async function chartFacts(dir: string): Promise<ChartFacts> {
  const defaults = (parse(await readFile(join(dir, "values.yaml"), "utf8").catch(() => "")) ?? {}) as Record<string, unknown>;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries.filter((e) => e.isFile() && READS_VALUES.test(join(e.parentPath, e.name).slice(dir.length))).map((e) => readFile(join(e.parentPath, e.name), "utf8")),
  );
  return { defaults, templates: texts.join("\n") };
}


/** The CRDs of the chart's crds/ directory (Helm applies them as they are, never templated). */
export async function chartCrds(dir: string): Promise<Manifest[]> {
  const entries = await readdir(join(dir, "crds"), { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name)).map((e) => join(e.parentPath, e.name));
  const texts = await Promise.all(files.map((f) => readFile(f, "utf8")));
  return texts.flatMap((t) => parseAllDocuments(t).map((d) => d.toJS() as unknown)).filter((v): v is Manifest => v !== null && typeof v === "object" && !Array.isArray(v));
}
