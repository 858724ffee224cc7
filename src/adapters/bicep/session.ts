// A long-lived Bicep compiler. Every fresh CLI process pays about a second and a half of .NET
// start-up, so one `bicep jsonrpc --stdio` server compiles all files of a session (tens of ms each
// once warm). If that server cannot start, or is gone or too old later, the session carries on
// with one `bicep build` process per file; results have the same shape either way.
//
// Two properties of the server worth knowing: its bicep/compile reports linter diagnostics
// alongside compiler ones (so no separate lint pass is needed), and it reads each directory's
// bicepconfig.json once per session, so open a new session after changing that file.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { extname, resolve } from "node:path";
import {
  BicepCliError,
  type BicepRunOptions,
  type CompileResult,
  bicepEnvironment,
  bicepExecutable,
  bicepVersion,
  compileFiles,
  compileWithProcess,
  parseTemplate,
} from "./compile.js";
import { type BicepDiagnostic, hasErrors, sortDiagnostics, toLevel } from "./diagnostics.js";
import { JsonRpcConnection, JsonRpcError, METHOD_NOT_FOUND } from "./jsonrpc.js";

export type CompilerMode = "rpc" | "process";

export interface CompilerOptions extends BicepRunOptions {
  /** "auto" (the default) uses JSON-RPC when the CLI offers it; "rpc" fails instead of falling back. */
  mode?: CompilerMode | "auto";
  /** How long the server may take to answer its first request; .NET cold starts are slow on CI. */
  startTimeoutMs?: number;
}

export interface BicepCompiler {
  readonly executable: string;
  /** How files are compiled now; an "rpc" session whose server fails continues as "process". */
  readonly mode: CompilerMode;
  /** Process id of the JSON-RPC server, undefined in process mode. */
  readonly pid: number | undefined;
  /** Why the session compiles with one process per file, if it does. */
  readonly fallbackReason: string | undefined;
  /** The CLI's version number, e.g. "0.49.2". */
  version(): Promise<string>;
  compile(file: string): Promise<CompileResult>;
  compileAll(files: readonly string[]): Promise<CompileResult[]>;
  /** Stops the server; the session must be closed or it keeps the Node process alive. */
  close(): Promise<void>;
}

export async function openCompiler(options: CompilerOptions = {}): Promise<BicepCompiler> {
  const executable = bicepExecutable(options);
  const mode = options.mode ?? "auto";
  if (mode === "process") return new Compiler(executable, undefined, "process mode was requested");
  try {
    return new Compiler(executable, await RpcServer.start(executable, options.startTimeoutMs ?? 30_000), undefined);
  } catch (error) {
    if (mode === "rpc") throw error;
    return new Compiler(executable, undefined, `bicep jsonrpc did not start: ${messageOf(error)}`);
  }
}

// Wire shapes of bicep/compile (Bicep.Cli.Rpc.CompileResponse); positions there are 0-based.
interface RpcDiagnostic {
  source: string;
  range: { start: { line: number; char: number } };
  level: string;
  code: string;
  message: string;
}

interface RpcCompileResponse {
  success: boolean;
  diagnostics: RpcDiagnostic[];
  contents?: string | null;
}

class Compiler implements BicepCompiler {
  private closed = false;

  constructor(
    readonly executable: string,
    private server: RpcServer | undefined,
    public fallbackReason: string | undefined,
  ) {}

  get mode(): CompilerMode {
    return this.server === undefined ? "process" : "rpc";
  }

  get pid(): number | undefined {
    return this.server?.pid;
  }

  async version(): Promise<string> {
    this.assertOpen();
    const server = this.server;
    if (server === undefined) return bicepVersion(this.executable);
    try {
      return (await server.request<{ version: string }>("bicep/version", {})).version;
    } catch (error) {
      await this.fallBack(server, error);
      return bicepVersion(this.executable);
    }
  }

