// The post-install Jobs, run for real: each rendered script (after Flux's substitution, as the pod
// receives it) runs under /bin/sh with the real curl against a fake of the API it calls on
// 127.0.0.1. The fakes keep state and refuse what the real services refuse (wrong credentials,
// a missing kbn-xsrf header, a JSON body without its content type, an existing index or key).
// Each script must do its work once, find it done the second time, fail non-zero on a 5xx, and
// never show a secret: not on stdout or stderr, not in curl's arguments.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  JOB_IMAGE,
  JOBS,
  KIBANA_DATA_VIEWS,
  LITELLM_KEY_ALIAS,
  LITELLM_TEAM,
  METRICS_INDEX_PREFIX,
  METRICS_WRITE_ALIAS,
} from "../../../src/catalogue/jobs.js";
import { FLOWS } from "../../../src/catalogue/network-flows.js";
import { LAYERS } from "../../../src/catalogue/release.js";
import { releaseDescriptor } from "../../../src/catalogue/releases.js";
import type { Environment } from "../../../src/model/environment.js";
import { planGitops } from "../../../src/render/gitops/plan.js";
import { gitopsRoot } from "../../../src/render/gitops/render.js";
import type { RenderedTree } from "../../../src/render/tree.js";
import { at, docs, loadEnv, render, substituted, type Doc } from "./support.js";

const prod = loadEnv("prod");
let tree: RenderedTree;
let tmp: string;
let shim: string;

