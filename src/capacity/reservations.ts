// What a node gives to pods: AKS's documented resource reservations (Microsoft Learn, "Node
// resource reservations in AKS", rules for AKS 1.29 and later, which covers every version the
// schema allows: 1.31-1.34).
import type { VmCores, VmSize } from "../catalogue/vm-sizes.js";
import { MiB, type Resources } from "./resources.js";
import { MAX_PODS_PER_NODE } from "./scheduling.js";

/** kube-reserved CPU by core count, from the AKS table (millicores). */
const KUBE_RESERVED_MILLICORES: Record<VmCores, number> = { 2: 100, 4: 140, 8: 180, 16: 260, 32: 420 };

/** kubelet's `memory.available<100Mi` hard eviction threshold (AKS 1.29+). */
export const EVICTION_THRESHOLD_MIB = 100;

/**
 * Memory the guest never reports to kubelet (firmware, kernel, crash kernel): an 8 GiB AKS
 * node shows 7,939 MiB of capacity (3.1% less). Rounded up to 3.5% so the plan errs small.
 */
export const HIDDEN_MEMORY_SHARE = 0.035;

export interface NodeReservation {
  /** What kubelet reports as allocatable. */
  allocatable: Resources;
  kubeReservedMillicores: number;
  kubeReservedMiB: number;
}

/**
 * kube-reserved memory is the lesser of 20 MB x max pods + 50 MB and 25% of the VM's memory.
 * The docs say MB; MiB is used (the larger unit), so allocatable errs small, never large.
 * Check: 8 GiB VM, 110 pods: 25% (2,048 MiB) applies; 7,905 - 2,048 - 100 = 5,757 MiB,
 * against the 5,791 MiB an AKS node of that size reports.
 */
export function nodeReservation(vm: VmSize): NodeReservation {
  const nominalMiB = vm.memoryGiB * 1024;
  const visibleMiB = Math.floor(nominalMiB * (1 - HIDDEN_MEMORY_SHARE));
  const kubeReservedMiB = Math.min(20 * MAX_PODS_PER_NODE + 50, nominalMiB / 4);
  const kubeReservedMillicores = KUBE_RESERVED_MILLICORES[vm.vcpu];
  return {
    allocatable: {
      millicores: vm.vcpu * 1000 - kubeReservedMillicores,
      bytes: (visibleMiB - kubeReservedMiB - EVICTION_THRESHOLD_MIB) * MiB,
    },
    kubeReservedMillicores,
    kubeReservedMiB,
  };
}
