// The smoke check's reach into the network (engine/site.ts ports): the system resolver, and one
// bounded GET per link, connected to the address the host resolved to, with TLS verified for the
// host against the system's CAs plus, when given, one more CA (a private CA's certificate, for
// an ingress certificate it signed). Verification is never turned off.
import { lookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { rootCertificates } from "node:tls";
import type { ProbeAnswer, Resolver, SitePorts, SiteProbe } from "../engine/ports.js";

export const systemResolver: Resolver = {
  async lookup(host) {
    const found = await lookup(host, { all: true, family: 4 });
    return found.map((a) => a.address);
  },
};

export interface ProbeOptions {
  /** PEM of a CA to trust beside the system's (CODEMIE_SITE_CA_FILE). */
  extraCa?: string;
  /** Port to connect to instead of the URL's (tests); the URL, Host and TLS name stay as they are. */
  port?: number;
  timeoutMs?: number;
}

/** Enough for a discovery document; a larger body is cut (the check reads its start only). */
const MAX_BODY = 64 * 1024;

export function siteProbe(options: ProbeOptions = {}): SiteProbe {
  const ca = options.extraCa ? [...rootCertificates, options.extraCa] : undefined;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    get(url, address) {
      const target = new URL(url);
      const secure = target.protocol === "https:";
      const port = options.port ?? (target.port ? Number(target.port) : secure ? 443 : 80);
      const common = {
        host: address,
        port,
        path: `${target.pathname}${target.search}`,
        method: "GET",
        headers: { host: target.host, accept: "application/json, text/html;q=0.9" },
        timeout: timeoutMs,
      };
      return new Promise<ProbeAnswer>((resolve, reject) => {
        const onResponse = (res: http.IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            if (size < MAX_BODY) chunks.push(c);
            size += c.length;
          });
          res.on("end", () => {
            const location = typeof res.headers.location === "string" ? res.headers.location : undefined;
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString("utf8"),
              ...(location ? { location } : {}),
            });
          });
          res.on("error", reject);
        };
        const req = secure
          ? https.request({ ...common, servername: target.hostname, ...(ca ? { ca } : {}) }, onResponse)
          : http.request(common, onResponse);
        req.on("timeout", () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`)));
        req.on("error", reject);
        req.end();
      });
    },
  };
}

/**
 * The site ports of a run: the system resolver and the standard ports, unless
 * CODEMIE_SITE_ADDRESS ("IP:PORT", like curl --resolve) sends every check to one address (a
 * tunnel to an internal ingress, the test emulator). CODEMIE_SITE_CA_FILE adds a CA to trust.
 */
export function siteFromEnvironment(env: NodeJS.ProcessEnv): SitePorts {
  const extraCa = env.CODEMIE_SITE_CA_FILE ? readFileSync(env.CODEMIE_SITE_CA_FILE, "utf8") : undefined;
  const pinned = env.CODEMIE_SITE_ADDRESS
    ? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(env.CODEMIE_SITE_ADDRESS)
    : undefined;
  if (env.CODEMIE_SITE_ADDRESS && !pinned)
    throw new Error(
      `CODEMIE_SITE_ADDRESS must be IPv4:PORT such as 10.40.7.254:443, not "${env.CODEMIE_SITE_ADDRESS}"`,
    );
  if (!pinned) return { resolver: systemResolver, probe: siteProbe(extraCa ? { extraCa } : {}) };
  const [, ip, port] = pinned as unknown as [string, string, string];
  return {
    resolver: { lookup: () => Promise.resolve([ip]) },
    probe: siteProbe({ port: Number(port), ...(extraCa ? { extraCa } : {}) }),
  };
}