beforeAll(async () => {
  tree = await render(prod);
  tmp = await mkdtemp(join(os.tmpdir(), "codemie-jobs-"));
  // curl, recording its arguments first: no secret may be among them.
  shim = join(tmp, "bin");
  await rm(shim, { recursive: true, force: true });
  await import("node:fs/promises").then((fs) => fs.mkdir(shim));
  await writeFile(
    join(shim, "curl"),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> "${join(tmp, "curl-args.log")}"\nexec /usr/bin/curl "$@"\n`,
  );
  await chmod(join(shim, "curl"), 0o755);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

type JobKey = (typeof JOBS)[number]["key"];
const descriptor = (key: JobKey) => JOBS.find((j) => j.key === key)!;

/** The Job's manifest, script and data files as the cluster receives them (after Flux's substitution). */
function rendered(env: Environment, key: JobKey): { job: Doc; script: string; data: Record<string, string> } {
  const j = descriptor(key);
  const dir = `${gitopsRoot(env)}/${j.layer}/${j.name}`;
  const file = (name: string) => {
    const text = tree.get(`${dir}/${name}`);
    if (text === undefined) throw new Error(`${dir}/${name} was not rendered`);
    return substituted(env, text);
  };
  const job = docs(file("job.yaml"))[0] as Doc;
  const data = Object.fromEntries(Object.keys("data" in j ? j.data : {}).map((f) => [f, file(f)]));
  return { job, script: file("run.sh"), data };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  args: string;
}

/** Runs the Job's script with the Job's settings, `overrides` on top, and the secrets. */
async function runJob(key: JobKey, overrides: Record<string, string>, secrets: Record<string, string>): Promise<Run> {
  const { job, script, data } = rendered(prod, key);
  const dir = await mkdtemp(join(tmp, `${key}-`));
  await writeFile(join(dir, "run.sh"), script);
  for (const [name, text] of Object.entries(data)) await writeFile(join(dir, name), text);
  const settings = Object.fromEntries(
    (at(job, "spec.template.spec.containers.0.env") as Array<{ name: string; value?: string }>)
      .filter((e) => e.value !== undefined)
      .map((e) => [e.name, e.value as string]),
  );
  const env = { PATH: `${shim}:/usr/bin:/bin`, ...settings, ...overrides, ...secrets };
  await writeFile(join(tmp, "curl-args.log"), "");
  const child = spawn("/bin/sh", [join(dir, "run.sh")], { env, cwd: dir });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  return { code, stdout, stderr, args: await readFile(join(tmp, "curl-args.log"), "utf8") };
}

/** Nothing of the secrets (nor their Basic-auth encoding) shows on the outputs or in curl's arguments. */
function expectNoSecret(run: Run, secrets: Record<string, string>, basic?: string): void {
  const hidden = Object.entries(secrets).filter(([name]) => name !== "ES_USERNAME"); // "elastic" is no secret
  for (const value of [...hidden.map(([, v]) => v), ...(basic ? [basic] : [])]) {
    expect(run.stdout).not.toContain(value);
    expect(run.stderr).not.toContain(value);
    expect(run.args).not.toContain(value);
  }
}

interface Fake {
  url: string;
  requests: string[];
  /** Answer every request with this status instead (a 5xx outage). */
  outage?: number;
  close(): Promise<void>;
}

async function fake(handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<Fake> {
  const state: Partial<Fake> = { requests: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.requests!.push(`${req.method ?? ""} ${req.url ?? ""}`);
      if (state.outage) return send(res, state.outage, { error: "unavailable" });
      handle(req, Buffer.concat(chunks), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as Fake;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const basicOf = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString("base64");
const json = (req: IncomingMessage, body: Buffer): unknown =>
  (req.headers["content-type"] ?? "").startsWith("application/json") ? JSON.parse(body.toString()) : undefined;

function quarterIndex(): string {
  const now = new Date();
  return `${METRICS_INDEX_PREFIX}-${now.getUTCFullYear()}-q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

// ---------------------------------------------------------------------------------------------
// Elasticsearch

/** Elasticsearch's index and alias API, as far as the alias Job uses it. */
function elasticsearch(password: string) {
  const indices = new Map<string, Map<string, { is_write_index?: boolean }>>();
  const server = fake((req, body, res) => {
    if (req.headers.authorization !== `Basic ${basicOf("elastic", password)}`)
      return send(res, 401, { error: { type: "security_exception" }, status: 401 });
    if (body.length > 0 && json(req, body) === undefined)
      return send(res, 406, { error: "Content-Type header [] is not supported", status: 406 });
    const path = (req.url ?? "").split("?")[0] ?? "";
    const alias = /^\/_alias\/([^/]+)$/.exec(path)?.[1];
    if (req.method === "GET" && alias) {
      const found = [...indices].filter(([, a]) => a.has(alias));
      if (found.length === 0) return send(res, 404, { error: `alias [${alias}] missing`, status: 404 });
      return send(res, 200, Object.fromEntries(found.map(([i, a]) => [i, { aliases: { [alias]: a.get(alias) } }])));
    }
    if (req.method === "PUT" && /^\/[a-z0-9_-]+$/.test(path)) {
      const index = path.slice(1);
      const wanted = (json(req, body) as { aliases?: Record<string, { is_write_index?: boolean }> }).aliases ?? {};
      if (indices.has(index))
        return send(res, 400, { error: { type: "resource_already_exists_exception", index }, status: 400 });
      if (Object.keys(wanted).some((a) => indices.has(a)))
        return send(res, 400, { error: { type: "invalid_alias_name_exception" }, status: 400 });
      indices.set(index, new Map(Object.entries(wanted)));
      return send(res, 200, { acknowledged: true, shards_acknowledged: true, index });
    }
    if (req.method === "POST" && path === "/_aliases") {
      const { actions } = json(req, body) as {
        actions: Array<{ add: { index: string; alias: string; is_write_index?: boolean } }>;
      };
      for (const { add } of actions) {
        const target = indices.get(add.index);
        if (!target) return send(res, 404, { error: { type: "index_not_found_exception" }, status: 404 });
        target.set(add.alias, { is_write_index: add.is_write_index });
      }
      return send(res, 200, { acknowledged: true });
    }
    send(res, 405, { error: "unexpected request", status: 405 });
  });
  return { server, indices };
}

describe("elasticsearch-metrics-alias Job", () => {
  const secrets = { ES_USERNAME: "elastic", ES_PASSWORD: "es-Pa55word-that-must-not-leak" };
  const basic = basicOf(secrets.ES_USERNAME, secrets.ES_PASSWORD);
  const run = async (url: string, extra: Record<string, string> = {}) => {
    await writeFile(join(tmp, "ca.crt"), "");
    return runJob("metricsAlias", { ES_URL: url, ES_CA_FILE: join(tmp, "ca.crt") }, { ...secrets, ...extra });
  };

  it("creates the quarter's index with the write alias once, then finds it done", async () => {
    const es = elasticsearch(secrets.ES_PASSWORD);
    const f = await es.server;
    try {
      const first = await run(f.url);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect([...es.indices.keys()]).toEqual([quarterIndex()]);
      expect(es.indices.get(quarterIndex())?.get(METRICS_WRITE_ALIAS)).toEqual({ is_write_index: true });
      const before = f.requests.length;
      const second = await run(f.url);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/nothing to do/);
      expect(f.requests.slice(before)).toEqual([`GET /_alias/${METRICS_WRITE_ALIAS}`]);
      expect([...es.indices.keys()]).toEqual([quarterIndex()]);
      for (const r of [first, second]) expectNoSecret(r, secrets, basic);
    } finally {
      await f.close();
    }
  });

  it("adds the alias to the quarter's index when that index already exists without it", async () => {
    const es = elasticsearch(secrets.ES_PASSWORD);
    es.indices.set(quarterIndex(), new Map());
    const f = await es.server;
    try {
      const r = await run(f.url);
      expect(r.code).toBe(0);
      expect(es.indices.get(quarterIndex())?.get(METRICS_WRITE_ALIAS)).toEqual({ is_write_index: true });
      expectNoSecret(r, secrets, basic);
    } finally {
      await f.close();
    }
  });

  it("refuses an alias with two write indices, an index named like the alias, a 5xx and a wrong password", async () => {
    const es = elasticsearch(secrets.ES_PASSWORD);
    es.indices.set("a", new Map([[METRICS_WRITE_ALIAS, { is_write_index: true }]]));
    es.indices.set("b", new Map([[METRICS_WRITE_ALIAS, { is_write_index: true }]]));
    const f = await es.server;
    try {
      const two = await run(f.url);
      expect(two.code).not.toBe(0);
      expect(two.stderr).toMatch(/has 2 explicit write indices/);
      es.indices.clear();
      es.indices.set(METRICS_WRITE_ALIAS, new Map()); // Fluent Bit wrote before the alias existed
      const clash = await run(f.url);
      expect(clash.code).not.toBe(0);
      expect(clash.stderr).toMatch(/HTTP 400: .*invalid_alias_name_exception/);
      const wrong = await run(f.url, { ES_PASSWORD: "not-the-password" });
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/HTTP 401/);
      f.outage = 503;
      const outage = await run(f.url);
      expect(outage.code).not.toBe(0);
      expect(outage.stderr).toMatch(/HTTP 503/);
      for (const r of [two, clash, wrong, outage]) expectNoSecret(r, secrets, basic);
    } finally {
      await f.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Kibana

/** The file part of a multipart/form-data body. */
function filePart(req: IncomingMessage, body: Buffer): string | undefined {
  const boundary = /boundary=(.+)$/.exec(req.headers["content-type"] ?? "")?.[1];
  if (!boundary) return undefined;
  for (const part of body.toString().split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    // Kibana refuses a file whose name does not end in .ndjson.
    if (split > 0 && /name="file"; filename="[^"]*\.ndjson"/.test(part.slice(0, split)))
      return part.slice(split + 4).replace(/\r\n$/, "");
  }
  return undefined;
}

function kibana(password: string) {
  const objects = new Map<string, unknown>();
  const server = fake((req, body, res) => {
    if (req.headers.authorization !== `Basic ${basicOf("elastic", password)}`)
      return send(res, 401, { statusCode: 401, error: "Unauthorized" });
    const url = new URL(req.url ?? "", "http://x");
    if (req.method === "POST" && url.pathname === "/kibana/api/saved_objects/_import") {
      if (req.headers["kbn-xsrf"] === undefined)
        return send(res, 400, { statusCode: 400, message: "Request must contain a kbn-xsrf header." });
      const file = filePart(req, body);
      if (file === undefined)
        return send(res, 415, { statusCode: 415, message: "Unsupported Media Type: a file.ndjson is required" });
      const lines = file.split("\n").filter((l) => l.trim() !== "");
      const parsed = lines.map((l) => JSON.parse(l) as { type: string; id: string });
      const overwrite = url.searchParams.get("overwrite") === "true";
      const conflicts = parsed.filter((o) => objects.has(`${o.type}:${o.id}`) && !overwrite);
      if (conflicts.length > 0)
        return send(res, 200, { success: false, successCount: 0, errors: conflicts.map((o) => ({ id: o.id })) });
      for (const o of parsed) objects.set(`${o.type}:${o.id}`, o);
      return send(res, 200, { success: true, successCount: parsed.length, warnings: [] });
    }
    send(res, 404, { statusCode: 404, error: "Not Found" });
  });
  return { server, objects };
}

describe("kibana-saved-objects Job", () => {
  const secrets = { ES_USERNAME: "elastic", ES_PASSWORD: "kb-Pa55word-that-must-not-leak" };
  const basic = basicOf(secrets.ES_USERNAME, secrets.ES_PASSWORD);
  const run = (url: string, objectsFile: string) =>
    runJob("kibanaObjects", { KIBANA_URL: `${url}/kibana`, OBJECTS_FILE: objectsFile }, secrets);

  it("imports the data views with overwrite; a second run leaves the same objects", async () => {
    const kb = kibana(secrets.ES_PASSWORD);
    const f = await kb.server;
    const { data } = rendered(prod, "kibanaObjects");
    const objectsFile = join(tmp, "saved-objects.ndjson");
    await writeFile(objectsFile, data["saved-objects.ndjson"] ?? "");
    try {
      const first = await run(f.url, objectsFile);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      const after = structuredClone([...kb.objects]);
      expect([...kb.objects.keys()].sort()).toEqual(KIBANA_DATA_VIEWS.map((v) => `index-pattern:${v.id}`).sort());
      expect(kb.objects.get("index-pattern:codemie-metrics-logs")).toMatchObject({
        attributes: { title: `${METRICS_INDEX_PREFIX}*`, timeFieldName: "@timestamp" },
      });
      const second = await run(f.url, objectsFile);
      expect(second.code).toBe(0);
      expect([...kb.objects]).toEqual(after);
      f.outage = 500;
      const outage = await run(f.url, objectsFile);
      expect(outage.code).not.toBe(0);
      expect(outage.stderr).toMatch(/HTTP 500/);
      for (const r of [first, second, outage]) expectNoSecret(r, secrets, basic);
    } finally {
      await f.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// LiteLLM

function litellm(masterKey: string) {
  const keys = new Map<string, { key_alias?: string; team_id?: string }>();
  const teams = new Set<string>();
  const server = fake((req, body, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const url = new URL(req.url ?? "", "http://x");
    const denied = () =>
      send(res, 401, { error: { message: "Authentication Error", type: "auth_error", code: "401" } });
    if (req.method === "GET" && url.pathname === "/key/info") {
      if (token === masterKey || (token !== undefined && keys.has(token)))
        return send(res, 200, { key: token, info: { key_alias: keys.get(token ?? "")?.key_alias ?? null } });
      return denied();
    }
    if (token !== masterKey) return denied();
    const payload = body.length > 0 ? (json(req, body) as Record<string, string> | undefined) : undefined;
    if (body.length > 0 && payload === undefined) return send(res, 422, { detail: "body is not JSON" });
    if (req.method === "GET" && url.pathname === "/team/info") {
      const id = url.searchParams.get("team_id") ?? "";
      return teams.has(id) ? send(res, 200, { team_id: id }) : send(res, 404, { detail: "Team not found" });
    }
    if (req.method === "POST" && url.pathname === "/team/new") {
      if (teams.has(payload?.team_id ?? "")) return send(res, 400, { detail: "Team already exists" });
      teams.add(payload?.team_id ?? "");
      return send(res, 200, { team_id: payload?.team_id });
    }
    if (req.method === "POST" && url.pathname === "/key/service-account/generate") {
      if (!teams.has(payload?.team_id ?? "")) return send(res, 400, { detail: "team_id required" });
      if (keys.has(payload?.key ?? "")) return send(res, 400, { detail: `Unique constraint failed on the token` });
      keys.set(payload?.key ?? "", { key_alias: payload?.key_alias, team_id: payload?.team_id });
      return send(res, 200, { key: payload?.key, key_alias: payload?.key_alias });
    }
    send(res, 404, { detail: "Not Found" });
  });
  return { server, keys, teams };
}

describe("litellm-app-key Job", () => {
  const secrets = {
    LITELLM_MASTER_KEY: "sk-master0123456789abcdefABCDEF01",
    LITELLM_APP_KEY: "sk-app0123456789abcdefABCDEF0123",
  };
  const run = (url: string, extra: Record<string, string> = {}) =>
    runJob("litellmAppKey", { LITELLM_URL: url }, { ...secrets, ...extra });

  it("registers CodeMie's key in its team once, then finds it registered", async () => {
    const ll = litellm(secrets.LITELLM_MASTER_KEY);
    const f = await ll.server;
    try {
      const first = await run(f.url);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect([...ll.teams]).toEqual([LITELLM_TEAM]);
      expect(ll.keys.get(secrets.LITELLM_APP_KEY)).toEqual({ key_alias: LITELLM_KEY_ALIAS, team_id: LITELLM_TEAM });
      const before = f.requests.length;
      const second = await run(f.url);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/already registered/);
      expect(f.requests.slice(before)).toEqual(["GET /key/info"]);
      expect(ll.keys.size).toBe(1);
      for (const r of [first, second]) expectNoSecret(r, secrets);
    } finally {
      await f.close();
    }
  });

  it("reuses an existing team, and fails on a 5xx, a wrong master key or a key it cannot put in JSON", async () => {
    const ll = litellm(secrets.LITELLM_MASTER_KEY);
    ll.teams.add(LITELLM_TEAM);
    const f = await ll.server;
    try {
      const wrong = await run(f.url, { LITELLM_MASTER_KEY: "sk-wrong" });
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/HTTP 401/);
      const hostile = await run(f.url, { LITELLM_APP_KEY: 'sk-"quoted"' });
      expect(hostile.code).not.toBe(0);
      expect(hostile.stderr).toMatch(/litellm-app-key is empty or holds characters/);
      expect(hostile.stderr).not.toContain("quoted");
      const ok = await run(f.url);
      expect(ok.code).toBe(0);
      expect(f.requests).not.toContain("POST /team/new");
      ll.keys.clear();
      f.outage = 502;
      const outage = await run(f.url);
      expect(outage.code).not.toBe(0);
      expect(outage.stderr).toMatch(/HTTP 502/);
      for (const r of [wrong, ok, outage]) expectNoSecret(r, secrets);
    } finally {
      await f.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The Jobs in the tree

describe("the Jobs in the tree", () => {
  it("run in a layer after what they configure and before what depends on them, health-checked there", () => {
    const plan = planGitops(prod);
    const layerOf = (key: string) => LAYERS.indexOf(releaseDescriptor(key as never).layer);
    for (const j of JOBS) {
      expect(LAYERS.indexOf(j.layer), j.name).toBeGreaterThan(layerOf(j.configures));
      for (const b of "before" in j ? j.before : []) expect(LAYERS.indexOf(j.layer), j.name).toBeLessThan(layerOf(b));
      const layer = plan.layers.find((l) => l.layer === j.layer);
      expect(layer?.healthChecks, j.name).toContainEqual({
        apiVersion: "batch/v1",
        kind: "Job",
        name: j.name,
        namespace: j.namespace,
      });
    }
  });

  it(
    "are restricted: non-root, read-only root, no escalation, no capability, " + "no token, bounded, force-recreated",
    () => {
      for (const j of JOBS) {
        const { job, script } = rendered(prod, j.key);
        expect(at(job, "metadata.annotations")).toEqual({ "kustomize.toolkit.fluxcd.io/force": "enabled" });
        expect(at(job, "spec.backoffLimit")).toBeGreaterThan(0);
        expect(at(job, "spec.activeDeadlineSeconds")).toBeGreaterThan(0);
        expect(at(job, "spec.ttlSecondsAfterFinished")).toBeUndefined();
        const pod = at(job, "spec.template.spec") as Doc;
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        const c = at(job, "spec.template.spec.containers.0") as Doc;
        expect(c.image).toBe(JOB_IMAGE.image);
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ["ALL"] },
        });
        expect(at(c, "resources.requests")).toBeDefined();
        expect(at(c, "resources.limits.memory")).toBeDefined();
        // Secrets only through secretKeyRef, the command names only the script.
        const env = c.env as Array<{ name: string; value?: string; valueFrom?: unknown }>;
        for (const s of j.secrets)
          expect(env.find((e) => e.name === s.env)).toEqual({
            name: s.env,
            valueFrom: { secretKeyRef: { name: s.secret, key: s.key } },
          });
        expect(c.command).toEqual(["/bin/sh", "/etc/codemie-job/run.sh"]);
        const code = script
          .split("\n")
          .filter((l) => !/^\s*#/.test(l))
          .join("\n");
        expect(code).not.toMatch(/set -[a-z]*x|--verbose|--trace|\bcurl\b[^\n]*\s-v\b/);
        expect(code).toMatch(/\bcurl --silent --show-error /);
      }
    },
  );

  it("exist only with what they configure: dev (no LLM proxy) renders no litellm-app-key Job", async () => {
    const dev = loadEnv("dev");
    const devTree = await render(dev);
    expect([...devTree.keys()].some((p) => p.includes("litellm-app-key"))).toBe(false);
    expect([...devTree.keys()].some((p) => p.endsWith("/elasticsearch-metrics-alias/job.yaml"))).toBe(true);
  });

  it("open exactly their catalogue flows: one NetworkPolicy rule at each end, nothing else", () => {
    const jobFlows = FLOWS.filter((f) => JOBS.some((j) => j.key === f.from));
    expect(jobFlows.map((f) => `${f.from}->${f.to}`)).toEqual(["litellmAppKey->llmProxy"]);
    const policies = tree.get(`${gitopsRoot(prod)}/infrastructure/network-policies.yaml`) ?? "";
    for (const f of jobFlows) expect(policies.split(`# ${f.why}\n`).length - 1, f.why).toBe(2);
    // Metrics written through the alias the Job creates.
    const fluentBit = tree.get(`${gitopsRoot(prod)}/observability/fluent-bit/values.yaml`) ?? "";
    expect(fluentBit).toMatch(new RegExp(`Index\\s+${METRICS_WRITE_ALIAS}\\n`));
  });
});
