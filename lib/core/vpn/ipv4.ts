/**
 * Small IPv4 helpers for the VPN plan (link-local /30 arithmetic). Internal: not exported from
 * the package index.
 * @internal
 */

/** Parses a dotted-quad IPv4 address into an unsigned 32-bit integer, or `undefined`. */
export function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Formats an unsigned 32-bit integer as a dotted-quad IPv4 address. */
export function numberToIpv4(value: number): string {
  const octets: number[] = [];
  let rest = value;
  for (let i = 0; i < 4; i++) {
    octets.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return octets.join('.');
}

/** A parsed IPv4 block as integers: first address and prefix length. */
export interface Ipv4Block {
  readonly first: number;
  readonly prefix: number;
  /** Number of addresses in the block. */
  readonly size: number;
}

/**
 * Parses `a.b.c.d/n` into integers. Returns a message when the text is not an IPv4 CIDR or
 * has host bits set.
 */
export function parseIpv4Block(cidr: string): Ipv4Block | string {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(typeof cidr === 'string' ? cidr : '');
  if (!match) return 'is not an IPv4 CIDR block';
  const first = ipv4ToNumber(match[1]);
  const prefix = Number(match[2]);
  if (first === undefined || prefix > 32) return 'is not an IPv4 CIDR block';
  const size = 2 ** (32 - prefix);
  if (first % size !== 0) return `has host bits set (the /${prefix} block starts at ${numberToIpv4(first - (first % size))})`;
  return { first, prefix, size };
}

/** True when two parsed blocks share at least one address. */
export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.first < b.first + b.size && b.first < a.first + a.size;
}

/** True for an IPv4 CIDR text (any prefix), without validating host bits. */
export function isIpv4Cidr(cidr: string): boolean {
  return typeof cidr === 'string' && !cidr.includes(':');
}
