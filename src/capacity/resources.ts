// CPU and memory as exact integers (millicores, bytes), so sums never drift.

export interface Resources {
  millicores: number;
  bytes: number;
}

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

export const ZERO: Resources = { millicores: 0, bytes: 0 };

export function add(a: Resources, b: Resources): Resources {
  return { millicores: a.millicores + b.millicores, bytes: a.bytes + b.bytes };
}

export function scale(r: Resources, n: number): Resources {
  return { millicores: r.millicores * n, bytes: r.bytes * n };
}

export function sum(list: readonly Resources[]): Resources {
  return list.reduce(add, ZERO);
}

export function fits(need: Resources, room: Resources): boolean {
  return need.millicores <= room.millicores && need.bytes <= room.bytes;
}

/** `cpu` in millicores, `memory` in MiB: how the add-on tables below are written. */
export function request(millicores: number, mebibytes: number): Resources {
  return { millicores, bytes: mebibytes * MiB };
}
