// Issue 20, "DNS and address": ingress-nginx's Service pinned to the address the Bicep fixes, and
// the environment file's address and zone checked with positioned errors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../../src/app/load.js";
import { ingressAddress, ingressDns, lastUsableAddress } from "../../../src/config/ingress.js";
import type { Environment } from "../../../src/model/environment.js";
import { at, loadEnv, render, ROOT, valuesOf } from "./support.js";

const annotations = async (env: Environment) =>
  at(valuesOf(await render(env), env, "infrastructure", "ingress-nginx"), "controller.service.annotations") as Record<
    string,
    string
  >;

function load(name: string, change: (yaml: string) => string) {
  const file = `environments/${name}.yaml`;
  return loadEnvironment(file, change(readFileSync(join(ROOT, file), "utf8")), name);
}
const withIngress = (lines: string) => (y: string) => y.replace(/(\n {2}ingress:\n)/, `$1${lines}`);

describe("ingress-nginx's load balancer address", () => {
  it("internal: the fixed private address in the workloads subnet", async () => {
    const prod = loadEnv("prod");
    const a = await annotations(prod);
    expect(a["service.beta.kubernetes.io/azure-load-balancer-ipv4"]).toBe("10.40.7.254");
    expect(a["service.beta.kubernetes.io/azure-load-balancer-internal-subnet"]).toBe("snet-workloads");
    expect(a["service.beta.kubernetes.io/azure-pip-name"]).toBeUndefined();
  });

  it("public: the static public IP by name, in the environment's resource group", async () => {
    const dev = loadEnv("dev");
    const a = await annotations(dev);
    expect(a["service.beta.kubernetes.io/azure-pip-name"]).toBe("pip-codemie-dev-ingress");
    expect(a["service.beta.kubernetes.io/azure-load-balancer-resource-group"]).toBe(dev.names.resourceGroup);
    expect(a["service.beta.kubernetes.io/azure-load-balancer-ipv4"]).toBeUndefined();
  });

  it("takes the file's privateIp over the default", () => {
    const { env } = load("prod", withIngress("    privateIp: 10.40.4.10\n"));
    expect(ingressAddress(env!)).toEqual({ kind: "private", ip: "10.40.4.10", subnet: "snet-workloads" });
  });

  it("defaults to the subnet's last usable address", () => {
    expect(lastUsableAddress("10.40.4.0/22")).toBe("10.40.7.254");
    expect(lastUsableAddress("10.0.0.0/29")).toBe("10.0.0.6");
  });
});

describe("DNS record of the host", () => {
  it("defaults to the host's parent zone, private for an internal ingress, public otherwise", () => {
    expect(ingressDns(loadEnv("prod"))).toEqual({
      mode: "azure",
      zoneKind: "private",
      zone: "ai.example.com",
      record: "codemie",
    });
    expect(ingressDns(loadEnv("dev"))).toMatchObject({
      zoneKind: "public",
      zone: "dev.ai.example.com",
      record: "codemie",
    });
  });

  it("puts the record at the apex when the host is the zone", () => {
    const { env } = load("prod", withIngress("    dns:\n      zone: codemie.ai.example.com\n"));
    expect(ingressDns(env!).record).toBe("@");
  });
});

describe("positioned errors", () => {
  it("refuses a private address outside the workloads subnet, at its line", () => {
    const { env, diagnostics } = load("prod", withIngress("    privateIp: 10.40.1.10\n"));
    expect(env).toBeUndefined();
    const d = diagnostics.find((x) => x.path === "network.ingress.privateIp");
    expect(d).toMatchObject({ severity: "error", line: 29, column: 16 });
    expect(d?.message).toContain("outside network.subnets.workloads 10.40.4.0/22");
  });

  it("refuses an address Azure keeps, naming the usable range", () => {
    const { diagnostics } = load("prod", withIngress("    privateIp: 10.40.4.1\n"));
    expect(diagnostics.find((x) => x.path === "network.ingress.privateIp")?.message).toContain(
      "use one from 10.40.4.4 to 10.40.7.254",
    );
  });

  it("refuses privateIp on a public ingress", () => {
    const { diagnostics } = load("dev", withIngress("    privateIp: 10.42.4.10\n"));
    expect(diagnostics.find((x) => x.path === "network.ingress.privateIp")?.message).toContain(
      "applies to an internal ingress only",
    );
  });

  it("refuses a zone the host is not inside, at the zone", () => {
    const { diagnostics } = load("prod", withIngress("    dns:\n      zone: other.example.com\n"));
    const d = diagnostics.find((x) => x.path === "network.ingress.dns.zone");
    expect(d).toMatchObject({ severity: "error", line: 30 });
    expect(d?.message).toBe(
      "network.ingress.host codemie.ai.example.com is not inside DNS zone " +
        "other.example.com; name a zone the host ends with, such as " +
        "ai.example.com",
    );
  });

  it("refuses an unknown DNS mode through the schema", () => {
    const { diagnostics } = load("prod", withIngress("    dns:\n      mode: route53\n"));
    expect(diagnostics.some((x) => x.path === "network.ingress.dns.mode" && x.severity === "error")).toBe(true);
  });
});
