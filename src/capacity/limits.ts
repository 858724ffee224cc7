// The limits of every container the GitOps tree runs, derived from its request here and nowhere
// else: the capacity plan reports them, the values renderer writes them, and the resource-limits
// policy's maximums (cpuLimit, memoryLimit) are the largest of them.
//
// Memory: the limit equals the request. Memory is not compressible; a pod that outgrows what it
// was sized with is restarted rather than taking memory another pod was promised.
// CPU: twice the request, at least one CPU. Requests are the resource table's sustained load, so
// twice that leaves each pod its own bursts (JVM and Node start-up, garbage collection, Alembic
// and Prisma migrations) while a runaway container stays bounded, which is what aks-baseline's
// "resource limits" rule asks. The one-CPU floor is why small requests are never throttled: a
// single-threaded process (Node's event loop, nginx's worker, the Jobs' curl and shell, busybox)
// cannot use more than one CPU, and a 10m request doubled would throttle a hook Job to a crawl.
import { formatMillicores, parseBytes, parseMillicores } from "../config/quantity.js";
import type { Resources } from "./resources.js";

export const CPU_LIMIT = { perRequest: 2, floorMillicores: 1000 } as const;

/** A container's CPU limit in millicores for its CPU request. */
export function cpuLimitOf(requestMillicores: number): number {
  return Math.max(requestMillicores * CPU_LIMIT.perRequest, CPU_LIMIT.floorMillicores);
}

/** A container's (or a one-container pod's) limits for its requests. */
export function limitOf(request: Resources): Resources {
  return { millicores: cpuLimitOf(request.millicores), bytes: request.bytes };
}

/** Kubernetes quantity strings, as values files and manifests write them. */
export interface Quantities {
  cpu: string;
  memory: string;
}

/** Requests with the limits this module derives from them. */
export interface Sized extends Quantities {
  limits: Quantities;
}

/**
 * Memory as a whole number of the largest binary unit that divides it ("1.5Gi" is "1536Mi"): the
 * rule's Gatekeeper template parses an integer and a suffix, nothing else.
 */
export function memoryQuantity(bytes: number): string {
  for (const [unit, f] of [
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const)
    if (bytes % f === 0) return `${bytes / f}${unit}`;
  return String(bytes);
}

/**
 * Requests and limits of one container; the limits in the forms the rule's template parses (CPU
 * in whole cores or millicores, memory as memoryQuantity). `memoryLimit` is for a container whose
 * peak is known to exceed its steady request (a Job's start-up).
 */
export function sized(request: Quantities, memoryLimit: string = request.memory): Sized {
  const millicores = parseMillicores(request.cpu);
  const bytes = parseBytes(memoryLimit);
  if (millicores === undefined || bytes === undefined)
    throw new Error(`not a CPU and a memory quantity: ${request.cpu}, ${memoryLimit}`);
  return {
    cpu: request.cpu,
    memory: request.memory,
    limits: { cpu: formatMillicores(cpuLimitOf(millicores)), memory: memoryQuantity(bytes) },
  };
}
