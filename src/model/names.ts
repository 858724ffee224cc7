// Azure resource names derived from the environment, and the naming rules each must obey.
// Globally unique names (Key Vault, Storage, PostgreSQL, OpenAI) carry a short suffix that
// is a deterministic hash of subscription and environment, so two teams using the same
// prefix do not collide while re-runs always produce the same name.
import { WORKLOAD_IDENTITIES, type WorkloadIdentityKey } from "../catalogue/identities.js";

/** `llmProxy` → `llm-proxy`. */
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export interface ResourceNames {
  resourceGroup: string;
  nodeResourceGroup: string;
  vnet: string;
  natGateway: string;
  natPublicIp: string;
  /** Static public address of a public ingress load balancer. */
  ingressPublicIp: string;
  aks: string;
  logAnalytics: string;
  keyVault: string;
  storageAccount: string;
  /** VNet flow logs' own account: no CodeMie identity holds a role on it. */
  flowLogStorage: string;
  postgres: string;
  openai: string;
  /** One managed identity per workload identity of the catalogue. */
  identities: Record<WorkloadIdentityKey, string>;
}

export interface NameRule {
  resource: string;
  min: number;
  max: number;
  pattern: RegExp;
  allowed: string;
  globallyUnique: boolean;
}

type NameKey = Exclude<keyof ResourceNames, "identities"> | "identity";

/** Azure's rule for a public IP address's name (the NAT gateway's and the ingress's). */
const PUBLIC_IP: NameRule = {
  resource: "public IP",
  min: 1,
  max: 80,
  pattern: /^[A-Za-z0-9][-\w.]*\w$/,
  allowed: "letters, digits, - _ .",
  globallyUnique: false,
};

const RULES: Record<NameKey, NameRule> = {
  resourceGroup: {
    resource: "resource group",
    min: 1,
    max: 90,
    pattern: /^[-\w._()]*[-\w_()]$/,
    allowed: "letters, digits, - _ . ( ), not ending in .",
    globallyUnique: false,
  },
  nodeResourceGroup: {
    resource: "AKS node resource group",
    min: 1,
    max: 80,
    pattern: /^[-\w._()]*[-\w_()]$/,
    allowed: "letters, digits, - _ . ( )",
    globallyUnique: false,
  },
  vnet: {
    resource: "virtual network",
    min: 2,
    max: 64,
    pattern: /^[A-Za-z0-9][-\w.]*\w$/,
    allowed: "letters, digits, - _ .",
    globallyUnique: false,
  },
  natGateway: {
    resource: "NAT gateway",
    min: 1,
    max: 80,
    pattern: /^[A-Za-z0-9][-\w.]*\w$/,
    allowed: "letters, digits, - _ .",
    globallyUnique: false,
  },
  natPublicIp: PUBLIC_IP,
  ingressPublicIp: PUBLIC_IP,
  aks: {
    resource: "AKS cluster",
    min: 1,
    max: 63,
    pattern: /^[A-Za-z0-9][-A-Za-z0-9_]*[A-Za-z0-9]$/,
    allowed: "letters, digits, - _",
    globallyUnique: false,
  },
  logAnalytics: {
    resource: "Log Analytics workspace",
    min: 4,
    max: 63,
    pattern: /^[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9]$/,
    allowed: "letters, digits and hyphens",
    globallyUnique: false,
  },
  keyVault: {
    resource: "Key Vault",
    min: 3,
    max: 24,
    pattern: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
    allowed: "lowercase letters, digits and single hyphens, starting with a letter",
    globallyUnique: true,
  },
  storageAccount: {
    resource: "storage account",
    min: 3,
    max: 24,
    pattern: /^[a-z0-9]+$/,
    allowed: "lowercase letters and digits only",
    globallyUnique: true,
  },
  flowLogStorage: {
    resource: "flow log storage account",
    min: 3,
    max: 24,
    pattern: /^[a-z0-9]+$/,
    allowed: "lowercase letters and digits only",
    globallyUnique: true,
  },
  postgres: {
    resource: "PostgreSQL server",
    min: 3,
    max: 63,
    pattern: /^[a-z0-9][-a-z0-9]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens",
    globallyUnique: true,
  },
  openai: {
    resource: "Azure OpenAI account",
    min: 2,
    max: 64,
    pattern: /^[a-z0-9][-a-z0-9]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens",
    globallyUnique: true,
  },
  identity: {
    resource: "managed identity",
    min: 3,
    max: 128,
    pattern: /^[A-Za-z0-9][-\w]*$/,
    allowed: "letters, digits, - _",
    globallyUnique: false,
  },
};

/** FNV-1a over the input, base36: short, stable, and dependency-free. */
export function shortHash(input: string, length: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, "0").slice(0, length);
}

export function deriveNames(
  env: string,
  prefix: string,
  subscriptionId: string,
  resourceGroup?: string,
): ResourceNames {
  const base = `${prefix}-${env}`;
  const suffix = shortHash(`${subscriptionId.toLowerCase()}/${env}`, 4);
  return {
    resourceGroup: resourceGroup ?? `rg-${base}`,
    nodeResourceGroup: `rg-${base}-nodes`,
    vnet: `vnet-${base}`,
    natGateway: `ng-${base}`,
    natPublicIp: `pip-${base}-egress`,
    ingressPublicIp: `pip-${base}-ingress`,
    aks: `aks-${base}`,
    logAnalytics: `log-${base}`,
    keyVault: `kv-${base}-${suffix}`,
    storageAccount: `st${prefix}${env.replace(/-/g, "")}${suffix}`,
    flowLogStorage: `fl${prefix}${env.replace(/-/g, "")}${suffix}`,
    postgres: `psql-${base}-${suffix}`,
    openai: `oai-${base}-${suffix}`,
    identities: Object.fromEntries(WORKLOAD_IDENTITIES.map((w) => [w.key, `id-${base}-${kebab(w.key)}`])) as Record<
      WorkloadIdentityKey,
      string
    >,
  };
}

export interface NameProblem {
  field: keyof ResourceNames;
  name: string;
  message: string;
}

/** Every derived name checked against its Azure rule; one problem per offending name. */
export function checkNames(names: ResourceNames): NameProblem[] {
  const out: NameProblem[] = [];
  const check = (field: keyof ResourceNames, rule: NameRule, name: string) => {
    if (name.length < rule.min || name.length > rule.max) {
      const unique = rule.globallyUnique ? " and the name must be unique across all of Azure" : "";
      out.push({
        field,
        name,
        message:
          `derived ${rule.resource} name "${name}" is ${name.length} characters; ` +
          `Azure allows ${rule.min}-${rule.max}${unique}`,
      });
    } else if (!rule.pattern.test(name)) {
      out.push({
        field,
        name,
        message: `derived ${rule.resource} name "${name}" is not allowed; Azure accepts ${rule.allowed}`,
      });
    }
  };
  for (const [field, rule] of Object.entries(RULES) as [NameKey, NameRule][]) {
    if (field === "identity") {
      for (const id of Object.values(names.identities)) check("identities", rule, id);
    } else {
      check(field, rule, names[field]);
    }
  }
  return out;
}
