// The post-install Jobs of an environment (src/catalogue/jobs.ts) as template contexts. Each Job
// lives in <layer>/<name>/: job.yaml, its script run.sh and any data file, which the layer's
// kustomization turns into a content-hashed ConfigMap mounted at /etc/codemie-job.
//
// Re-running. A Job's pod template is immutable, so a changed script or setting cannot be applied
// over the Job that ran. The Job carries `kustomize.toolkit.fluxcd.io/force: enabled`: Flux deletes
// and re-creates it exactly when the rendered spec changes (the script ConfigMap's hashed name is
// part of it, so a new script runs again), while an unchanged spec applies as a no-op and a
// completed Job is not run again at every reconcile. The name stays fixed, so the layer's health
// check and `kubectl get job` name it. No ttlSecondsAfterFinished: Flux must see the finished Job
// to report the layer healthy (a deleted Job would be re-created and run again at the next reconcile).
import { sized } from "../../capacity/limits.js";
import { JOB_IMAGE, JOB_RESOURCES, JOBS, KIBANA_DATA_VIEWS, type JobDescriptor } from "../../catalogue/jobs.js";
import type { Layer } from "../../catalogue/release.js";
import type { Environment } from "../../model/environment.js";
import { isEnabled } from "./contract.js";
import { workloadsNodeSelector } from "./scheduling.js";

/** Where the script and data files are mounted in the Job's container. */
export const JOB_MOUNT = "/etc/codemie-job";

/** The Jobs the environment runs: those whose component is enabled. */
export function enabledJobs(env: Environment): JobDescriptor[] {
  return (JOBS as readonly JobDescriptor[]).filter((j) => isEnabled(env, j.configures));
}

export function jobsInLayer(env: Environment, layer: Layer): JobDescriptor[] {
  return enabledJobs(env).filter((j) => j.layer === layer);
}

/** The ConfigMap (before kustomize's hash suffix) holding the Job's script and data. */
export function jobConfigMap(job: JobDescriptor): string {
  return `${job.name}-script`;
}

/** Context of helm-values/flux/job.yaml.hbs. */
export function jobContext(job: JobDescriptor): object {
  return {
    name: job.name,
    namespace: job.namespace,
    summary: job.summary,
    image: JOB_IMAGE.image,
    user: JOB_IMAGE.user,
    group: JOB_IMAGE.group,
    backoffLimit: job.backoffLimit,
    deadlineSeconds: job.deadlineSeconds,
    configMap: jobConfigMap(job),
    mount: JOB_MOUNT,
    script: `${JOB_MOUNT}/run.sh`,
    settings: Object.entries(job.settings)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => ({ name, value })),
    secrets: job.secrets,
    files: (job.files ?? []).map((f, i) => ({ ...f, volume: `secret-${i}` })),
    resources: sized(JOB_RESOURCES),
    nodeSelector: workloadsNodeSelector(),
  };
}

/** Context of a Job's data templates: the saved objects Kibana imports, one JSON object per line. */
export function jobDataContext(): object {
  return {
    objects: KIBANA_DATA_VIEWS.map((v) => ({
      type: "index-pattern",
      id: v.id,
      attributes: { title: v.title, name: v.name, timeFieldName: v.timeField, allowNoIndex: true },
    })),
  };
}
