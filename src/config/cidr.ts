// IPv4 CIDR arithmetic for the network checks. IPv6 is not used by AKS CNI overlay here.

export interface Cidr {
  text: string;
  /** First address as an unsigned 32-bit integer. */
  start: number;
  prefix: number;
  size: number;
}

export const CIDR_PATTERN = "^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$";

export function parseIp(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return undefined;
    value = value * 256 + Number(p);
  }
  return value;
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(value / 2 ** s) % 256).join(".");
}

/** Parses "10.0.0.0/16"; returns an error text when the address has host bits set or is malformed. */
export function parseCidr(text: string): Cidr | string {
  const [ip, bits, extra] = text.split("/");
  const start = ip === undefined ? undefined : parseIp(ip);
  const prefix = Number(bits);
  if (extra !== undefined || start === undefined || !/^[0-9]{1,2}$/.test(bits ?? "") || prefix > 32) {
    return `"${text}" is not an IPv4 CIDR like "10.40.0.0/16"`;
  }
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) {
    const base = start - (start % size);
    return `"${text}" has host bits set; the network address is "${formatIp(base)}/${prefix}"`;
  }
  return { text, start, prefix, size };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

export function containsIp(outer: Cidr, ip: number): boolean {
  return ip >= outer.start && ip < outer.start + outer.size;
}

/** Azure keeps five addresses of every subnet (network, gateway, two DNS, broadcast). */
export const AZURE_RESERVED_PER_SUBNET = 5;

export function usableAzureAddresses(c: Cidr): number {
  return Math.max(0, c.size - AZURE_RESERVED_PER_SUBNET);
}
