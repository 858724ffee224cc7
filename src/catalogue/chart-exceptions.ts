// What a pinned chart cannot be made to do, each with its reason: hook Jobs no value can size or
// place, and containers the chart gives no probe. The chart checks refuse any other unsized Job
// or unprobed long-running container, and report these as warnings instead.
export interface ChartException {
  release: string;
  /** Job name (unsized hooks) or "<workload>/<container>" (unprobed containers). */
  name: string;
  reason: string;
}

/** A hook Job nothing can size: its containers are the resource-limits rule's excludedContainers. */
export interface UnsizedHook extends ChartException {
  containers: readonly string[];
}

const KIBANA =
  "Elastic's 8.5.1 Kibana chart has no resources or nodeSelector setting " +
  "for its token hooks, and the HelmRelease's post-renderers do not reach hooks " +
  "(helm-controller 1.4 of Flux 2.7.5 runs Helm 3, which post-renders the release " +
  "manifest only); the system pool's taint keeps them on the workloads pool, and " +
  "they run once per install";

export const UNSIZED_HOOKS: readonly UnsizedHook[] = [
  { release: "kibana", name: "pre-install-kibana-kibana", containers: ["create-kibana-token"], reason: KIBANA },
  { release: "kibana", name: "post-delete-kibana-kibana", containers: ["clean-kibana-token"], reason: KIBANA },
];

export const UNPROBED_CONTAINERS: readonly ChartException[] = [
  {
    release: "external-secrets",
    name: "external-secrets/external-secrets",
    reason: "chart 0.19.2 offers no probe for the controller (its webhook and cert controller have readiness probes)",
  },
];
