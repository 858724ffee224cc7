// The annotations that pin ingress-nginx's LoadBalancer Service to the address the Bicep fixed
// (model/ingress.ts explains where it lives and why).
import { ingressAddress } from "../../config/ingress.js";
import type { Environment } from "../../model/environment.js";
import type { KeyValue } from "./scheduling.js";

const ANNOTATION = "service.beta.kubernetes.io";

export function ingressAddressAnnotations(env: Environment): KeyValue[] {
  const address = ingressAddress(env);
  if (address.kind === "private") {
    return [
      { key: `${ANNOTATION}/azure-load-balancer-internal-subnet`, value: address.subnet },
      { key: `${ANNOTATION}/azure-load-balancer-ipv4`, value: address.ip },
    ];
  }
  return [
    { key: `${ANNOTATION}/azure-load-balancer-resource-group`, value: address.resourceGroup },
    { key: `${ANNOTATION}/azure-pip-name`, value: address.publicIpName },
  ];
}
