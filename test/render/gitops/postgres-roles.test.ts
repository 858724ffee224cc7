// The PostgreSQL roles Job, as rendered: its script runs against a real PostgreSQL server set up
// like the managed one on day 2 (databases and tables owned by the password administrator, an
// Entra administrator standing in for the Job's identity, log_statement = ddl). Afterwards each
// application logs in with its own role and password over SCRAM, owns its database and
// everything in it, and cannot connect to the others; no cleartext password reached the server's
// log or the Job's output; the stored verifiers match an independent SCRAM computation checked
// against RFC 7677's test vector.
import { spawnSync } from "node:child_process";
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_ROLES, ROLES_JOB } from "../../../src/catalogue/database-roles.js";
import { KEYCLOAK_DB_IMAGE } from "../../../src/catalogue/platform.js";
import type { Environment } from "../../../src/model/environment.js";
import { gitopsRoot } from "../../../src/render/gitops/render.js";
import { fluxSubstitute } from "../../../src/render/gitops/flux.js";
import { startPostgres, type TestPostgres } from "../../support/postgres.js";
import { validateYamlStream } from "../../support/k8s-validate.js";
import { docs, dummyOutputs, loadEnv, render, type Doc } from "./support.js";

interface Container {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value?: string }[];
}

async function jobOf(env: Environment, outputs: Record<string, string>) {
  const tree = await render(env);
  const text = tree.get(`${gitopsRoot(env)}/databases/postgres-roles.yaml`);
  if (!text) throw new Error("no databases/postgres-roles.yaml in the tree");
  const objects = docs(fluxSubstitute(text, outputs));
  const job = objects.find((d) => d.kind === "Job") as Doc & {
    spec: { template: { spec: { initContainers: Container[]; containers: Container[] } } };
  };
  return { text, tree, objects, job, roles: job.spec.template.spec.containers[0]! };
}

const envOf = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value ?? ""]));

/** SCRAM-SHA-256 keys (RFC 5802 §3), computed with Node's crypto, independently of the Job's Perl. */
function scramKeys(password: string, salt: Buffer, iterations: number) {
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  return {
    clientKey,
    storedKey: createHash("sha256").update(clientKey).digest(),
    serverKey: createHmac("sha256", salted).update("Server Key").digest(),
  };
}

