// Minimal JSON-RPC 2.0 client with LSP-style "Content-Length: N\r\n\r\n" framing, which is what
// `bicep jsonrpc --stdio` speaks (StreamJsonRpc's HeaderDelimitedMessageHandler).
import type { Readable, Writable } from "node:stream";

export const METHOD_NOT_FOUND = -32601;

/** The peer answered, with an error. */
export class JsonRpcError extends Error {
  override readonly name = "JsonRpcError";

  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

interface ResponseMessage {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

const HEADER_END = "\r\n\r\n";

export class JsonRpcConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;
  // Unparsed bytes are kept as chunks until a whole message is there, so a large template
  // arriving in many chunks is concatenated once rather than once per chunk.
  private chunks: Buffer[] = [];
  private size = 0;
  private needed = 0;

  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    // The owner of the peer reports its end through fail(), knowing better why it ended.
    input.on("data", (chunk: Buffer) => this.receive(chunk));
    input.on("error", (error: Error) => this.fail(error));
    output.on("error", (error: Error) => this.fail(error));
  }

  request<T>(method: string, params: unknown): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", id, method, params }), "utf8");
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.output.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}${HEADER_END}`, "ascii"), body]));
    });
  }

  /** Rejects every outstanding and future request with error; the first failure wins. */
  fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < this.needed) return;

    let buffer = Buffer.concat(this.chunks, this.size);
    for (;;) {
      const headerEnd = buffer.indexOf(HEADER_END);
      const length = headerEnd < 0 ? undefined : contentLength(buffer.subarray(0, headerEnd).toString("ascii"));
      if (headerEnd >= 0 && length === undefined) {
        this.fail(new Error("JSON-RPC message without a Content-Length header"));
        return;
      }
      const start = headerEnd + HEADER_END.length;
      if (length === undefined || buffer.length < start + length) {
        this.needed = length === undefined ? 0 : start + length;
        break;
      }
      const body = buffer.subarray(start, start + length).toString("utf8");
      buffer = buffer.subarray(start + length);
      try {
        this.dispatch(JSON.parse(body) as ResponseMessage);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
    this.chunks = [buffer];
    this.size = buffer.length;
  }

  private dispatch(message: ResponseMessage): void {
    // Requests and notifications from the server carry no id we issued; the Bicep CLI sends none.
    if (typeof message.id !== "number") return;
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (message.error === undefined) {
      pending.resolve(message.result);
      return;
    }
    const { code, message: text, data } = message.error;
    pending.reject(new JsonRpcError(typeof code === "number" ? code : 0, String(text ?? "JSON-RPC error"), data));
  }
}

function contentLength(header: string): number | undefined {
  const match = /^content-length:\s*(\d+)\s*$/im.exec(header);
  return match ? Number(match[1]) : undefined;
}
