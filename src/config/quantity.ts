// Kubernetes resource quantities (the subset that resource requests and volume sizes use),
// parsed exactly so sizing arithmetic never drifts through floating-point rounding.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

export const MEMORY_PATTERN = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$";
export const CPU_PATTERN = "^([0-9]+m|[0-9]+(\\.[0-9]{1,3})?)$";

/** Bytes of a memory or storage quantity, or undefined when it is not a valid quantity. */
export function parseBytes(q: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(q);
  if (!m) return undefined;
  const unit = m[2] ?? "";
  const factor = BINARY[unit] ?? DECIMAL[unit] ?? 1;
  return Math.round(Number(m[1]) * factor);
}

/** Millicores of a CPU quantity ("4", "0.5", "100m"), or undefined when invalid. */
export function parseMillicores(q: string | number): number | undefined {
  const s = String(q);
  if (!new RegExp(CPU_PATTERN).test(s)) return undefined;
  return s.endsWith("m") ? Number(s.slice(0, -1)) : Math.round(Number(s) * 1000);
}

/** Suggests the quantity a user probably meant ("16GB" → "16Gi", "512mb" → "512Mi"). */
export function suggestMemory(q: string): string | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtp])i?b?\s*$/i.exec(q);
  if (!m) return undefined;
  const letter = m[2]!.toLowerCase();
  return `${m[1]}${letter === "k" ? "K" : letter.toUpperCase()}i`;
}

/** Suggests a CPU quantity for common mistakes ("4 cores", "500 m", "0.5cpu"). */
export function suggestCpu(q: string): string | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(m|millicores?|cores?|cpus?|vcpus?)?\s*$/i.exec(q);
  if (!m) return undefined;
  const unit = (m[2] ?? "").toLowerCase();
  return unit.startsWith("m") ? `${m[1]}m` : m[1];
}

export function formatBytes(bytes: number): string {
  for (const [unit, f] of [
    ["Ti", 2 ** 40],
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
  ] as const) {
    if (bytes >= f && bytes % (f / 1024) === 0) return `${+(bytes / f).toFixed(2)}${unit}`;
  }
  return `${bytes}`;
}

export function formatMillicores(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}
