// The cost of a change: the head's estimate against the base branch's version of the same
// environment, line by line: "+$412/month (+9%): workloads pool 6 → 7 × Standard_E8ds_v5".
import type { CostEstimate, CostLine } from "./estimate.js";

export interface CostLineChange {
  key: string;
  label: string;
  /** "6 → 7 × Standard_E8ds_v5", "6 × Standard_D4ds_v5 → 7 × Standard_E8ds_v5", "new: 3 × P20 disk", "removed: …". */
  change: string;
  monthlyDelta: number;
}

export interface CostDelta {
  baseMonthly: number;
  headMonthly: number;
  monthlyDelta: number;
  /** Undefined when the base costs nothing (a new environment). */
  percent?: number;
  changes: CostLineChange[];
}

const cents = (n: number): number => Math.round(n * 100) / 100;
const amount = (l: CostLine): string => `${l.quantity} × ${l.unit}`;

function describe(base: CostLine | undefined, head: CostLine | undefined): string {
  if (!base) return `new: ${amount(head!)}`;
  if (!head) return `removed: ${amount(base)}`;
  if (base.unit === head.unit && base.quantity !== head.quantity)
    return `${base.quantity} → ${head.quantity} × ${head.unit}`;
  if (amount(base) !== amount(head)) return `${amount(base)} → ${amount(head)}`;
  return `${amount(head)}: $${base.unitMonthly} → $${head.unitMonthly} per unit`;
}

export function costDelta(base: CostEstimate, head: CostEstimate): CostDelta {
  const before = new Map(base.lines.map((l) => [l.key, l]));
  const after = new Map(head.lines.map((l) => [l.key, l]));
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const changes = keys.flatMap((key): CostLineChange[] => {
    const b = before.get(key);
    const h = after.get(key);
    const monthlyDelta = cents((h?.monthly ?? 0) - (b?.monthly ?? 0));
    if (b && h && amount(b) === amount(h) && monthlyDelta === 0) return [];
    return [{ key, label: (h ?? b)!.label, change: describe(b, h), monthlyDelta }];
  });
  changes.sort((x, y) => Math.abs(y.monthlyDelta) - Math.abs(x.monthlyDelta));
  const monthlyDelta = cents(head.monthly - base.monthly);
  return {
    baseMonthly: base.monthly,
    headMonthly: head.monthly,
    monthlyDelta,
    ...(base.monthly > 0 ? { percent: Math.round((monthlyDelta / base.monthly) * 1000) / 10 } : {}),
    changes,
  };
}

/** "+$412/month (+9%)", "-$35/month (-1.2%)", "no change". */
export function deltaHeadline(d: CostDelta): string {
  if (d.monthlyDelta === 0 && d.changes.length === 0) return "no change";
  const sign = d.monthlyDelta < 0 ? "-" : "+";
  const dollars = `${sign}$${Math.abs(Math.round(d.monthlyDelta)).toLocaleString("en-US")}/month`;
  return d.percent === undefined ? dollars : `${dollars} (${d.percent > 0 ? "+" : ""}${d.percent}%)`;
}