  async compile(file: string): Promise<CompileResult> {
    this.assertOpen();
    const path = resolve(file);
    // The server would emit parameters for a .bicepparam file where `bicep build` refuses it.
    if (extname(path) !== ".bicep") throw new BicepCliError(`${path} is not a .bicep file`);
    const server = this.server;
    if (server === undefined) return compileWithProcess(this.executable, path);
    let response: RpcCompileResponse;
    try {
      response = await server.request<RpcCompileResponse>("bicep/compile", { path });
    } catch (error) {
      // An answered error is about this file (e.g. it does not exist), as a failed `bicep build` would be.
      if (error instanceof JsonRpcError && error.code !== METHOD_NOT_FOUND) {
        throw new BicepCliError(`bicep/compile ${path} failed: ${error.message}`);
      }
      await this.fallBack(server, error);
      return compileWithProcess(this.executable, path);
    }
    return fromRpc(path, response);
  }

  async compileAll(files: readonly string[]): Promise<CompileResult[]> {
    this.assertOpen();
    // Requests are pipelined: the server compiles them concurrently over one connection.
    if (this.server !== undefined) return Promise.all(files.map((file) => this.compile(file)));
    return compileFiles(files, { executable: this.executable });
  }

  async close(): Promise<void> {
    this.closed = true;
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the Bicep compiler session is closed");
  }

  private async fallBack(server: RpcServer, error: unknown): Promise<void> {
    if (this.server !== server) return;
    this.server = undefined;
    this.fallbackReason = `bicep jsonrpc failed: ${messageOf(error)}`;
    await server.close();
  }
}

function fromRpc(path: string, response: RpcCompileResponse): CompileResult {
  const diagnostics = sortDiagnostics(response.diagnostics.map(toDiagnostic));
  if (response.success && typeof response.contents === "string") {
    return { file: path, template: parseTemplate(response.contents, path), diagnostics };
  }
  if (hasErrors(diagnostics)) return { file: path, template: undefined, diagnostics };
  throw new BicepCliError(`bicep/compile ${path} produced no template and no error`);
}

function toDiagnostic(d: RpcDiagnostic): BicepDiagnostic {
  return {
    file: d.source,
    line: d.range.start.line + 1,
    column: d.range.start.char + 1,
    level: toLevel(d.level),
    code: d.code,
    message: d.message,
  };
}

class RpcServer {
  private readonly connection: JsonRpcConnection;
  private readonly exited: Promise<void>;
  private stderrTail = "";

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.connection = new JsonRpcConnection(child.stdout, child.stdin);
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-4000);
    });
    // "close" comes after the output is drained, so the error carries everything the server said.
    child.on("close", (code, signal) => {
      const said = this.stderrTail.trim();
      this.connection.fail(new Error(`bicep jsonrpc exited with ${signal ?? code}${said ? `: ${said}` : ""}`));
    });
    this.exited = new Promise((resolveExited) => {
      child.on("exit", () => resolveExited());
      child.on("error", (error) => {
        this.connection.fail(error);
        resolveExited();
      });
    });
  }

  /** Starts the server and waits for its answer to bicep/version, proving the protocol works. */
  static async start(executable: string, timeoutMs: number): Promise<RpcServer> {
    const server = new RpcServer(spawn(executable, ["jsonrpc", "--stdio"], { stdio: "pipe", env: bicepEnvironment() }));
    const timer = setTimeout(
      () => server.connection.fail(new Error(`no answer to bicep/version within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await server.request("bicep/version", {});
      return server;
    } catch (error) {
      await server.close(0);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.request<T>(method, params);
  }

  /** Ends the server's input, which makes it exit; kills it if it has not after graceMs. */
  async close(graceMs = 5_000): Promise<void> {
    this.connection.fail(new Error("the Bicep compiler session is closed"));
    this.child.stdin.end();
    const killer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(killer);
    // Pipes still held by a grandchild (a wrapper script that did not exec) must not keep Node alive.
    this.child.stdout.destroy();
    this.child.stderr.destroy();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
