// Deterministic first-fit-decreasing placement of pods onto identical nodes, honouring
// anti-affinity groups (members on distinct nodes, spread evenly over zones). Pods are taken
// largest first by their dominant share of a node (the larger of CPU and memory share); in one
// dimension FFD needs at most 11/9 of the optimal node count plus one.
import { fits, type Resources } from "./resources.js";

export interface Item {
  /** Unique and stable, e.g. "elasticsearch-0"; the last tie-break of the order. */
  id: string;
  need: Resources;
  antiAffinity?: string;
}

export interface Bin {
  zone?: string;
  free: Resources;
  items: string[];
  groups: Set<string>;
}

/**
 * Places every item that fits an empty node (callers report the rest). Nodes take zones
 * round-robin, as AKS balances a zonal pool's VM scale set.
 */
export function pack(items: readonly Item[], room: Resources, zones: readonly string[]): Bin[] {
  const share = (r: Resources) => Math.max(r.millicores / room.millicores, r.bytes / room.bytes);
  const order = items
    .filter((i) => fits(i.need, room))
    .sort(
      (a, b) =>
        share(b.need) - share(a.need) ||
        b.need.millicores - a.need.millicores ||
        b.need.bytes - a.need.bytes ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const bins: Bin[] = [];
  const open = (): Bin => {
    const bin: Bin = { free: { ...room }, items: [], groups: new Set() };
    if (zones.length > 0) bin.zone = zones[bins.length % zones.length];
    bins.push(bin);
    return bin;
  };
  for (const item of order) {
    const allowed = allowedZones(item, bins, zones);
    const ok = (b: Bin) =>
      fits(item.need, b.free) &&
      !(item.antiAffinity && b.groups.has(item.antiAffinity)) &&
      (!allowed || allowed.has(b.zone!));
    let bin = bins.find(ok);
    // A new node may land in a zone the group cannot use yet; open nodes until one fits
    // (at most one per zone), as a scale-up of a zone-balanced pool would.
    for (let tries = 0; !bin && tries < Math.max(1, zones.length); tries++) {
      const fresh = open();
      if (ok(fresh)) bin = fresh;
    }
    // Cannot happen: the item fits an empty node and some new node lands in an allowed zone.
    if (!bin) throw new Error(`capacity planner: no node for ${item.id}`);
    bin.items.push(item.id);
    bin.free = { millicores: bin.free.millicores - item.need.millicores, bytes: bin.free.bytes - item.need.bytes };
    if (item.antiAffinity) bin.groups.add(item.antiAffinity);
  }
  return bins;
}

/** Zones holding the fewest members of the item's group (a topology spread with maxSkew 1). */
function allowedZones(item: Item, bins: readonly Bin[], zones: readonly string[]): Set<string> | undefined {
  if (!item.antiAffinity || zones.length < 2) return undefined;
  const count = new Map(zones.map((z) => [z, 0]));
  for (const b of bins) if (b.groups.has(item.antiAffinity)) count.set(b.zone!, (count.get(b.zone!) ?? 0) + 1);
  const least = Math.min(...count.values());
  return new Set(zones.filter((z) => count.get(z) === least));
}
