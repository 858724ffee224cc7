// The smoke check (engine/site.ts) through the real adapter (adapters/site.ts) against a local
// HTTPS server playing CodeMie's edge (test/emulator/site.ts): loopback only, the server's
// self-signed CA passed explicitly, TLS verified for the environment's host.
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteProbe, systemResolver } from "../../src/adapters/site.js";
import { KEYCLOAK_REALM } from "../../src/catalogue/platform.js";
import { siteMarkdown } from "../../src/action/site-summary.js";
import { cell } from "../../src/action/summary.js";
import { checkSite, unresolvedReason, type Resolver } from "../../src/engine/site.js";
import { createSelfSignedCertificate, type Certificate } from "../emulator/certificate.js";
import { handleSite, type SiteScript } from "../emulator/site.js";
import { loadEnv } from "../render/gitops/support.js";

const dev = loadEnv("dev");
const prod = loadEnv("prod");
const script: SiteScript = { realm: KEYCLOAK_REALM };
let cert: Certificate;
let server: Server;
let port: number;

beforeAll(async () => {
  cert = await createSelfSignedCertificate([dev.network.ingress.host]);
  server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => handleSite(req, res, script));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await cert.dispose();
});

const loopback: Resolver = { lookup: () => Promise.resolve(["127.0.0.1"]) };
const nowhere: Resolver = { lookup: () => Promise.reject(new Error("queryA ENOTFOUND codemie.dev.ai.example.com")) };

function logged() {
  const info: string[] = [];
  const error: string[] = [];
  return { log: { info: (l: string) => info.push(l), error: (l: string) => error.push(l) }, info, error };
}

async function run(breaks: SiteScript["breaks"] = [], resolver = loopback, trust = true) {
  script.breaks = breaks;
  const out = logged();
  const report = await checkSite(
    dev,
    "127.0.0.1",
    { resolver, probe: siteProbe({ port, ...(trust ? { extraCa: cert.certPem } : {}) }) },
    out.log,
  );
  return { report, ...out };
}

describe("smoke check", () => {
  it(
    "passes when the UI, the API, Keycloak's discovery and the sign-in " + "redirect answer as a healthy chain",
    async () => {
      const { report, info, error } = await run();
      expect(error).toEqual([]);
      expect(report.smoke).toBe("passed");
      expect(report.links.map((l) => [l.name, l.ok])).toEqual([
        ["UI", true],
        ["API health", true],
        ["Keycloak OIDC discovery", true],
        ["sign-in (oauth2-proxy → Keycloak)", true],
      ]);
      expect(info[0]).toBe("CodeMie: https://codemie.dev.ai.example.com/");
      expect(info[1]).toBe("  DNS: A codemie.dev.ai.example.com → 127.0.0.1, in public zone dev.ai.example.com");
    },
  );

  it.each([
    ["api", "API health", "answered 502"],
    ["ui", "UI", "answered 502"],
    ["issuer", "Keycloak OIDC discovery", "(Keycloak's KC_HOSTNAME)"],
    ["realm", "Keycloak OIDC discovery", `realm ${KEYCLOAK_REALM} is not served`],
    ["signin", "sign-in (oauth2-proxy → Keycloak)", "answered 500"],
  ] as const)("names the link that fails (%s)", async (broken, name, detail) => {
    const { report, error } = await run([broken]);
    expect(report.smoke).toBe("failed");
    expect(report.links.filter((l) => !l.ok).map((l) => l.name)).toEqual([name]);
    expect(error.find((l) => l.includes(`failed: ${name}`))).toContain(detail);
    expect(error.at(-1)).toBe(
      "error: smoke check failed: 1 of 4 link(s) of https://codemie.dev.ai.example.com/ do not answer as they should",
    );
  });

  it("verifies TLS: a certificate from an untrusted CA fails every link", async () => {
    const { report } = await run([], loopback, false);
    expect(report.smoke).toBe("failed");
    expect(report.links.every((l) => !l.ok && /self.signed|certificate/i.test(l.detail))).toBe(true);
  });

  it("skips (and says why) when the host does not resolve from here", async () => {
    const { report, info, error } = await run([], nowhere);
    expect(error).toEqual([]);
    expect(report.smoke).toBe("skipped");
    expect(info.at(-1)).toContain("smoke check skipped: codemie.dev.ai.example.com does not resolve from here");
  });

  it("prints the record to create in external DNS mode, and the private zone of an internal ingress", async () => {
    const external = structuredClone(dev);
    external.network.ingress.dns = { mode: "external" };
    const a = logged();
    await checkSite(external, "20.1.2.3", { resolver: nowhere, probe: siteProbe() }, a.log);
    expect(a.info[1]).toBe("  DNS (yours to keep): create A codemie.dev.ai.example.com → 20.1.2.3");
    const b = logged();
    await checkSite(prod, "10.40.7.254", { resolver: nowhere, probe: siteProbe() }, b.log);
    expect(b.info[1]).toBe("  DNS: A codemie.ai.example.com → 10.40.7.254, in private zone ai.example.com");
    // prod is behind the WAF, whose listeners are private: the gateway decides, not ingress-nginx.
    expect(b.info.at(-1)).toContain("the WAF's listeners are on its private address");
  });

  it("explains an unresolved host by what answers for it: the WAF's listeners, else the load balancer", async () => {
    const variant = (waf: boolean, internal: boolean) => {
      const env = structuredClone(prod);
      env.network.ingress.internal = internal;
      env.network.ingress.waf = { ...env.network.ingress.waf!, enabled: waf };
      return env;
    };
    const propagation = "a new record or zone delegation may take a while to reach every resolver";
    const cases = [
      [variant(true, true), "the WAF's listeners are on its private address: it answers inside the VNet"],
      // A public WAF listener: ingress-nginx is internal behind it, yet the host is on the internet.
      [variant(true, false), `the host points at the WAF's public address; ${propagation}`],
      [variant(false, false), `the host points at the ingress's public load balancer; ${propagation}`],
      [variant(false, true), "an internal ingress answers inside the VNet and peered networks only"],
    ] as const;
    for (const [env, expected] of cases) {
      expect(unresolvedReason(env)).toContain(expected);
      const out = logged();
      const report = await checkSite(env, undefined, { resolver: nowhere, probe: siteProbe() }, out.log);
      expect(report).toMatchObject({ smoke: "skipped", unresolved: unresolvedReason(env) });
      expect(siteMarkdown(report).join("\n")).toContain(
        `The host does not resolve from the runner: the smoke check was skipped (${cell(unresolvedReason(env))}).`,
      );
    }
  });

  it("the system resolver answers for localhost with a loopback address", async () => {
    expect(await systemResolver.lookup("localhost")).toContain("127.0.0.1");
  });
});
