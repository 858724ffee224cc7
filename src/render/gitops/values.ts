// Helm values of every release, computed here and laid out by helm-values/<name>.yaml.hbs.
// Sizes come from the resolved environment (the table or the file's overrides): requests as
// given, memory limit equal to the request, no CPU limit (README "Reading the resource
// table"). Strings are plain here; `encode` escapes them for Flux before they reach a
// template, and `fluxVar` marks the deploy outputs Flux substitutes.
import {
  CHART_IMAGES,
  HTTPS_ONLY_ANNOTATION,
  INGRESS_CONTROLLER_CONTAINER,
} from "../../catalogue/kubernetes-policies.js";
import { SEEDED_PATHS, WRITABLE_PATHS } from "../../catalogue/writable-paths.js";
import { API_MIGRATION_SECONDS, component, type ComponentKey } from "../../catalogue/components.js";
import {
  ADDONS,
  CODEMIE_REGISTRY,
  KEYCLOAK_DB_IMAGE,
  KEYCLOAK_REALM,
  STORAGE_CLASS,
  ENCRYPTION_KEY_NAME,
} from "../../catalogue/platform.js";
import { databaseRole } from "../../catalogue/database-roles.js";
import { releaseDescriptor, type ReleaseId } from "../../catalogue/releases.js";
import { ingressAddress } from "../../config/ingress.js";
import { parseBytes } from "../../config/quantity.js";
import type { Environment, ResolvedComponent, WorkloadSize } from "../../model/environment.js";
import { CLIENT_ID_VARIABLES, isEnabled, workloadIdentity } from "./contract.js";
import { fluxLiteral, fluxVar, type FluxText } from "./flux.js";
import { firstAdmin } from "./first-admin.js";
import { ingressAddressAnnotations } from "./ingress-address.js";
import {
  addonSize,
  daemonSetTolerations,
  hardAntiAffinity,
  workloadsNodeSelector,
  type KeyValue,
} from "./scheduling.js";

type Str = string | FluxText;

export interface Resources {
  cpu: string;
  memory: string;
}

export interface EnvVar {
  name: string;
  value?: Str;
  secret?: { name: string; key: string };
}

/** Where a chart keeps replicas and resources, so tests can read them back. */
export interface SizingPaths {
  replicas?: string;
  resources: string;
}

export interface ValuesPlan {
  template: string;
  context: object;
  sizing?: SizingPaths;
}

/** The public host and the URLs derived from it. */
export interface Site {
  host: string;
  scheme: "https" | "http";
  baseUrl: string;
  /** `tls` entry of every ingress and the annotation the HTTPS-only policy asks for, or undefined without TLS. */
  tls?: { secretName: string; httpsOnly: KeyValue };
}

export function site(env: Environment): Site {
  const { host, tls, tlsSecretName } = env.network.ingress;
  const scheme = tls ? "https" : "http";
  return {
    host,
    scheme,
    baseUrl: `${scheme}://${host}`,
    ...(tls ? { tls: { secretName: tlsSecretName, httpsOnly: { ...HTTPS_ONLY_ANNOTATION } } } : {}),
  };
}

export function resolved(env: Environment, key: ComponentKey): ResolvedComponent {
  const c = env.components.find((x) => x.key === key);
  if (!c) throw new Error(`environment ${env.name} has no component ${key}`);
  return c;
}

export function resourcesOf(w: Pick<WorkloadSize, "cpu" | "memory">): Resources {
  return { cpu: w.cpu, memory: w.memory };
}

function namespaceOf(key: ComponentKey): string {
  const ns = component(key).namespace;
  if (!ns) throw new Error(`component ${key} has no namespace`);
  return ns;
}

/** The CodeMie image of a release's descriptor, tagged with the environment's CodeMie release. */
function codemieImage(env: Environment, id: ReleaseId): { repository: string; tag: string } {
  const image = releaseDescriptor(id).image;
  if (!image || !("codemie" in image)) throw new Error(`release ${id} has no CodeMie image in the catalogue`);
  return { repository: `${CODEMIE_REGISTRY.images}/${image.codemie}`, tag: env.codemieVersion };
}

/** The image tag a release's descriptor pins over its upstream chart's default. */
function upstreamImageTag(id: ReleaseId): string {
  const image = releaseDescriptor(id).image;
  if (!image || !("upstreamTag" in image)) throw new Error(`release ${id} pins no upstream image tag in the catalogue`);
  return image.upstreamTag;
}

