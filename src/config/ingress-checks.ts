// The ingress address and DNS record the schema cannot check: a fixed private address inside the
// workloads subnet and outside Azure's reserved ones, and a host inside its DNS zone.
import { publicLoadBalancer } from "./app-gateway.js";
import { defaultZone, recordName } from "./ingress.js";
import type { Environment } from "../model/environment.js";
import { containsIp, formatIp, parseCidr, parseIp } from "./cidr.js";
import type { Report, Valid } from "./report.js";

const INGRESS = ["network", "ingress"];

export function checkIngress(env: Environment, report: Report, ok: Valid): void {
  const ingress = env.network.ingress;
  const ipPath = [...INGRESS, "privateIp"];
  if (ingress.privateIp !== undefined && ok(ipPath, [...INGRESS, "internal"], ["network", "subnets", "workloads"])) {
    // Behind the WAF ingress-nginx is internal even when the host is public.
    if (publicLoadBalancer(env)) {
      report(
        "error",
        ipPath,
        "network.ingress.privateIp applies to an internal ingress only; remove " +
          "it, or set network.ingress.internal to true (a public ingress gets a " +
          "static public IP)",
      );
    } else {
      const subnet = parseCidr(env.network.subnets.workloads);
      const ip = parseIp(ingress.privateIp);
      if (ip === undefined)
        report("error", ipPath, `network.ingress.privateIp "${ingress.privateIp}" is not an IPv4 address`);
      else if (typeof subnet !== "string") {
        const first = subnet.start + 4;
        const last = subnet.start + subnet.size - 2;
        if (!containsIp(subnet, ip))
          report(
            "error",
            ipPath,
            `network.ingress.privateIp ${ingress.privateIp} lies outside ` +
              `network.subnets.workloads ${subnet.text}; the internal load balancer ` +
              `joins that subnet`,
          );
        else if (ip < first || ip > last)
          report(
            "error",
            ipPath,
            `network.ingress.privateIp ${ingress.privateIp} is one of the addresses ` +
              `Azure keeps in ${subnet.text}; use one from ${formatIp(first)} to ` +
              `${formatIp(last)}`,
          );
      }
    }
  }
  const zonePath = [...INGRESS, "dns", "zone"];
  if (ok(zonePath, [...INGRESS, "host"])) {
    const zone = ingress.dns?.zone ?? defaultZone(ingress.host);
    if (recordName(ingress.host, zone) === undefined) {
      report(
        "error",
        ingress.dns?.zone ? zonePath : [...INGRESS, "host"],
        `network.ingress.host ${ingress.host} is not inside DNS zone ${zone}; ` +
          `name a zone the host ends with, such as ${defaultZone(ingress.host)}`,
      );
    }
  }
  if (ingress.dns?.zoneResourceGroup !== undefined && ingress.dns.mode === "external" && ok([...INGRESS, "dns"])) {
    report(
      "warning",
      [...INGRESS, "dns", "zoneResourceGroup"],
      "network.ingress.dns.zoneResourceGroup is ignored with mode external: the deploy writes no record",
    );
  }
}