describe("the reference SCRAM computation", () => {
  it("reproduces RFC 7677's SCRAM-SHA-256 example (client proof and server signature)", () => {
    const nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const { clientKey, storedKey, serverKey } = scramKeys(
      "pencil",
      Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"),
      4096,
    );
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    const signature = createHmac("sha256", storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    expect(proof.toString("base64")).toBe("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    expect(createHmac("sha256", serverKey).update(authMessage).digest("base64")).toBe(
      "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    );
  });
});

describe("the applications' database logins", async () => {
  /** The ExternalSecret named so, as kustomize would apply it: its Key Vault keys and its template. */
  function loginOf(tree: Map<string, string>, env: Environment, name: string) {
    const objects = docs(tree.get(`${gitopsRoot(env)}/secrets/external-secrets.yaml`)!);
    const es = objects.find((d) => d.kind === "ExternalSecret" && (d.metadata as { name: string }).name === name) as {
      spec: { data: { remoteRef: { key: string } }[]; target: { template: { data: Record<string, string> } } };
    };
    return { keys: es.spec.data.map((d) => d.remoteRef.key), template: es.spec.target.template.data };
  }

  it.each(["dev", "staging", "prod"])(
    "%s: CodeMie, Keycloak and LiteLLM read their own role and password, and nothing reads the administrator's",
    async (name) => {
      const env = loadEnv(name);
      const tree = await render(env);
      const codemie = loginOf(tree, env, "codemie-postgresql");
      expect(codemie.keys).toEqual(["codemie-db-password"]);
      expect(codemie.template).toMatchObject({ PG_USER: "codemie", PG_NAME: "codemie" });
      const keycloak = loginOf(tree, env, "keycloak-postgresql");
      expect(keycloak.keys).toEqual(["keycloak-db-password"]);
      expect(keycloak.template.username).toBe("keycloak");
      if (env.components.some((c) => c.key === "llmProxy" && c.enabled)) {
        const litellm = loginOf(tree, env, "litellm-postgresql");
        expect(litellm.keys).toEqual(["litellm-db-password"]);
        expect(litellm.template.username).toBe("litellm");
        const values = tree.get(`${gitopsRoot(env)}/llm-proxy/litellm/values.yaml`)!;
        expect(values).toMatch(/secret:\n\s+name: "litellm-postgresql"/);
        expect(values).toContain('database: "litellm"');
      }
      // The releases read those secrets (the API's environment, Keycloak's existingSecret).
      expect(tree.get(`${gitopsRoot(env)}/applications/codemie-api/values.yaml`)).toContain(
        'name: "codemie-postgresql"',
      );
      expect(tree.get(`${gitopsRoot(env)}/security/keycloak/values.yaml`)).toContain(
        'existingSecret: "keycloak-postgresql"',
      );
      for (const [path, content] of tree) {
        expect(content, path).not.toContain("postgres-admin-password");
        // The administrator's login name reaches only the roles Job, which hands its objects over.
        if (!path.endsWith("databases/postgres-roles.yaml"))
          expect(content, path).not.toContain("POSTGRES_ADMIN_LOGIN");
      }
    },
  );
});

describe("the rendered roles Job", async () => {
  const staging = loadEnv("staging");
  const outputs: Record<string, string> = {
    ...dummyOutputs(staging),
    POSTGRES_ADMIN_LOGIN: "pgadmin",
    POSTGRES_HOST: "127.0.0.1",
  };
  const { text, objects, job, roles } = await jobOf(staging, outputs);
  const podEnv = envOf(roles);
  const expected = DATABASE_ROLES.filter((r) => r.database !== "litellm" || podEnv.ROLES!.includes("litellm"));

  it("passes the Kubernetes schemas, runs the catalogue's images, and reads no administrator secret", () => {
    expect(validateYamlStream(text, "databases/postgres-roles.yaml")).toEqual([]);
    expect(roles.image).toBe(KEYCLOAK_DB_IMAGE);
    const token = job.spec.template.spec.initContainers[0]!;
    expect(token.image).toBe(
      `europe-west3-docker.pkg.dev/or2-msq-epmd-edp-anthos-t1iylu/codemie-clients-releases/codemie:` +
        `${staging.codemieVersion}`,
    );
    expect(envOf(token).TOKEN_SCOPE).toBe("https://ossrdbms-aad.database.windows.net/.default");
    expect(podEnv.PGUSER).toBe(staging.names.identities.postgresRoles);
    expect(podEnv.PGSSLMODE).toBe("verify-full");
    // The passwords' files are readable by the Job's user through its group, by no one else.
    const pod = job.spec.template.spec as unknown as {
      securityContext: { runAsUser: number; fsGroup: number };
      volumes: { name: string; secret?: { defaultMode: number } }[];
    };
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
    expect(pod.volumes.find((v) => v.name === "passwords")?.secret?.defaultMode).toBe(0o440);
    expect(podEnv.ROLES!.split(" ")).toContain("keycloak:keycloak");
    expect(text).not.toMatch(/postgres-admin-password|set -x/);
    const sa = objects.find((d) => d.kind === "ServiceAccount") as {
      metadata: { annotations: Record<string, string> };
    };
    expect(sa.metadata.annotations["azure.workload.identity/client-id"]).toBe(outputs.POSTGRES_ROLES_CLIENT_ID);
    expect(job.metadata).toMatchObject({ namespace: ROLES_JOB.namespace });
  });

  describe("against a real PostgreSQL server on day 2", () => {
    let pg: TestPostgres;
    let work: string;
    const passwords = new Map(
      expected.map((r) => [r.role, `${r.role}Pw${"0123456789abcdefghijklmnopqrstuv".slice(r.role.length)}`]),
    );
    const jobPassword = "entra-token-stand-in-0123456789";
    const run = () => {
      const result = spawnSync("bash", ["-c", roles.args[0]!], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          ...podEnv,
          // What differs from the pod: the server's port, no TLS on loopback, the files' places.
          PGPORT: String(pg.port),
          PGSSLMODE: "disable",
          TOKEN_FILE: join(work, "token"),
          PASSWORDS_DIR: join(work, "passwords"),
          HOME: work,
        },
      });
      return result;
    };
    const login = (role: string, password: string, database: string) =>
      spawnSync(
        "psql",
        ["-h", "127.0.0.1", "-p", String(pg.port), "-U", role, "-d", database, "-Atc", "SELECT current_user"],
        {
          encoding: "utf8",
          env: { PATH: process.env.PATH, PGPASSWORD: password, PGSSLMODE: "disable" },
        },
      );
    const writePasswords = () => {
      for (const [role, password] of passwords) writeFileSync(join(work, "passwords", role), password);
    };

    beforeAll(async () => {
      pg = await startPostgres();
      work = mkdtempSync(join(tmpdir(), "codemie-roles-"));
      mkdirSync(join(work, "passwords"));
      writeFileSync(join(work, "token"), jobPassword);
      writePasswords();
      // The managed server as Azure makes it: azure_pg_admin, the password administrator, the Entra
      // administrator of the Job's identity (a password stands in for its token), ARM's databases.
      pg.superuser(`
        CREATE ROLE azure_pg_admin NOLOGIN;
        CREATE ROLE pgadmin LOGIN CREATEROLE CREATEDB PASSWORD 'admin-0123456789abcdefghij' IN ROLE azure_pg_admin;
        CREATE ROLE "${podEnv.PGUSER}" LOGIN CREATEROLE CREATEDB PASSWORD '${jobPassword}' IN ROLE azure_pg_admin;
        ${expected.map((r) => `CREATE DATABASE ${r.database} OWNER pgadmin;`).join("\n")}
        CREATE DATABASE other OWNER pgadmin;
      `);
      // Day 2: the applications logged in as the administrator, so it owns what they made.
      pg.superuser(
        `
        SET ROLE pgadmin;
        CREATE SCHEMA codemie;
        CREATE EXTENSION pg_trgm;
        CREATE TYPE codemie.status AS ENUM ('a', 'b');
        CREATE TABLE codemie.assistants (id serial PRIMARY KEY, name text, status codemie.status);
        CREATE TABLE codemie.things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
        CREATE SEQUENCE codemie.free_seq;
        CREATE VIEW codemie.names AS SELECT name FROM codemie.assistants;
        CREATE FUNCTION codemie.one() RETURNS int LANGUAGE sql AS 'SELECT 1';
        CREATE INDEX ON codemie.assistants USING gin (name gin_trgm_ops);
        CREATE TABLE alembic_version (version_num text);
      `,
        "codemie",
      );
      pg.superuser("SET ROLE pgadmin; CREATE TABLE kept (i int);", "other");
    }, 60_000);

    afterAll(async () => {
      await pg?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it("gives each application its own login, owner of its database and of what the administrator made there", () => {
      const first = run();
      expect(first.stderr + first.stdout).toBe("");
      expect(first.status).toBe(0);
      for (const r of expected) {
        expect(login(r.role, passwords.get(r.role)!, r.database).stdout.trim()).toBe(r.role);
        expect(
          pg.superuser(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${r.database}'`).trim(),
        ).toBe(r.role);
        expect(
          pg
            .superuser(
              `SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR ` +
                `rolbypassrls FROM pg_authid WHERE rolname = '${r.role}'`,
            )
            .trim(),
        ).toBe("f");
      }
      const owners = pg.superuser(
        `SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class
           WHERE relnamespace IN ('codemie'::regnamespace, 'public'::regnamespace)
         UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'codemie'
         UNION SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'one'
         UNION SELECT pg_get_userbyid(typowner) FROM pg_type WHERE typname = 'status'`,
        "codemie",
      );
      expect(owners.trim().split("\n")).toEqual(["codemie"]);
      // The API can migrate: change a table it now owns, create new ones.
      const migrate = spawnSync(
        "psql",
        [
          "-h",
          "127.0.0.1",
          "-p",
          String(pg.port),
          "-U",
          "codemie",
          "-d",
          "codemie",
          "-v",
          "ON_ERROR_STOP=1",
          "-qc",
          "ALTER TABLE codemie.assistants ADD COLUMN extra int; CREATE TABLE " +
            "codemie.newer (i int); SELECT codemie.one()",
        ],
        {
          encoding: "utf8",
          env: { PATH: process.env.PATH, PGPASSWORD: passwords.get("codemie"), PGSSLMODE: "disable" },
        },
      );
      expect(migrate.stderr).toBe("");
      // Until they restart, pods still logged in as the administrator keep reading what they wrote.
      const before = spawnSync(
        "psql",
        [
          "-h",
          "127.0.0.1",
          "-p",
          String(pg.port),
          "-U",
          "pgadmin",
          "-d",
          "codemie",
          "-Atc",
          "SELECT count(*) FROM codemie.assistants",
        ],
        {
          encoding: "utf8",
          env: { PATH: process.env.PATH, PGPASSWORD: "admin-0123456789abcdefghij", PGSSLMODE: "disable" },
        },
      );
      expect(before.stdout.trim()).toBe("0");
      // A database the Job does not own a role for is left alone, and the Job keeps no administrator's membership.
      expect(
        pg.superuser("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'kept'", "other").trim(),
      ).toBe("pgadmin");
      expect(pg.superuser(`SELECT pg_has_role('${podEnv.PGUSER}', 'pgadmin', 'MEMBER')`).trim()).toBe("f");
    });

    it("keeps each role out of the other applications' databases", () => {
      const [a, b] = expected;
      const denied = login(a!.role, passwords.get(a!.role)!, b!.database);
      expect(denied.status).not.toBe(0);
      expect(denied.stderr).toContain(`permission denied for database "${b!.database}"`);
      expect(login("pgadmin", "wrong", "codemie").status).not.toBe(0);
    });

    it(
      "stores SCRAM-SHA-256 verifiers that match an independent computation, " + "and no cleartext reaches the DDL log",
      () => {
        for (const r of expected) {
          const stored = pg.superuser(`SELECT rolpassword FROM pg_authid WHERE rolname = '${r.role}'`).trim();
          const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored);
          expect(match, stored).not.toBeNull();
          const keys = scramKeys(passwords.get(r.role)!, Buffer.from(match![2]!, "base64"), Number(match![1]));
          expect(Number(match![1])).toBe(4096);
          expect(Buffer.from(match![2]!, "base64")).toHaveLength(16);
          expect(match![3]).toBe(keys.storedKey.toString("base64"));
          expect(match![4]).toBe(keys.serverKey.toString("base64"));
        }
        const log = readFileSync(pg.logFile, "utf8");
        expect(log).toContain("ALTER ROLE codemie WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD 'SCRAM-SHA-256$4096:");
        // (The test's own setup logs the stand-in administrators' passwords; the applications' appear nowhere.)
        for (const password of passwords.values()) expect(log).not.toContain(password);
      },
    );

    it("converges again on a second run, and a new password in the secret replaces the old one", () => {
      const old = passwords.get("codemie")!;
      passwords.set("codemie", "RotatedPassword0123456789abcdefg");
      writePasswords();
      const again = run();
      expect(again.stderr + again.stdout).toBe("");
      expect(again.status).toBe(0);
      expect(login("codemie", "RotatedPassword0123456789abcdefg", "codemie").stdout.trim()).toBe("codemie");
      expect(login("codemie", old, "codemie").status).not.toBe(0);
    });

    it("fails, printing no password, when a role's password is not printable ASCII", () => {
      writeFileSync(join(work, "passwords", "codemie"), "bad\npassword");
      const failed = run();
      writePasswords();
      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toContain("a role password must be printable ASCII");
      expect(failed.stderr).not.toContain("bad");
    });
  });
});