/** Neutralises `{{` in strings a chart passes through Helm's `tpl`. */
export function tplLiteral(value: string): string {
  return value.replace(/\{\{/g, "{{`{{`}}");
}

/**
 * Short-lived pods the charts run beside the long-running ones (hook and migration Jobs, init
 * containers). The capacity planner counts long-running pods; these run during an install or
 * upgrade, inside the surge room it keeps, and carry explicit requests so they are never
 * best-effort.
 */
export const HOOK_JOB_RESOURCES: Resources = { cpu: "10m", memory: "32Mi" };
/** LiteLLM's Prisma migrations (node): a migration run, not the proxy. */
export const LLM_MIGRATION_RESOURCES: Resources = { cpu: "250m", memory: "512Mi" };
/** Elasticsearch's configure-sysctl init container (the chart's suggested figures). */
export const ELASTICSEARCH_INIT_RESOURCES: Resources = { cpu: "25m", memory: "128Mi" };

function chartImage(release: string): string {
  const image = CHART_IMAGES.find((i) => i.release === release);
  if (!image) throw new Error(`no chart image of ${release} in the catalogue`);
  return image.repository;
}

/** An init container that copies a directory of its image into the emptyDir mounted over it. */
export const SEED_RESOURCES: Resources = { cpu: "10m", memory: "64Mi" };

/**
 * How a seed init container fills an emptyDir (mounted at /mnt/seed in it) from its image, so the
 * main container keeps the image's files there and can write beside them (writable-paths.ts).
 */
function seed(volume: string, from: string): { volume: string; command: string } {
  return { volume, command: `cp -R ${from}/. /mnt/seed/` };
}

const OAUTH2_PROXY_URL = `http://oauth2-proxy.${namespaceOf("oauth2Proxy")}.svc.cluster.local:80/oauth2/auth`;

/** nginx annotations that send a request through oauth2-proxy first (no longer chart defaults since CodeMie 2.29). */
export function authAnnotations(): KeyValue[] {
  return [
    { key: "nginx.ingress.kubernetes.io/auth-response-headers", value: "X-Auth-Request-Access-Token,Authorization" },
    { key: "nginx.ingress.kubernetes.io/auth-signin", value: "https://$host/oauth2/start?rd=$escaped_request_uri" },
    { key: "nginx.ingress.kubernetes.io/auth-url", value: OAUTH2_PROXY_URL },
  ];
}

function sorted(list: KeyValue[]): KeyValue[] {
  return [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const ELASTIC_NAMESPACE = namespaceOf("elasticsearch");
const ELASTIC_URL = `https://elasticsearch-master.${ELASTIC_NAMESPACE}.svc.cluster.local:9200`;
const ELASTIC_SECRET = "elasticsearch-master-credentials";
const KEYCLOAK_SERVICE = `http://keycloakx-http.${namespaceOf("keycloak")}.svc.cluster.local`;
const MCP_NAMESPACE = namespaceOf("mcpConnect");
const LITELLM_URL = `http://litellm.${namespaceOf("llmProxy")}.svc.cluster.local:4000`;

// ---------------------------------------------------------------------------------------------
// Add-ons

export function externalSecretsValues(env: Environment): ValuesPlan {
  const controller = addonSize("external-secrets");
  return {
    template: "helm-values/external-secrets.yaml.hbs",
    context: {
      // The ClusterSecretStore authenticates as this service account (workload identity).
      serviceAccount: {
        name: workloadIdentity("externalSecrets").serviceAccount,
        clientId: fluxVar(CLIENT_ID_VARIABLES.externalSecrets),
        tenantId: env.azure.tenantId,
      },
      replicas: controller.replicas,
      resources: controller,
      webhookResources: addonSize("external-secrets-webhook"),
      certControllerResources: addonSize("external-secrets-cert-controller"),
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}

export function ingressNginxValues(env: Environment): ValuesPlan {
  const size = addonSize("ingress-nginx-controller");
  const annotations: KeyValue[] = [
    { key: "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path", value: "/healthz" },
  ];
  // Behind the WAF the load balancer is internal whatever network.ingress.internal says.
  if (ingressAddress(env).kind === "private")
    annotations.push({ key: "service.beta.kubernetes.io/azure-load-balancer-internal", value: "true" });
  annotations.push(...ingressAddressAnnotations(env));
  return {
    template: "helm-values/ingress-nginx.yaml.hbs",
    context: {
      replicas: size.replicas,
      containerName: INGRESS_CONTROLLER_CONTAINER,
      resources: size,
      hookResources: HOOK_JOB_RESOURCES,
      serviceAnnotations: sorted(annotations),
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "controller.replicaCount", resources: "controller.resources" },
  };
}

export function keycloakOperatorValues(): ValuesPlan {
  return {
    template: "helm-values/keycloak-operator.yaml.hbs",
    context: { resources: addonSize("keycloak-operator"), nodeSelector: workloadsNodeSelector() },
    sizing: { resources: "resources" },
  };
}

// ---------------------------------------------------------------------------------------------
// Table rows

export function elasticsearchValues(env: Environment): ValuesPlan {
  const es = resolved(env, "elasticsearch");
  // Heap: half the container memory (Elastic's guidance), in MiB so small sizes stay exact.
  const heapMi = Math.floor((parseBytes(es.memory) ?? 0) / 2 / 2 ** 20);
  const imageTag = upstreamImageTag("elasticsearch");
  return {
    template: "helm-values/elasticsearch.yaml.hbs",
    context: {
      replicas: es.replicas,
      imageTag,
      esJavaOpts: `-Xms${heapMi}m -Xmx${heapMi}m`,
      resources: resourcesOf(es),
      initResources: ELASTICSEARCH_INIT_RESOURCES,
      writable: WRITABLE_PATHS.elasticsearch,
      // The chart's own image (its `image` default) at the tag the server runs.
      seed: { ...seed("es-config", SEEDED_PATHS.elasticsearch), image: `${chartImage("elasticsearch")}:${imageTag}` },
      storage: es.storage ?? "30Gi",
      storageClass: STORAGE_CLASS,
      antiAffinity: hardAntiAffinity("elasticsearch") ? "hard" : "soft",
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicas", resources: "resources" },
  };
}

export function keycloakValues(env: Environment): ValuesPlan {
  const kc = resolved(env, "keycloak");
  const s = site(env);
  const publicUrl = tplLiteral(`${s.baseUrl}/keycloak`);
  const inCluster = env.keycloakDatabase === "inCluster";
  const extraEnv: EnvVar[] = [
    { name: "KC_HOSTNAME", value: publicUrl },
    { name: "KC_HOSTNAME_ADMIN", value: publicUrl },
    { name: "KC_HOSTNAME_BACKCHANNEL_DYNAMIC", value: "true" },
    { name: "KC_BOOTSTRAP_ADMIN_USERNAME", secret: { name: "keycloak-admin", key: "username" } },
    { name: "KC_BOOTSTRAP_ADMIN_PASSWORD", secret: { name: "keycloak-admin", key: "password" } },
    { name: "KC_DB_USERNAME", secret: { name: "keycloak-postgresql", key: "username" } },
    { name: "JAVA_OPTS_APPEND", value: "-XX:MaxRAMPercentage=50 -Djgroups.dns.query=keycloakx-headless" },
  ];
  return {
    template: "helm-values/keycloak.yaml.hbs",
    context: {
      replicas: kc.replicas,
      resources: resourcesOf(kc),
      host: tplLiteral(s.host),
      tls: s.tls,
      extraEnv,
      writable: WRITABLE_PATHS.keycloak,
      // Helm's tpl of extraInitContainers resolves the chart's own image, the one the server runs.
      seed: {
        ...seed("kc-quarkus", SEEDED_PATHS.keycloak),
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}",
        resources: SEED_RESOURCES,
      },
      database: {
        hostname: inCluster ? `keycloak-db.${namespaceOf("keycloak")}.svc.cluster.local` : fluxVar("POSTGRES_HOST"),
        database: databaseRole("keycloak").database,
      },
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicas", resources: "resources" },
  };
}

/** The in-cluster Keycloak database (the table's "+ DB"), rendered as plain manifests. */
export function keycloakDbContext(env: Environment): object | undefined {
  const kc = resolved(env, "keycloak");
  if (env.keycloakDatabase !== "inCluster" || !kc.companion) return undefined;
  const db = kc.companion;
  return {
    name: "keycloak-db",
    namespace: namespaceOf("keycloak"),
    image: KEYCLOAK_DB_IMAGE,
    replicas: db.replicas,
    resources: resourcesOf(db),
    storage: db.storage ?? "1Gi",
    storageClass: STORAGE_CLASS,
    writable: WRITABLE_PATHS.keycloakDb,
    nodeSelector: workloadsNodeSelector(),
  };
}

export function oauth2ProxyValues(env: Environment): ValuesPlan {
  const o = resolved(env, "oauth2Proxy");
  const s = site(env);
  const realm = `${KEYCLOAK_REALM}`;
  const publicRealm = `${s.baseUrl}/keycloak/realms/${realm}`;
  const internalRealm = `${KEYCLOAK_SERVICE}/keycloak/realms/${realm}`;
  // oauth2-proxy's config file (TOML).
  const config: Array<{ key: string; value: string | boolean | string[] }> = [
    { key: "provider", value: "keycloak-oidc" },
    { key: "oidc_issuer_url", value: publicRealm },
    { key: "skip_oidc_discovery", value: true },
    { key: "login_url", value: `${publicRealm}/protocol/openid-connect/auth` },
    { key: "redeem_url", value: `${internalRealm}/protocol/openid-connect/token` },
    { key: "oidc_jwks_url", value: `${internalRealm}/protocol/openid-connect/certs` },
    { key: "redirect_url", value: `${s.baseUrl}/oauth2/callback` },
    { key: "backend_logout_url", value: `${internalRealm}/protocol/openid-connect/logout?id_token_hint={id_token}` },
    { key: "code_challenge_method", value: "S256" },
    { key: "allowed_roles", value: ["developer", "admin"] },
    { key: "email_domains", value: ["*"] },
    // CodeMie's reference values: users whose email Keycloak has not verified (created in the
    // admin console, imported from an IdP without the claim) can still sign in; 7.15 refuses them otherwise.
    { key: "insecure_oidc_allow_unverified_email", value: true },
    { key: "whitelist_domains", value: [s.host] },
    { key: "cookie_domains", value: [s.host] },
    { key: "cookie_secure", value: s.scheme === "https" },
    { key: "cookie_expire", value: "30m" },
    { key: "cookie_refresh", value: "4m" },
    { key: "pass_access_token", value: true },
    { key: "set_xauthrequest", value: true },
    { key: "set_authorization_header", value: true },
    { key: "skip_jwt_bearer_tokens", value: true },
    { key: "reverse_proxy", value: true },
  ];
  return {
    template: "helm-values/oauth2-proxy.yaml.hbs",
    context: {
      replicas: o.replicas,
      resources: resourcesOf(o),
      host: s.host,
      tls: s.tls,
      // TOML: JSON strings, booleans and string arrays are valid TOML values as printed by {{json}}.
      configFile: config.map(({ key, value }) => ({
        key,
        value: typeof value === "string" ? tplLiteral(value) : Array.isArray(value) ? value.map(tplLiteral) : value,
      })),
      keycloak: {
        realm,
        url: `${KEYCLOAK_SERVICE}/keycloak`,
        webUrl: s.baseUrl,
        redirectUris: [`${s.baseUrl}/oauth2/callback`],
        // The operator's reference to key client-secret of secret oauth2-proxy (synced by ESO).
        clientSecretRef: "$oauth2-proxy:client-secret",
        unmanagedAttributePolicy: "ENABLED",
        firstAdmin: firstAdmin(env),
      },
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}

export function natsValues(env: Environment): ValuesPlan {
  const n = resolved(env, "nats");
  return {
    template: "helm-values/nats.yaml.hbs",
    context: {
      replicas: n.replicas,
      cluster: n.replicas > 1,
      resources: resourcesOf(n),
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "config.cluster.replicas", resources: "container.merge.resources" },
  };
}

export function natsAuthCalloutValues(env: Environment): ValuesPlan {
  const n = resolved(env, "nats");
  const callout = n.companion;
  if (!callout) throw new Error("NATS has no auth-callout companion");
  const secret = (key: string): EnvVar => ({ name: key, secret: { name: "codemie-nats-secrets", key } });
  return {
    template: "helm-values/nats-auth-callout.yaml.hbs",
    context: {
      replicas: callout.replicas,
      resources: resourcesOf(callout),
      image: codemieImage(env, "natsAuthCallout"),
      pullSecret: CODEMIE_REGISTRY.pullSecret,
      extraEnv: [
        secret("NATS_URL"),
        secret("CALLOUT_USERNAME"),
        secret("CALLOUT_PASSWORD"),
        secret("ISSUER_NSEED"),
        secret("ISSUER_XSEED"),
        { name: "SKIPTLSVERIFY", value: "0" },
      ],
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}

/** Values of a CodeMie chart that needs only its size, image and pull secret. */
function plainCodemieValues(env: Environment, key: "mcpConnect" | "mermaid", template: string): ValuesPlan {
  const c = resolved(env, key);
  return {
    template,
    context: {
      replicas: c.replicas,
      resources: resourcesOf(c),
      image: codemieImage(env, key),
      pullSecret: CODEMIE_REGISTRY.pullSecret,
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}

export function mcpConnectValues(env: Environment): ValuesPlan {
  return plainCodemieValues(env, "mcpConnect", "helm-values/mcp-connect.yaml.hbs");
}

export function mermaidValues(env: Environment): ValuesPlan {
  return plainCodemieValues(env, "mermaid", "helm-values/mermaid.yaml.hbs");
}

export function uiValues(env: Environment): ValuesPlan {
  const u = resolved(env, "ui");
  const s = site(env);
  const annotations = sorted([
    ...authAnnotations(),
    { key: "nginx.ingress.kubernetes.io/rewrite-target", value: "/$1" },
    { key: "nginx.ingress.kubernetes.io/proxy-buffer-size", value: "64k" },
    ...(s.tls ? [s.tls.httpsOnly] : []),
  ]);
  return {
    template: "helm-values/ui.yaml.hbs",
    context: {
      replicas: u.replicas,
      resources: resourcesOf(u),
      image: codemieImage(env, "ui"),
      pullSecret: CODEMIE_REGISTRY.pullSecret,
      apiUrl: `${s.baseUrl}/code-assistant-api`,
      host: s.host,
      tls: s.tls,
      annotations,
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}

export { API_MIGRATION_SECONDS };

export function apiValues(env: Environment): ValuesPlan {
  const a = resolved(env, "api");
  const s = site(env);
  const annotations = sorted([
    ...authAnnotations(),
    { key: "nginx.ingress.kubernetes.io/rewrite-target", value: "/$1" },
    { key: "nginx.ingress.kubernetes.io/proxy-body-size", value: "900m" },
    { key: "nginx.ingress.kubernetes.io/proxy-read-timeout", value: "600" },
    { key: "nginx.ingress.kubernetes.io/proxy-buffer-size", value: "64k" },
    ...(s.tls ? [s.tls.httpsOnly] : []),
  ]);
  return {
    template: "helm-values/api.yaml.hbs",
    context: {
      replicas: a.replicas,
      resources: resourcesOf(a),
      image: codemieImage(env, "api"),
      pullSecret: CODEMIE_REGISTRY.pullSecret,
      serviceAccount: { name: workloadIdentity("api").serviceAccount, clientId: fluxVar(CLIENT_ID_VARIABLES.api) },
      startupFailureThreshold: API_MIGRATION_SECONDS / 10,
      host: s.host,
      tls: s.tls,
      annotations,
      swaggerAnnotations: sorted([...authAnnotations(), ...(s.tls ? [s.tls.httpsOnly] : [])]),
      extraEnv: apiEnv(env),
      writable: WRITABLE_PATHS.api,
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}

/** The API's complete environment: it replaces the chart's GCP-flavoured extraEnv and customEnv. */
export function apiEnv(env: Environment): EnvVar[] {
  const s = site(env);
  const out: EnvVar[] = [
    { name: "ENV", value: "prod" },
    { name: "API_ROOT_PATH", value: "/code-assistant-api" },
    { name: "CALLBACK_API_BASE_URL", value: s.baseUrl },
    { name: "IDP_PROVIDER", value: "keycloak" },
    { name: "KEYCLOAK_LOGOUT_URL", value: `${s.baseUrl}/oauth2/sign_out?rd=/oauth2/sign_in` },
    { name: "ENCRYPTION_TYPE", value: "azure" },
    { name: "AZURE_KEY_VAULT_URL", value: fluxVar("KEY_VAULT_URI") },
    { name: "AZURE_KEY_NAME", value: ENCRYPTION_KEY_NAME },
    { name: "AZURE_TENANT_ID", value: env.azure.tenantId },
    { name: "FILES_STORAGE_TYPE", value: "azure" },
    { name: "AZURE_STORAGE_ACCOUNT_NAME", value: fluxVar("STORAGE_ACCOUNT_NAME") },
    { name: "POSTGRES_HOST", secret: { name: "codemie-postgresql", key: "PG_HOST" } },
    { name: "POSTGRES_DB", secret: { name: "codemie-postgresql", key: "PG_NAME" } },
    { name: "POSTGRES_USER", secret: { name: "codemie-postgresql", key: "PG_USER" } },
    { name: "POSTGRES_PASSWORD", secret: { name: "codemie-postgresql", key: "PG_PASS" } },
    { name: "DEFAULT_DB_SCHEMA", value: "codemie" },
    { name: "ELASTIC_URL", value: ELASTIC_URL },
    { name: "ELASTIC_USERNAME", secret: { name: ELASTIC_SECRET, key: "username" } },
    { name: "ELASTIC_PASSWORD", secret: { name: ELASTIC_SECRET, key: "password" } },
    { name: "MODELS_ENV", value: "azure" },
    // The elasticsearch-metrics-alias Job bootstraps the write alias the quarterly rotation needs.
    { name: "METRICS_ROTATION_ENABLED", value: "true" },
  ];
  const mcp = resolved(env, "mcpConnect");
  out.push({ name: "MCP_CONNECT_ENABLED", value: String(mcp.enabled) });
  if (mcp.enabled) {
    out.push(
      { name: "MCP_CONNECT_BUCKETS_COUNT", value: String(mcp.replicas) },
      {
        name: "MCP_CONNECT_URL",
        value:
          `http://codemie-mcp-connect-service-{MCP_CONNECT_BUCKET}.codemie-mcp-connect-service-headless.` +
          `${MCP_NAMESPACE}:3000`,
      },
      { name: "MCP_CLIENT_TIMEOUT", value: "600.0" },
    );
  }
  if (isEnabled(env, "mermaid"))
    out.push(
      { name: "MERMAID_SERVER_URL", value: "http://mermaid-server:8000" },
      { name: "MERMAID_USE_MERMAID_INC", value: "false" },
    );
  if (isEnabled(env, "nats")) {
    out.push(
      { name: "NATS_SERVERS_URI", secret: { name: "codemie-nats-secrets", key: "NATS_URL" } },
      { name: "NATS_USER", secret: { name: "codemie-nats-secrets", key: "CODEMIE_USERNAME" } },
      { name: "NATS_PASSWORD", secret: { name: "codemie-nats-secrets", key: "CODEMIE_PASSWORD" } },
      { name: "NATS_PLUGIN_KEY_CHECK_ENABLED", value: "true" },
      { name: "NATS_SKIP_TLS_VERIFY", value: "false" },
    );
  }
  if (isEnabled(env, "llmProxy")) {
    out.push(
      { name: "LLM_PROXY_MODE", value: "lite_llm" },
      { name: "LLM_PROXY_ENABLED", value: "true" },
      { name: "LITE_LLM_URL", value: LITELLM_URL },
      { name: "LITE_LLM_TAGS_HEADER_VALUE", value: "global" },
      { name: "LITE_LLM_APP_KEY", secret: { name: "litellm-integration", key: "litellm-app-key" } },
      { name: "LITE_LLM_MASTER_KEY", secret: { name: "litellm-integration", key: "litellm-master-key" } },
    );
  }
  return out;
}

export function kibanaValues(env: Environment): ValuesPlan {
  const k = resolved(env, "kibana");
  const s = site(env);
  return {
    template: "helm-values/kibana.yaml.hbs",
    context: {
      replicas: k.replicas,
      resources: resourcesOf(k),
      imageTag: upstreamImageTag("kibana"),
      writable: WRITABLE_PATHS.kibana,
      publicBaseUrl: `${s.baseUrl}/kibana`,
      host: s.host,
      tls: s.tls,
      // Kibana reads ${VAR} from its environment: literal text here, escaped for Flux by encode.
      encryptionKeys: [
        {
          setting: "xpack.encryptedSavedObjects.encryptionKey",
          env: "KIBANA_SAVED_OBJECTS_KEY",
          ref: "${KIBANA_SAVED_OBJECTS_KEY}",
          key: "encryptedSavedObjects.encryptionKey",
        },
        {
          setting: "xpack.reporting.encryptionKey",
          env: "KIBANA_REPORTING_KEY",
          ref: "${KIBANA_REPORTING_KEY}",
          key: "reporting.encryptionKey",
        },
        {
          setting: "xpack.security.encryptionKey",
          env: "KIBANA_SECURITY_KEY",
          ref: "${KIBANA_SECURITY_KEY}",
          key: "security.encryptionKey",
        },
      ],
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicas", resources: "resources" },
  };
}

/** Namespaces whose container logs Fluent Bit ships as infrastructure logs (enabled ones only). */
const INFRA_LOG_COMPONENTS: readonly ComponentKey[] = [
  "api",
  "oauth2Proxy",
  "keycloak",
  "elasticsearch",
  "mcpConnect",
  "llmProxy",
];

export function fluentBitValues(env: Environment): ValuesPlan {
  const f = resolved(env, "fluentBit");
  const namespaces = new Set(INFRA_LOG_COMPONENTS.filter((k) => isEnabled(env, k)).map(namespaceOf));
  for (const a of ADDONS) if (a.key === "ingressNginx") namespaces.add(a.namespace);
  const infraLogPaths = [...namespaces]
    .sort()
    .map((ns) => `/var/log/containers/*_${ns}_*.log`)
    .join(",");
  return {
    template: "helm-values/fluent-bit.yaml.hbs",
    context: {
      resources: resourcesOf(f),
      tolerations: daemonSetTolerations(),
      esHost: `elasticsearch-master.${ELASTIC_NAMESPACE}.svc.cluster.local`,
      infraLogPaths,
      esSecret: ELASTIC_SECRET,
    },
    sizing: { resources: "resources" },
  };
}

export function llmProxyValues(env: Environment): ValuesPlan {
  const l = resolved(env, "llmProxy");
  const models = env.openai.enabled
    ? env.openai.deployments.map((d) => ({
        name: d.name,
        model: `azure/${d.name}`,
        apiBase: fluxVar("OPENAI_ENDPOINT"),
      }))
    : [];
  return {
    template: "helm-values/llm-proxy.yaml.hbs",
    context: {
      replicas: l.replicas,
      resources: resourcesOf(l),
      serviceAccount: {
        name: workloadIdentity("llmProxy").serviceAccount,
        clientId: fluxVar(CLIENT_ID_VARIABLES.llmProxy),
      },
      database: { endpoint: fluxVar("POSTGRES_HOST"), name: databaseRole("litellm").database },
      models,
      migrationResources: LLM_MIGRATION_RESOURCES,
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}

export type ValuesBuilder = (env: Environment) => ValuesPlan;

/**
 * The values builder of every release of the catalogue. A release added to the catalogue
 * without one here does not compile (test/render/values-builders.test.ts shows it).
 */
export const VALUES_BUILDERS = {
  externalSecrets: externalSecretsValues,
  ingressNginx: ingressNginxValues,
  keycloakOperator: keycloakOperatorValues,
  elasticsearch: elasticsearchValues,
  keycloak: keycloakValues,
  oauth2Proxy: oauth2ProxyValues,
  nats: natsValues,
  natsAuthCallout: natsAuthCalloutValues,
  mcpConnect: mcpConnectValues,
  mermaid: mermaidValues,
  ui: uiValues,
  api: apiValues,
  kibana: kibanaValues,
  fluentBit: fluentBitValues,
  llmProxy: llmProxyValues,
} as const satisfies Record<ReleaseId, ValuesBuilder>;

/**
 * The environment file's own Helm values for a release (components.<key>.values and the like),
 * merged last by Flux (spec.values). Keys are escaped for Flux here; `encode` escapes the values.
 */
export function environmentValues(env: Environment, id: string): Record<string, unknown> | undefined {
  const own = env.helmValues?.[id]?.values;
  return own === undefined ? undefined : (escapeKeys(own) as Record<string, unknown>);
}

function escapeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(escapeKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [fluxLiteral(k), escapeKeys(v)]));
}
