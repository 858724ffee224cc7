// A real git server on 127.0.0.1 for the attack tests: `git http-backend` (smart HTTP, fetch and
// push) as a CGI behind a loopback HTTPS server with a throwaway certificate. It records every
// request with the Authorization header it carried, so a test can prove which host got the token.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createSelfSignedCertificate, type Certificate } from "../emulator/certificate.js";

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface GitHttpsServer {
  /** host:port, as a URL and a trusted-hosts list spell it. */
  host: string;
  /** https://host/NAME for a bare repository NAME under the project root. */
  url(name: string): string;
  requests: RecordedRequest[];
  /** For GIT_SSL_CAINFO in whatever runs git against this server. */
  certPath: string;
  close(): Promise<void>;
}

/** Serves every bare repository under `projectRoot`; pushes are allowed (as an authenticated user). */
export async function startGitHttpsServer(projectRoot: string, certificate?: Certificate): Promise<GitHttpsServer> {
  const cert = certificate ?? (await createSelfSignedCertificate());
  const requests: RecordedRequest[] = [];
  const server: Server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    requests.push({ method: req.method ?? "", path: url.pathname, authorization: req.headers.authorization });
    const cgi = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: "1",
        REMOTE_USER: "tester",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
        ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on("data", (c: Buffer) => chunks.push(c));
    cgi.on("close", () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf("\r\n\r\n");
      const headerEnd = split >= 0 ? split : out.indexOf("\n\n");
      const gap = split >= 0 ? 4 : 2;
      const headers = out.subarray(0, Math.max(0, headerEnd)).toString("latin1").split(/\r?\n/);
      let status = 200;
      for (const line of headers) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.end(headerEnd >= 0 ? out.subarray(headerEnd + gap) : out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: (name) => `https://${host}/${name}`,
    requests,
    certPath: cert.certPath,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (!certificate) await cert.dispose();
    },
  };
}
