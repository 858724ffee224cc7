// What in a chart reads its values: the defaults (values.yaml) and the text of every template,
// helper and tpl-rendered file, vendored subcharts included (src/kubernetes/values-keys.ts).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import type { ChartFacts } from "../../kubernetes/values-keys.js";

/** Chart files that can read values: templates and helpers, and files/ that charts such as NATS pass through `tpl`. */
const READS_VALUES = /(^|\/)(templates|files)\//;

/** The chart's defaults and the text of its templates and helpers, vendored subcharts included. */
export async function chartFacts(dir: string): Promise<ChartFacts> {
  const defaults = (parse(await readFile(join(dir, "values.yaml"), "utf8").catch(() => "")) ?? {}) as Record<
    string,
    unknown
  >;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries
      .filter((e) => e.isFile() && READS_VALUES.test(join(e.parentPath, e.name).slice(dir.length)))
      .map((e) => readFile(join(e.parentPath, e.name), "utf8")),
  );
  return { defaults, templates: texts.join("\n") };
}
