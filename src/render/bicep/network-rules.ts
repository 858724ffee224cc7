// The inbound rules of each subnet's NSG. A subnet lets in what it serves and nothing else:
// web traffic to the nodes when the ingress is public (Azure's load balancer hands it to the node
// NICs, and a subnet NSG with only the default rules drops internet traffic), HTTPS to the private
// endpoints and 5432 to PostgreSQL from the node subnets only. Azure's default rules still admit
// its load balancer's probes (AllowAzureLoadBalancerInBound) below these priorities.
import { behindGateway } from "../../config/app-gateway.js";
import type { Environment } from "../../model/environment.js";

export interface NsgRule {
  name: string;
  priority: number;
  access: "Allow" | "Deny";
  protocol: "Tcp" | "*";
  /** A service tag (Internet, VirtualNetwork), printed as sourceAddressPrefix. */
  sourceTag?: string;
  /** CIDRs, printed as sourceAddressPrefixes. */
  sourcePrefixes?: string[];
  destination: string;
  /** Empty: any port. */
  ports: string[];
}

export type SubnetRole = "system" | "workloads" | "postgres" | "privateEndpoints" | "appGateway";

/** Who may reach the ingress on 80/443; empty when it is internal (reached from inside the VNet). */
export function ingressSources(env: Environment): string[] {
  return env.network.ingress.internal ? [] : (env.network.ingress.sourceRanges ?? ["Internet"]);
}

/** The WAF's subnet when it fronts the ingress: then the only source the node subnets admit on 80/443. */
const gatewaySubnet = (env: Environment): string | undefined =>
  behindGateway(env) ? env.network.subnets.appGateway : undefined;

const source = (sources: string[]): Pick<NsgRule, "sourceTag" | "sourcePrefixes"> =>
  sources.length === 1 && sources[0] === "Internet" ? { sourceTag: "Internet" } : { sourcePrefixes: sources };

const DENY_REST_OF_VNET = (destination: string): NsgRule => ({
  name: "deny-vnet-inbound",
  priority: 4000,
  access: "Deny",
  protocol: "*",
  sourceTag: "VirtualNetwork",
  destination,
  ports: [],
});

export function nsgRules(env: Environment): Record<SubnetRole, NsgRule[]> {
  const { subnets } = env.network;
  const nodes = [subnets.system, subnets.workloads];
  const gateway = gatewaySubnet(env);
  const web = gateway ? [gateway] : ingressSources(env);
  const ingress = (destination: string): NsgRule[] =>
    web.length === 0
      ? []
      : [
          {
            name: "allow-ingress-web",
            priority: 200,
            access: "Allow",
            protocol: "Tcp",
            ...source(web),
            destination,
            ports: ["80", "443"],
          },
        ];
  return {
    system: ingress(subnets.system),
    workloads: ingress(subnets.workloads),
    postgres: [
      {
        name: "allow-nodes-5432",
        priority: 200,
        access: "Allow",
        protocol: "Tcp",
        sourcePrefixes: nodes,
        destination: subnets.postgres,
        ports: ["5432"],
      },
      // High availability replicates between the servers inside the subnet.
      {
        name: "allow-within-subnet",
        priority: 300,
        access: "Allow",
        protocol: "*",
        sourcePrefixes: [subnets.postgres],
        destination: subnets.postgres,
        ports: [],
      },
      DENY_REST_OF_VNET(subnets.postgres),
    ],
    privateEndpoints: [
      {
        name: "allow-nodes-443",
        priority: 200,
        access: "Allow",
        protocol: "Tcp",
        sourcePrefixes: nodes,
        destination: subnets.privateEndpoints,
        ports: ["443"],
      },
      // The gateway reads its listener's certificate from Key Vault through the private endpoint.
      ...(gateway
        ? [
            {
              name: "allow-app-gateway-443",
              priority: 210,
              access: "Allow" as const,
              protocol: "Tcp" as const,
              sourcePrefixes: [gateway],
              destination: subnets.privateEndpoints,
              ports: ["443"],
            },
          ]
        : []),
      DENY_REST_OF_VNET(subnets.privateEndpoints),
    ],
    appGateway: gateway ? gatewayRules(env, gateway) : [],
  };
}

/**
 * What Application Gateway v2 requires on its subnet: Azure's control plane on 65200-65535
 * (GatewayManager) and its load balancer's probes, then the listeners' clients on 80/443: the
 * internet or network.ingress.sourceRanges for a public frontend, the VNet for a private one.
 */
function gatewayRules(env: Environment, subnet: string): NsgRule[] {
  const clients = env.network.ingress.internal ? ["VirtualNetwork"] : ingressSources(env);
  return [
    {
      name: "allow-gateway-manager",
      priority: 100,
      access: "Allow",
      protocol: "Tcp",
      sourceTag: "GatewayManager",
      destination: "*",
      ports: ["65200-65535"],
    },
    {
      name: "allow-azure-load-balancer",
      priority: 110,
      access: "Allow",
      protocol: "*",
      sourceTag: "AzureLoadBalancer",
      destination: "*",
      ports: [],
    },
    {
      name: "allow-web",
      priority: 200,
      access: "Allow",
      protocol: "Tcp",
      ...(clients.length === 1 && /^[A-Za-z]+$/.test(clients[0]!)
        ? { sourceTag: clients[0] }
        : { sourcePrefixes: clients }),
      destination: subnet,
      ports: ["80", "443"],
    },
  ];
}
