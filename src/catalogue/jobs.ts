// The steps CodeMie's guide leaves to a person after the install, each as a Kubernetes Job that
// Flux applies in a layer after the one that health-checks what it configures, and health-checks
// in turn. Every script is idempotent (a second run finds the work done and succeeds), reads its
// secrets from secretKeyRefs, never from arguments, and prints none of them. The scripts are the
// templates under helm-values/jobs/; the connections they open are in network-flows.ts.
import { component, type ComponentKey } from "./components.js";
import type { Layer } from "./release.js";

/**
 * The image every Job runs: curl and a POSIX shell (busybox), as user curl_user (100:101), no
 * package installed at run time. Pulled from Docker Hub (see egress-fqdns.ts).
 */
export const JOB_IMAGE = { image: "docker.io/curlimages/curl:8.11.1", user: 100, group: 101 } as const;

/** Elasticsearch's write alias for CodeMie's metrics and the prefix of its quarterly indices (CodeMie's guide). */
export const METRICS_WRITE_ALIAS = "codemie_metrics_logs_write";
export const METRICS_INDEX_PREFIX = "codemie_metrics_logs";

/** The LiteLLM team CodeMie's key belongs to and the key's alias, as CodeMie's guide names them. */
export const LITELLM_TEAM = "codemie";
export const LITELLM_KEY_ALIAS = "codemie-back";

/** A Kibana data view (index pattern) the import declares, with a fixed id so re-imports overwrite it. */
export interface DataView {
  id: string;
  title: string;
  name: string;
  timeField: string;
}

/**
 * What the Kibana import ships. CodeMie's four dashboards (AI/Run Adoption, Assistants, Datasource
 * Observability, Workflow Usage) come with manage-kibana-dashboards.sh in CodeMie's private
 * codemie-helm-charts repository and are not public; the import ships the data views they and
 * the guide need, over the indices the tree's Fluent Bit writes.
 */
export const KIBANA_DATA_VIEWS: readonly DataView[] = [
  {
    id: "codemie-metrics-logs",
    title: `${METRICS_INDEX_PREFIX}*`,
    name: "CodeMie user metrics",
    timeField: "@timestamp",
  },
  { id: "codemie-infra-logs", title: "logs-codemie-infra*", name: "CodeMie container logs", timeField: "@timestamp" },
];

/** An environment variable read from a Kubernetes secret of the Job's namespace. */
export interface SecretEnv {
  env: string;
  secret: string;
  key: string;
}

export interface JobDescriptor {
  key: string;
  /** Name of the Job (stable: Flux re-creates it when its spec changes). */
  name: string;
  summary: string;
  /** The component the Job configures: it runs once that component's layer is Ready, and only while it is enabled. */
  configures: ComponentKey;
  /** Components that must not start before the Job is done: they install in a later layer. */
  before?: readonly ComponentKey[];
  layer: Layer;
  namespace: string;
  /** Template of the script (helm-values/jobs/). */
  script: string;
  /** Data files mounted beside the script: file name → template. */
  data?: Readonly<Record<string, string>>;
  /** Non-secret settings, as environment variables. */
  settings: Readonly<Record<string, string>>;
  secrets: readonly SecretEnv[];
  /** Secret keys mounted as files (a CA certificate), read-only. */
  files?: readonly { secret: string; key: string; mountPath: string }[];
  /** Retries of the pod (exponential back-off from 10 s, capped at 6 min) within the deadline. */
  backoffLimit: number;
  deadlineSeconds: number;
}

const ns = (key: ComponentKey): string => {
  const n = component(key).namespace;
  if (!n) throw new Error(`component ${key} has no namespace`);
  return n;
};

const ELASTIC_CREDENTIALS: readonly SecretEnv[] = [
  { env: "ES_USERNAME", secret: "elasticsearch-master-credentials", key: "username" },
  { env: "ES_PASSWORD", secret: "elasticsearch-master-credentials", key: "password" },
];

/** Where the Elasticsearch chart's CA certificate is mounted (secret elasticsearch-master-certs, createCert). */
const ES_CA = { secret: "elasticsearch-master-certs", key: "ca.crt", mountPath: "/etc/elasticsearch-ca" } as const;

export const JOBS = [
  {
    key: "metricsAlias",
    name: "elasticsearch-metrics-alias",
    summary: `creates the current quarter's metrics index with write alias ${METRICS_WRITE_ALIAS}`,
    configures: "elasticsearch",
    // Fluent Bit writes to the alias: an index of that name created by a first write would make the alias impossible.
    before: ["fluentBit"],
    layer: "applications",
    namespace: ns("elasticsearch"),
    script: "helm-values/jobs/elasticsearch-metrics-alias.sh.hbs",
    settings: {
      ES_URL: `https://elasticsearch-master.${ns("elasticsearch")}.svc:9200`,
      ES_CA_FILE: `${ES_CA.mountPath}/${ES_CA.key}`,
      WRITE_ALIAS: METRICS_WRITE_ALIAS,
      INDEX_PREFIX: METRICS_INDEX_PREFIX,
    },
    secrets: ELASTIC_CREDENTIALS,
    files: [ES_CA],
    backoffLimit: 6,
    deadlineSeconds: 900,
  },
  {
    key: "kibanaObjects",
    name: "kibana-saved-objects",
    summary: "imports CodeMie's Kibana saved objects (data views) with overwrite",
    configures: "kibana",
    layer: "post-install",
    namespace: ns("kibana"),
    script: "helm-values/jobs/kibana-saved-objects.sh.hbs",
    data: { "saved-objects.ndjson": "helm-values/jobs/kibana-saved-objects.ndjson.hbs" },
    settings: {
      KIBANA_URL: `http://kibana-kibana.${ns("kibana")}.svc:5601/kibana`,
      OBJECTS_FILE: "/etc/codemie-job/saved-objects.ndjson",
    },
    secrets: ELASTIC_CREDENTIALS,
    backoffLimit: 6,
    deadlineSeconds: 900,
  },
  {
    key: "litellmAppKey",
    name: "litellm-app-key",
    summary: `registers CodeMie's litellm-app-key in LiteLLM (team ${LITELLM_TEAM}, alias ${LITELLM_KEY_ALIAS})`,
    configures: "llmProxy",
    layer: "post-install",
    // Beside the API, which reads the same secret: the Job registers exactly the key CodeMie uses.
    namespace: ns("api"),
    script: "helm-values/jobs/litellm-app-key.sh.hbs",
    settings: {
      LITELLM_URL: `http://litellm.${ns("llmProxy")}.svc.cluster.local:4000`,
      TEAM_ID: LITELLM_TEAM,
      KEY_ALIAS: LITELLM_KEY_ALIAS,
    },
    secrets: [
      { env: "LITELLM_MASTER_KEY", secret: "litellm-integration", key: "litellm-master-key" },
      { env: "LITELLM_APP_KEY", secret: "litellm-integration", key: "litellm-app-key" },
    ],
    backoffLimit: 6,
    deadlineSeconds: 900,
  },
] as const satisfies readonly JobDescriptor[];

export type JobKey = (typeof JOBS)[number]["key"];

/** Requests of a Job's pod: one curl at a time. */
export const JOB_RESOURCES = { cpu: "50m", memory: "64Mi" } as const;
