// Azure VM sizes the capacity planner may place AKS nodes on: the families an operator would
// pick for CodeMie, in the sizes AKS's CPU reservation table covers (2-32 vCPU).
//
// Sources:
// - vCPU and memory: Microsoft Learn, "Sizes for virtual machines in Azure", the series pages
//   Dsv5, Ddsv5, Dasv5, Esv5, Edsv5 and Fsv2 (learn.microsoft.com/azure/virtual-machines/sizes).
// - Price: Azure pay-as-you-go list price, Linux, region East US, USD per hour, as published
//   by the Azure Retail Prices API (prices.azure.com/api/retail/prices) in 2025. Figures are
//   recorded here, not fetched: the planner is pure and offline. Other regions cost more
//   (West Europe about 10-15%), but the order between sizes, which is all the planner uses
//   to pick the cheapest, is the same. Refresh with `node scripts/refresh-prices.mjs`, which reads
//   https://prices.azure.com/api/retail/prices (filter: armRegionName eq 'eastus' and armSkuName eq '<size>').

export type VmFamily = "Dsv5" | "Ddsv5" | "Dasv5" | "Esv5" | "Edsv5" | "Fsv2";

/** Same order and spelling as the schema's `aks.autoSizing.families` enum (a test checks). */
export const VM_FAMILIES: readonly VmFamily[] = ["Dsv5", "Ddsv5", "Dasv5", "Esv5", "Edsv5", "Fsv2"];

/** The vCPU counts AKS's kube-reserved CPU table lists; other sizes (E20, D48...) are left out. */
export type VmCores = 2 | 4 | 8 | 16 | 32;

export interface VmSize {
  name: string;
  family: VmFamily;
  vcpu: VmCores;
  memoryGiB: number;
  /** Linux pay-as-you-go, East US, USD per hour. */
  hourlyUsd: number;
}

const row = (name: string, family: VmFamily, vcpu: VmCores, memoryGiB: number, hourlyUsd: number): VmSize => ({
  name,
  family,
  vcpu,
  memoryGiB,
  hourlyUsd,
});

export const VM_SIZES: readonly VmSize[] = [
  // Dsv5: general purpose, Intel, 4 GiB per vCPU, no local temp disk.
  row("Standard_D2s_v5", "Dsv5", 2, 8, 0.096),
  row("Standard_D4s_v5", "Dsv5", 4, 16, 0.192),
  row("Standard_D8s_v5", "Dsv5", 8, 32, 0.384),
  row("Standard_D16s_v5", "Dsv5", 16, 64, 0.768),
  row("Standard_D32s_v5", "Dsv5", 32, 128, 1.536),
  // Ddsv5: Dsv5 with a local temp disk (AKS can put the OS disk on it: ephemeral OS).
  row("Standard_D2ds_v5", "Ddsv5", 2, 8, 0.113),
  row("Standard_D4ds_v5", "Ddsv5", 4, 16, 0.226),
  row("Standard_D8ds_v5", "Ddsv5", 8, 32, 0.452),
  row("Standard_D16ds_v5", "Ddsv5", 16, 64, 0.904),
  row("Standard_D32ds_v5", "Ddsv5", 32, 128, 1.808),
  // Dasv5: general purpose, AMD, 4 GiB per vCPU.
  row("Standard_D2as_v5", "Dasv5", 2, 8, 0.086),
  row("Standard_D4as_v5", "Dasv5", 4, 16, 0.172),
  row("Standard_D8as_v5", "Dasv5", 8, 32, 0.344),
  row("Standard_D16as_v5", "Dasv5", 16, 64, 0.688),
  row("Standard_D32as_v5", "Dasv5", 32, 128, 1.376),
  // Esv5: memory optimised, Intel, 8 GiB per vCPU.
  row("Standard_E2s_v5", "Esv5", 2, 16, 0.126),
  row("Standard_E4s_v5", "Esv5", 4, 32, 0.252),
  row("Standard_E8s_v5", "Esv5", 8, 64, 0.504),
  row("Standard_E16s_v5", "Esv5", 16, 128, 1.008),
  row("Standard_E32s_v5", "Esv5", 32, 256, 2.016),
  // Edsv5: Esv5 with a local temp disk.
  row("Standard_E2ds_v5", "Edsv5", 2, 16, 0.144),
  row("Standard_E4ds_v5", "Edsv5", 4, 32, 0.288),
  row("Standard_E8ds_v5", "Edsv5", 8, 64, 0.576),
  row("Standard_E16ds_v5", "Edsv5", 16, 128, 1.152),
  row("Standard_E32ds_v5", "Edsv5", 32, 256, 2.304),
  // Fsv2: compute optimised, 2 GiB per vCPU.
  row("Standard_F2s_v2", "Fsv2", 2, 4, 0.0846),
  row("Standard_F4s_v2", "Fsv2", 4, 8, 0.169),
  row("Standard_F8s_v2", "Fsv2", 8, 16, 0.338),
  row("Standard_F16s_v2", "Fsv2", 16, 32, 0.677),
  row("Standard_F32s_v2", "Fsv2", 32, 64, 1.353),
];

const byName = new Map(VM_SIZES.map((s) => [s.name.toLowerCase(), s]));

/** Azure VM size names are case-insensitive. */
export function vmSize(name: string): VmSize | undefined {
  return byName.get(name.toLowerCase());
}
