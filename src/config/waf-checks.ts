// The WAF's needs the schema cannot express: a subnet of its own (the generic subnet checks put it
// inside the VNet and apart from the others), room in it for every instance, HTTPS, sane bounds.
import type { Environment } from "../model/environment.js";
import { wafOf } from "../model/resolve.js";
import { parseCidr, usableAzureAddresses } from "./cidr.js";
import type { Report, Valid } from "./report.js";

const WAF = ["network", "ingress", "waf"];

export function checkWaf(env: Environment, report: Report, ok: Valid): void {
  const waf = wafOf(env);
  if (!ok(WAF, ["azure", "production"]) || !waf.enabled) return;
  const why = env.production ? " (its default with azure.production: true)" : "";
  const subnet = env.network.subnets.appGateway;
  if (subnet === undefined && ok(["network", "subnets"]))
    report(
      "error",
      ["network", "subnets"],
      `network.ingress.waf is on${why} and the Application Gateway needs a subnet of its ` +
        `own, but network.subnets has no appGateway; add network.subnets.appGateway, a free ` +
        `range inside network.vnetCidr ${env.network.vnetCidr} (a /24 as Azure recommends, ` +
        `at least ${waf.maxCapacity + 1} usable addresses), or set network.ingress.waf.enabled: false`,
      "key",
    );
  if (ok(["network", "ingress", "tls"]) && !env.network.ingress.tls)
    report(
      "error",
      ["network", "ingress", "tls"],
      "network.ingress.waf serves HTTPS and reaches the ingress over TLS, but network.ingress.tls " +
        "is false; set it to true, or set network.ingress.waf.enabled: false",
    );
  if (waf.minCapacity > waf.maxCapacity)
    report(
      "error",
      [...WAF, "minCapacity"],
      `network.ingress.waf.minCapacity ${waf.minCapacity} is above maxCapacity ${waf.maxCapacity}`,
    );
  const cidr = subnet === undefined || !ok(["network", "subnets", "appGateway"]) ? undefined : parseCidr(subnet);
  // One address per instance at most and one for the private frontend.
  const need = waf.maxCapacity + 1;
  if (cidr !== undefined && typeof cidr !== "string" && usableAzureAddresses(cidr) < need)
    report(
      "error",
      ["network", "subnets", "appGateway"],
      `network.subnets.appGateway ${cidr.text} has ${usableAzureAddresses(cidr)} usable addresses ` +
        `(Azure reserves 5); the gateway needs ${need}, one per instance up to ` +
        `network.ingress.waf.maxCapacity ${waf.maxCapacity} and its private frontend; use a larger ` +
        `range (Azure recommends a /24) or lower maxCapacity`,
    );
}
