// Where each image the tree runs writes, so its container can run with a read-only root file
// system (the readOnlyRootFilesystem rule, kubernetes-policies.ts) and an emptyDir at exactly these
// paths. Each list says where it comes from; nothing here was observed on a running image
// (docs/security-baseline.md says what a first deploy should check).

export interface WritablePath {
  /** The emptyDir's name in the pod. */
  volume: string;
  mountPath: string;
}

const tmp: WritablePath = { volume: "tmp", mountPath: "/tmp" };

export const WRITABLE_PATHS = {
  // codemie-ai/codemie: Dockerfile (WORKDIR /app), src/codemie/configs/config.py (REPOS_LOCAL_DIR
  // ./codemie-repos, STATE_IMPORT_DIR ./state_import, JWT_PRIVATE_KEY_PATH .keys/, generated when
  // missing by service/jwt_service.py), tempfile and /tmp exports. Files go to Azure Blob storage
  // (FILES_STORAGE_TYPE azure), so ./codemie-storage is never written.
  api: [
    tmp,
    { volume: "repos", mountPath: "/app/codemie-repos" },
    { volume: "state-import", mountPath: "/app/state_import" },
    { volume: "jwt-keys", mountPath: "/app/.keys" },
  ],
  // codemie-ai/codemie-ui: Dockerfile (nginx 1.28 running as nginx) and nginx.conf (no temp paths
  // set): nginx's compiled-in temp directories under /var/cache/nginx, its pid under /var/run, /tmp.
  ui: [{ volume: "nginx-cache", mountPath: "/var/cache/nginx" }, { volume: "nginx-run", mountPath: "/var/run" }, tmp],
  // codemie-ai/codemie-mcp-connect-service: Dockerfile (user codemie, home /home/codemie, empty
  // but for its skeleton): the MCP servers it starts with npx, uvx, create_python_venv.sh and
  // Maven write caches and virtual environments to the home directory and /tmp.
  mcpConnect: [tmp, { volume: "home", mountPath: "/home/codemie" }],
  // Elastic's docker entrypoint writes config/elasticsearch.keystore (ELASTIC_PASSWORD is set) and
  // the JVM's gc log to logs/ (config/jvm.options); ES_TMPDIR defaults below /tmp. config/ is
  // seeded from the image by an init container first, as ECK's prepare-fs init container does for
  // its read-only root (elastic/cloud-on-k8s pkg/controller/elasticsearch/initcontainer/prepare_fs.go;
  // it also copies plugins/ and bin/, for plugin installs, which this tree has none of).
  elasticsearch: [
    tmp,
    { volume: "es-config", mountPath: "/usr/share/elasticsearch/config" },
    { volume: "es-logs", mountPath: "/usr/share/elasticsearch/logs" },
  ],
  // Kibana writes its uuid and reporting files to path.data (/usr/share/kibana/data, Kibana's
  // settings reference) and node's temporary files to /tmp.
  kibana: [tmp, { volume: "kibana-data", mountPath: "/usr/share/kibana/data" }],
  // Keycloak: `kc.sh start` re-augments into /opt/keycloak/lib/quarkus when build options differ
  // from the image's (postgres, health and metrics here; keycloak/keycloak#44632 shows the
  // directory emptied and rewritten), so it is seeded from the image by an init container; the
  // server writes /opt/keycloak/data (its data directory, keycloak.org "Running Keycloak in a
  // container"); the JVM writes /tmp.
  keycloak: [
    tmp,
    { volume: "kc-quarkus", mountPath: "/opt/keycloak/lib/quarkus" },
    { volume: "kc-data", mountPath: "/opt/keycloak/data" },
  ],
  // docker-library/postgres: its Dockerfile creates /var/run/postgresql for the socket and lock
  // file; initdb and the entrypoint's temporary server write PGDATA (the volume) and /tmp.
  keycloakDb: [tmp, { volume: "run", mountPath: "/var/run/postgresql" }],
} as const satisfies Record<string, readonly WritablePath[]>;

/** The directory an init container copies from the image into the emptyDir mounted over it. */
export const SEEDED_PATHS = {
  elasticsearch: "/usr/share/elasticsearch/config",
  keycloak: "/opt/keycloak/lib/quarkus",
} as const;
