// What main.bicep.hbs prints for the Application Gateway WAF (config/app-gateway.ts decides where
// it listens; the template only lays the module out).
import { ROLE_IDS } from "../../catalogue/identities.js";
import { behindGateway, gatewayNames, gatewayPrivateIp, type GatewayNames } from "../../config/app-gateway.js";
import { ingressAddress } from "../../config/ingress.js";
import type { Environment, WafSettings } from "../../model/environment.js";
import { wafOf } from "../../model/resolve.js";

/** What ingress-nginx admits (values.ts: proxy-body-size 900m, proxy-read-timeout 600): the WAF admits the same. */
export const GATEWAY_LIMITS = { fileUploadLimitMb: 900, requestTimeoutSeconds: 600 } as const;

export interface BicepAppGateway extends GatewayNames {
  mode: WafSettings["mode"];
  certificateName: string;
  minCapacity: number;
  maxCapacity: number;
  publicListener: boolean;
  privateFrontendIp: string;
  host: string;
  backendIp: string;
  fileUploadLimitMb: number;
  requestTimeoutSeconds: number;
  readerRoleGuid: string;
}

export function bicepAppGateway(env: Environment): BicepAppGateway | undefined {
  if (!behindGateway(env)) return undefined;
  const waf = wafOf(env);
  const backend = ingressAddress(env);
  if (backend.kind !== "private") throw new Error("the ingress behind the WAF must be internal");
  return {
    ...gatewayNames(env),
    mode: waf.mode,
    certificateName: waf.certificateName,
    minCapacity: waf.minCapacity,
    maxCapacity: waf.maxCapacity,
    publicListener: !env.network.ingress.internal,
    privateFrontendIp: gatewayPrivateIp(env),
    host: env.network.ingress.host,
    backendIp: backend.ip,
    ...GATEWAY_LIMITS,
    readerRoleGuid: ROLE_IDS["Key Vault Secrets User"],
  };
}
