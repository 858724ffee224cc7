// Fills the chart cache for every shipped environment (npm run setup): each pinned chart from
// the mirror named by CODEMIE_CHART_MIRROR, else `helm pull`, else a stand-in from the mirror.
// A chart none of those has is reported; the chart checks then say "not verified" for it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheOptions, ensureChart } from "../../src/adapters/helm/chart-cache.js";
import { locateHelm } from "../../src/adapters/helm/locate.js";
import { chartPins } from "../../src/catalogue/charts.js";
import { loadEnvironment } from "../../src/app/load.js";

const root = process.argv[2] ?? process.cwd();
const versions = new Set<string>();
for (const f of readdirSync(join(root, "environments")).filter((n) => n.endsWith(".yaml"))) {
  const { env } = loadEnvironment(`environments/${f}`, readFileSync(join(root, "environments", f), "utf8"));
  if (env) versions.add(env.codemieVersion);
}
const helm = await locateHelm(root);
const opts = { ...cacheOptions(root), helm: helm.path };
const seen = new Set<string>();
const missing: string[] = [];
let standIns = 0;
for (const version of [...versions].sort()) {
  for (const p of chartPins(version)) {
    const id = `${p.name}-${p.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const chart = await ensureChart(p, opts);
    if (!chart) missing.push(`${id} (${p.repository})`);
    else if (chart.origin === "stand-in") standIns++;
  }
}
console.log(
  `chart cache ${opts.cache}: ${seen.size - missing.length} of ${seen.size}` +
    ` charts${standIns ? `, ${standIns} as the nearest public version` : ""}` +
    `${opts.mirror ? ` (mirror ${opts.mirror})` : " (no CODEMIE_CHART_MIRROR)"}`,
);
for (const m of missing)
  console.log(`  not available: ${m}; its release is reported "not verified: chart not available"`);
