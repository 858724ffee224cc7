// Issue 17: the egress firewall's combinations that validate refuses, each at the field to change
// (line:column in the file), with what would work instead.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../src/app/load.js";

const BASE = readFileSync(join(import.meta.dirname, "../fixtures/base.yaml"), "utf8");

function diagnostics(change: (yaml: string) => string): string[] {
  const result = loadEnvironment("environments/prod.yaml", change(BASE), "prod");
  return result.diagnostics.map((d) => `${d.line}:${d.column}: ${d.severity}: ${d.message}`);
}

const withNetwork = (lines: string) => (y: string) => y.replace("network:\n", `network:\n${lines}`);
const withoutFirewallSubnet = (y: string) => y.replace(/\n {4}firewall: [^\n]+/, "");

describe("egress firewall validation", () => {
  it("the base fixture (production, managed by default, firewall subnet given) is valid", () => {
    expect(diagnostics((y) => y)).toEqual([]);
    const { env } = loadEnvironment("environments/prod.yaml", BASE, "prod");
    expect(env?.network.egressFirewall).toEqual({ mode: "managed", sku: "Standard" });
  });

  it("production without network.subnets.firewall: an error at subnets suggesting a free /26, or another mode", () => {
    const out = diagnostics(withoutFirewallSubnet);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^13:3: error: network\.subnets\.firewall is missing: egress mode managed/);
    expect(out[0]).toContain("such as 10.40.1.64/26");
    expect(out[0]).toContain("set network.egressFirewall.mode to hub (a landing-zone firewall) or none");
  });

  it("mode none needs no firewall subnet; outside production none is the default", () => {
    expect(diagnostics((y) => withNetwork("  egressFirewall:\n    mode: none\n")(withoutFirewallSubnet(y)))).toEqual(
      [],
    );
    const { env } = loadEnvironment(
      "environments/dev.yaml",
      withoutFirewallSubnet(BASE).replace("production: true", "production: false"),
      "dev",
    );
    expect(env?.network.egressFirewall).toEqual({ mode: "none" });
  });

  it("a firewall subnet smaller than /26", () => {
    expect(diagnostics((y) => y.replace(/firewall: [^\n]+/, "firewall: 10.40.8.0/27"))).toEqual([
      "19:15: error: network.subnets.firewall 10.40.8.0/27 is smaller than Azure Firewall's minimum /26; " +
        "give AzureFirewallSubnet a /26 or larger",
    ]);
  });

  it("a firewall subnet outside the VNet or overlapping another subnet: the address-plan checks", () => {
    expect(diagnostics((y) => y.replace(/firewall: [^\n]+/, "firewall: 10.50.3.0/26"))).toEqual([
      "19:15: error: network.subnets.firewall 10.50.3.0/26 lies outside network.vnetCidr 10.40.0.0/16",
    ]);
    expect(diagnostics((y) => y.replace(/firewall: [^\n]+/, "firewall: 10.40.0.0/26"))).toEqual([
      "19:15: error: network.subnets.firewall 10.40.0.0/26 overlaps network.subnets.system 10.40.0.0/24",
    ]);
  });

  it("a public ingress behind a firewall route is refused (asymmetric routing), naming what works", () => {
    const publicIngress = (waf: string) => (y: string) =>
      y.replace("    host: codemie.example.com\n", `    host: codemie.example.com\n    internal: false\n${waf}`);
    // With the WAF on (production's default) the gateway's listener is public and the load balancer internal.
    expect(diagnostics(publicIngress(""))).toEqual([]);
    const out = diagnostics(publicIngress("    waf:\n      enabled: false\n"));
    expect(out).toEqual([
      expect.stringMatching(
        /^22:15: error: a public ingress cannot sit behind egress mode managed: .*asymmetric routing/,
      ),
    ]);
    expect(out[0]).toContain("set network.ingress.internal: true");
    expect(out[0]).toContain("network.ingress.waf");
    expect(out[0]).toContain("network.egressFirewall.mode: none");
  });

  it("mode hub without an address, an address with another mode, and both spellings at once", () => {
    expect(diagnostics(withNetwork("  egressFirewall:\n    mode: hub\n"))).toEqual([
      "13:11: error: network.egressFirewall.mode hub needs the hub firewall's private address in " +
        "network.egressFirewall.ip",
    ]);
    expect(diagnostics(withNetwork("  egressFirewall:\n    mode: managed\n    ip: 10.0.1.4\n"))).toEqual([
      "14:5: error: network.egressFirewall.ip applies to mode hub only, and the mode is managed; " +
        "remove the address, or set mode: hub",
    ]);
    expect(diagnostics(withNetwork("  egressFirewallIp: 10.0.1.4\n  egressFirewall:\n    ip: 10.0.1.4\n"))).toEqual([
      "12:3: error: network.egressFirewallIp is the older spelling of network.egressFirewall (mode: hub, ip); " +
        "write the address as network.egressFirewall.ip and remove this field",
    ]);
  });

  it("a public API server restricted to authorized ranges: a warning to add the firewall's address", () => {
    const out = diagnostics((y) =>
      `${y}security:\n  apiServerAuthorizedIpRanges: ["203.0.113.0/24"]\n`.replace(
        "network:\n",
        "network:\n  privateCluster: false\n",
      ),
    );
    expect(out).toEqual([
      "12:19: warning: azure.production is true but the cluster API server is public",
      "41:32: warning: the nodes reach the public API server from the egress firewall's public address: add it " +
        "to security.apiServerAuthorizedIpRanges (a managed firewall's is the deploy's egressIp output), or the " +
        "nodes lose the API server",
    ]);
  });

  it("the older egressFirewallIp alone still means a hub firewall at that address", () => {
    const { env } = loadEnvironment(
      "environments/prod.yaml",
      withNetwork("  egressFirewallIp: 10.0.1.4\n")(BASE),
      "prod",
    );
    expect(env?.network.egressFirewall).toEqual({ mode: "hub", ip: "10.0.1.4" });
  });
});
