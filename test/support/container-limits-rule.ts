// The resource-limits rule ("Kubernetes cluster containers CPU and memory resource limits should
// not exceed the specified limits") as its Gatekeeper template's rego decides it, for the chart
// tests: Azure/azure-policy built-in-references/Kubernetes/container-resource-limits/template.yaml
// (k8sazurecontainerlimits) plus the definition's excludedContainers. A container or init
// container is refused without limits, without a CPU or a memory limit (absent or ""), with a limit
// the template cannot parse, or above the parameters cpuLimit and memoryLimit.

export interface LimitParameters {
  cpuLimit: string;
  memoryLimit: string;
  excludedContainers: readonly string[];
}

interface Limited {
  name: string;
  resources?: { limits?: Record<string, unknown> | null } | null;
}

// canonify_cpu: a number is cores; "<n>m" millicores (to_number of what precedes the m); digits alone cores.
function canonifyCpu(q: unknown): number | undefined {
  if (typeof q === "number") return q * 1000;
  if (typeof q !== "string") return undefined;
  if (q.endsWith("m")) {
    const n = q.replace(/m/g, "");
    return /^-?[0-9]+(\.[0-9]+)?$/.test(n) ? Number(n) : undefined;
  }
  return /^[0-9]+$/.test(q) ? Number(q) * 1000 : undefined;
}

// mem_multiple: the suffixes the template knows (no lower-case k, unlike Kubernetes).
const MULTIPLE: Record<string, number> = {
  E: 1e18,
  P: 1e15,
  T: 1e12,
  G: 1e9,
  M: 1e6,
  K: 1e3,
  "": 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// get_suffix, then canonify_mem: the rest must be digits only.
function canonifyMemory(q: unknown): number | undefined {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return undefined;
  const one = q.slice(-1);
  const two = q.length > 1 ? q.slice(-2) : "";
  const suffix = one in MULTIPLE && one !== "" ? one : two in MULTIPLE && two !== "" ? two : "";
  const raw = suffix ? q.split(suffix).join("") : q;
  return /^[0-9]+$/.test(raw) ? Number(raw) * MULTIPLE[suffix]! : undefined;
}

const missing = (v: unknown) => v === undefined || v === null || v === "";

/** What the rule says about one container (empty: admitted). */
export function limitViolations(c: Limited, p: LimitParameters): string[] {
  if (p.excludedContainers.includes(c.name)) return [];
  const limits = c.resources?.limits;
  if (!limits) return ["has no resource limits"];
  const out: string[] = [];
  if (missing(limits.cpu)) out.push("has no cpu limit");
  if (missing(limits.memory)) out.push("has no memory limit");
  const cpu = canonifyCpu(limits.cpu);
  const memory = canonifyMemory(limits.memory);
  if (!missing(limits.cpu) && cpu === undefined) out.push(`cpu limit <${String(limits.cpu)}> could not be parsed`);
  if (!missing(limits.memory) && memory === undefined)
    out.push(`memory limit <${String(limits.memory)}> could not be parsed`);
  const maxCpu = canonifyCpu(p.cpuLimit);
  const maxMemory = canonifyMemory(p.memoryLimit);
  if (maxCpu === undefined || maxMemory === undefined) throw new Error(`unparsable maximums ${JSON.stringify(p)}`);
  if (cpu !== undefined && cpu > maxCpu) out.push(`cpu limit <${String(limits.cpu)}> is higher than <${p.cpuLimit}>`);
  if (memory !== undefined && memory > maxMemory)
    out.push(`memory limit <${String(limits.memory)}> is higher than <${p.memoryLimit}>`);
  return out;
}
