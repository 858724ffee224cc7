// A real, throwaway PostgreSQL server on loopback for tests of SQL the tree ships (the roles Job).
// It needs `initdb` and `postgres` on PATH (Debian's postgresql package) and fails loudly without
// them. PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPostgres {
  port: number;
  /** The server's log (log_statement = ddl, like the managed server). */
  logFile: string;
  /** Runs SQL as the bootstrap superuser over the Unix socket; returns psql's unaligned output. */
  superuser(sql: string, database?: string): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** On PATH, else where Debian's postgresql package puts the server's programs (not on PATH). */
function binary(name: string): string {
  try {
    return execFileSync("sh", ["-c", `command -v ${name} || ls /usr/lib/postgresql/*/bin/${name}`], {
      encoding: "utf8",
    })
      .trim()
      .split("\n")[0]!;
  } catch {
    throw new Error(`${name} is not on PATH: install PostgreSQL (Debian: apt-get install postgresql) to run this test`);
  }
}

const isRoot = process.getuid?.() === 0;
/** argv run as the server's account: `postgres` when the test runs as root (setpriv execs, so signals reach it). */
function asServerUser(argv: string[]): string[] {
  return isRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", ...argv] : argv;
}
const serverUid = (): number => Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());

export async function startPostgres(): Promise<TestPostgres> {
  const initdb = binary("initdb");
  const postgres = binary("postgres");
  const psql = binary("psql");
  const dir = mkdtempSync(join(tmpdir(), "codemie-pg-"));
  if (isRoot) chownSync(dir, serverUid(), 0);
  const data = join(dir, "data");
  const hba = join(dir, "pg_hba.conf");
  const logFile = join(dir, "server.log");
  // The superuser over the socket only; every TCP login with a SCRAM password, as on Azure.
  writeFileSync(hba, "local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n", { mode: 0o644 });
  const [cmd, ...args] = asServerUser([initdb, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  execFileSync(cmd!, args, { stdio: "pipe" });
  const port = await freePort();
  const [pcmd, ...pargs] = asServerUser([
    postgres,
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    `hba_file=${hba}`,
    "-c",
    "log_statement=ddl",
    "-c",
    "fsync=off",
  ]);
  const log = openSync(logFile, "w");
  const server: ChildProcess = spawn(pcmd!, pargs, { stdio: ["ignore", log, log] });
  const superuser = (sql: string, database = "postgres") =>
    execFileSync(
      psql,
      ["-h", dir, "-p", String(port), "-U", "postgres", "-d", database, "-At", "-v", "ON_ERROR_STOP=1"],
      {
        input: sql,
        encoding: "utf8",
      },
    );
  for (let i = 0; ; i += 1) {
    try {
      superuser("SELECT 1");
      break;
    } catch (e) {
      if (i > 100 || server.exitCode !== null) throw new Error(`the test PostgreSQL did not start: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    logFile,
    superuser,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once("exit", r));
        server.kill("SIGINT");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
