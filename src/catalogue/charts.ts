// The chart every release installs, pinned: repository, chart name and version. Upstream charts
// carry their version in the catalogue; CodeMie's own charts follow the CodeMie release of the
// environment. The chart cache (npm run setup) and the chart checks read this list.
import { CODEMIE_REGISTRY } from "./platform.js";
import type { ChartRef } from "./release.js";
import { RELEASES } from "./releases.js";

export interface ChartPin {
  release: string;
  name: string;
  /** https repository URL, or the OCI location holding the chart. */
  repository: string;
  version: string;
}

function pin(release: string, chart: ChartRef, codemieVersion: string): ChartPin {
  if (chart.source === "codemie")
    return { release, name: chart.name, repository: CODEMIE_REGISTRY.charts, version: codemieVersion };
  if (!chart.repository || !chart.version)
    throw new Error(`chart ${chart.name} of release ${release} has no pinned repository and version`);
  return { release, name: chart.name, repository: chart.repository, version: chart.version };
}

/** Every release's chart for a CodeMie release, optional components included. */
export function chartPins(codemieVersion: string): ChartPin[] {
  return RELEASES.map((r) => pin(r.release, r.chart, codemieVersion));
}
