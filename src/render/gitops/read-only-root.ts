// What a chart cannot set for a read-only root file system, added to its pods by the HelmRelease's
// kustomize post-renderer (strategic merge: containers and volumes merge by name): the emptyDirs of
// a chart without a volume setting, and readOnlyRootFilesystem on an init container whose security
// context the chart writes itself. Everything a chart's values can express stays in its values.
import { WRITABLE_PATHS, type WritablePath } from "../../catalogue/writable-paths.js";
import type { ReleaseId } from "../../catalogue/releases.js";

export interface PodPatch {
  kind: "Deployment" | "StatefulSet";
  /** The workload's name as the chart renders it. */
  name: string;
  /** Init containers to make read-only. */
  readOnlyInit: string[];
  /** The container that gets the emptyDirs, with them. */
  mounts?: { container: string; paths: readonly WritablePath[] };
}

const PATCHES: Partial<Record<ReleaseId, PodPatch[]>> = {
  // codemie-ui chart: templates/deployment.yaml mounts only its config.js ConfigMap.
  ui: [
    {
      kind: "Deployment",
      name: "codemie-ui",
      readOnlyInit: [],
      mounts: { container: "codemie-ui", paths: WRITABLE_PATHS.ui },
    },
  ],
  // codemie-mcp-connect-service chart: templates/statefulset.yaml has no volumes at all.
  mcpConnect: [
    {
      kind: "StatefulSet",
      name: "codemie-mcp-connect-service",
      readOnlyInit: [],
      mounts: { container: "codemie-mcp-connect-service", paths: WRITABLE_PATHS.mcpConnect },
    },
  ],
  // Elastic's chart writes configure-sysctl's security context (root, privileged) with no setting;
  // sysctl writes /proc/sys, not the root file system.
  elasticsearch: [{ kind: "StatefulSet", name: "elasticsearch-master", readOnlyInit: ["configure-sysctl"] }],
};

export function readOnlyRootPatches(id: ReleaseId): PodPatch[] {
  return PATCHES[id] ?? [];
}
