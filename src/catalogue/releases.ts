// Every Helm release the GitOps tree can install, read from the one descriptor that holds it:
// an add-on (addons.ts), an in-cluster row of the table (components.ts) or a companion of a row
// that installs as a release of its own. The GitOps planner, the chart pins and the schema read
// this list; VALUES_BUILDERS in src/render/gitops/values.ts is keyed by ReleaseId.
import { ADDONS, type Addon, type AddonKey } from "./addons.js";
import {
  clusterComponents,
  type ClusterComponent,
  type ClusterComponentKey,
  type CompanionRelease,
  type CompanionReleaseKey,
} from "./components.js";
import { DEFAULT_TIMEOUT_MINUTES, type ChartRef, type ReleaseTraits } from "./release.js";

export type ReleaseId = AddonKey | ClusterComponentKey | CompanionReleaseKey;

export interface ReleaseDescriptor extends ReleaseTraits {
  id: ReleaseId;
  /** The table row whose enablement and sizes the release follows (a companion's parent row included). */
  component?: ClusterComponentKey;
  /** For a companion: its key within the row. */
  companion?: CompanionReleaseKey;
  release: string;
  namespace: string;
  chart: ChartRef;
  /** Position in the install order (lower installs first). */
  order: number;
}

/** The release traits of a descriptor, without the keys it leaves out. */
function traits(t: ReleaseTraits): ReleaseTraits {
  const { layer, identity, image, timeoutMinutes, needs, rollbackUnsound, reinstallOnFailedInstall, skipUpgradeHooks } =
    t;
  const all: ReleaseTraits = {
    layer,
    identity,
    image,
    timeoutMinutes,
    needs,
    rollbackUnsound,
    reinstallOnFailedInstall,
    skipUpgradeHooks,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as ReleaseTraits;
}

function fromAddon(a: Addon & { key: AddonKey }): ReleaseDescriptor {
  return { id: a.key, release: a.release, namespace: a.namespace, chart: a.chart, order: a.order, ...traits(a) };
}

function fromComponent(c: ClusterComponent): ReleaseDescriptor[] {
  const component = c.key as ClusterComponentKey;
  const own: ReleaseDescriptor = {
    id: component,
    component,
    release: c.release,
    namespace: c.namespace,
    chart: c.chart,
    order: c.order,
    ...traits(c),
  };
  const helm = c.companion?.helm;
  if (!c.companion || !helm) return [own];
  const companion = c.companion.key as CompanionReleaseKey;
  const order = c.order + helm.orderOffset;
  return [
    own,
    {
      id: companion,
      component,
      companion,
      release: helm.release,
      namespace: c.namespace,
      chart: helm.chart,
      order,
      ...traits({ ...helm, layer: c.layer }),
    },
  ];
}

/** Every release: add-ons first, then the table's rows in install order, each followed by its companion. */
export const RELEASES: readonly ReleaseDescriptor[] = [
  ...ADDONS.map(fromAddon),
  ...clusterComponents().flatMap(fromComponent),
];

const byId = new Map<string, ReleaseDescriptor>(RELEASES.map((r) => [r.id, r]));

export function releaseDescriptor(id: ReleaseId): ReleaseDescriptor {
  const r = byId.get(id);
  if (!r) throw new Error(`no release ${id} in the catalogue`);
  return r;
}

export function timeoutMinutes(id: ReleaseId): number {
  return releaseDescriptor(id).timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
}

/** Companions that install as a release of their own, by companion key (the Keycloak DB is plain manifests). */
export const COMPANION_RELEASES = Object.fromEntries(
  clusterComponents().flatMap((c) =>
    c.companion?.helm ? [[c.companion.key, { parent: c.key as ClusterComponentKey, ...c.companion.helm }]] : [],
  ),
) as Record<CompanionReleaseKey, CompanionRelease & { parent: ClusterComponentKey }>;
