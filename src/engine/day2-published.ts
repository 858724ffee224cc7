// Day 2 without Azure: the node pools the last successful deploy created, published with the
// outputs ConfigMap on the GitOps branch (an annotation beside the deployment's outputs), so an
// offline `plan` can still say which pool change AKS would refuse. The branch is remote content:
// the annotation is parsed defensively and anything malformed is ignored, never trusted.
import { parse } from "yaml";
import type { PoolExpectation } from "../render/bicep/expectations.js";
import { poolRefusals, type AgentPoolView, type Day2Refusal } from "./day2.js";

/** The ConfigMap annotation that records the deployed pools' immutable properties. */
export const DEPLOYED_POOLS_ANNOTATION = "codemie-gitops.dev/deployed-node-pools";

/** A pool name, a VM size, a number, a zone list or an ARM subnet ID: nothing else is read back. */
const PLAIN = /^[A-Za-z0-9/][A-Za-z0-9._,/-]{0,300}$|^$/;

/** The annotation's metadata lines for the ConfigMap (JSON inside a YAML double-quoted scalar). */
export function deployedPoolsAnnotation(pools: readonly PoolExpectation[]): Record<string, string> {
  return { [DEPLOYED_POOLS_ANNOTATION]: JSON.stringify(pools.map((p) => ({ name: p.name, ...p.immutable }))) };
}

/** The pools a published ConfigMap records; undefined when it records none (an older deploy) or is unreadable. */
export function publishedPools(configMapText: string): AgentPoolView[] | undefined {
  let raw: unknown;
  try {
    const doc = parse(configMapText) as { metadata?: { annotations?: Record<string, unknown> } } | null;
    const value = doc?.metadata?.annotations?.[DEPLOYED_POOLS_ANNOTATION];
    if (typeof value !== "string") return undefined;
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const pools: AgentPoolView[] = [];
  for (const item of raw) {
    if (typeof item !== "object" || item === null) return undefined;
    const p = item as Record<string, unknown>;
    const fields = [p.name, p.vmSize, p.maxPods, p.availabilityZones, p.vnetSubnetID];
    if (!fields.every((f) => typeof f === "string" && PLAIN.test(f)) || p.name === "") return undefined;
    pools.push({
      name: p.name as string,
      vmSize: p.vmSize as string,
      maxPods: p.maxPods as string,
      availabilityZones: (p.availabilityZones as string) === "" ? [] : (p.availabilityZones as string).split(","),
      vnetSubnetID: p.vnetSubnetID as string,
    });
  }
  return pools;
}

/** The pool changes AKS would refuse, judged against the published record instead of ARM. */
export function publishedPoolRefusals(
  expected: readonly PoolExpectation[],
  published: readonly AgentPoolView[],
): Day2Refusal[] {
  return poolRefusals(expected, published, "was last deployed");
}
