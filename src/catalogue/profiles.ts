// Sizing profiles. `production` IS the resource table: it is derived from the component
// catalogue, never restated. Smaller profiles are written as differences from it, each one
// justified in the README ("Sizing profiles").
import { COMPONENTS, type ComponentKey } from "./components.js";

export interface ComponentSizing {
  enabled: boolean;
  replicas: number;
  memory: string;
  cpu: string;
  storage?: string;
  companion?: { replicas: number; memory: string; cpu: string; storage?: string };
}

/** Infrastructure defaults that scale with the profile. */
export interface InfraDefaults {
  postgres: {
    tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
    sku: string;
    storageGb: number;
    highAvailability: "Disabled" | "SameZone" | "ZoneRedundant";
  };
  nodePools: Record<"system" | "workloads", { vmSize: string; minCount: number; maxCount: number }>;
}

export interface Profile {
  key: ProfileKey;
  description: string;
  /** Concurrent users the profile is sized for. */
  users: number;
  components: Record<ComponentKey, ComponentSizing>;
  infra: InfraDefaults;
}

export type ProfileKey = "production" | "small";
export const PROFILE_KEYS: readonly ProfileKey[] = ["production", "small"];

type Overrides = Partial<
  Record<
    ComponentKey,
    Partial<Omit<ComponentSizing, "companion">> & { companion?: Partial<NonNullable<ComponentSizing["companion"]>> }
  >
>;

function tableSizing(): Record<ComponentKey, ComponentSizing> {
  const out = {} as Record<ComponentKey, ComponentSizing>;
  for (const c of COMPONENTS) {
    const size = "size" in c ? c.size : { memory: "0", cpu: "0" };
    const sizing: ComponentSizing = {
      enabled: true,
      replicas: typeof c.replicas === "number" ? c.replicas : 0,
      memory: size.memory,
      cpu: size.cpu,
    };
    if ("storage" in c) sizing.storage = c.storage;
    if ("companion" in c) {
      const comp = c.companion;
      sizing.companion = { replicas: comp.replicas, memory: comp.size.memory, cpu: comp.size.cpu };
      if ("storage" in comp) sizing.companion.storage = comp.storage;
    }
    out[c.key] = sizing;
  }
  return out;
}

function applyOverrides(
  base: Record<ComponentKey, ComponentSizing>,
  overrides: Overrides,
): Record<ComponentKey, ComponentSizing> {
  const out = structuredClone(base);
  for (const [key, o] of Object.entries(overrides) as [ComponentKey, NonNullable<Overrides[ComponentKey]>][]) {
    const { companion, ...own } = o;
    Object.assign(out[key], own);
    if (companion && out[key].companion) Object.assign(out[key].companion, companion);
  }
  return out;
}

const production: Profile = {
  key: "production",
  description: "The resource table exactly: 500+ concurrent users.",
  users: 500,
  components: tableSizing(),
  infra: {
    postgres: { tier: "GeneralPurpose", sku: "Standard_D4ds_v5", storageGb: 32, highAvailability: "ZoneRedundant" },
    nodePools: {
      system: { vmSize: "Standard_D4ds_v5", minCount: 3, maxCount: 3 },
      workloads: { vmSize: "Standard_E8ds_v5", minCount: 6, maxCount: 9 },
    },
  },
};

const small: Profile = {
  key: "small",
  description: "Teams of up to about 50 concurrent users; one API pod, a smaller search cluster.",
  users: 50,
  components: applyOverrides(production.components, {
    api: { replicas: 1, memory: "4Gi", cpu: "2" },
    elasticsearch: { memory: "4Gi", cpu: "1", storage: "50Gi" },
    kibana: { cpu: "500m" },
    mermaid: { memory: "256Mi", cpu: "250m" },
    keycloak: { memory: "1Gi", cpu: "500m" },
    nats: { memory: "256Mi", cpu: "250m" },
    mcpConnect: { memory: "512Mi", cpu: "250m" },
    llmProxy: { cpu: "500m" },
  }),
  infra: {
    postgres: { tier: "Burstable", sku: "Standard_B2ms", storageGb: 32, highAvailability: "Disabled" },
    nodePools: {
      system: { vmSize: "Standard_D2ds_v5", minCount: 1, maxCount: 2 },
      workloads: { vmSize: "Standard_D8ds_v5", minCount: 2, maxCount: 3 },
    },
  },
};

export const PROFILES: Record<ProfileKey, Profile> = { production, small };
