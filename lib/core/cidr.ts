import { IPv4CidrRange, IPv6CidrRange, Validator } from 'ip-num';
import { Problem, show } from './problems';

/** A parsed CIDR block of either family. */
export interface ParsedCidr {
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly range: IPv4CidrRange | IPv6CidrRange;
}

/**
 * Parses a CIDR block (IPv4 or IPv6). Returns a message instead when the text is not a
 * CIDR or has host bits set (`10.0.0.1/8`), which clouds reject.
 */
export function parseCidr(cidr: string): ParsedCidr | string {
  if (typeof cidr !== 'string' || !cidr.includes('/')) {
    return `${show(cidr)} is not a CIDR block (expected e.g. '10.0.0.0/16' or 'fd00::/64')`;
  }
  if (cidr.includes(':')) {
    const [ok, errors] = Validator.isValidIPv6CidrRange(cidr);
    if (!ok) return `${show(cidr)} is not a valid IPv6 CIDR block: ${errors.join('; ')}`;
    return { cidr, family: 6, range: IPv6CidrRange.fromCidr(cidr) };
  }
  const [ok, errors] = Validator.isValidIPv4CidrRange(cidr);
  if (!ok) return `${show(cidr)} is not a valid IPv4 CIDR block: ${errors.join('; ')}`;
  return { cidr, family: 4, range: IPv4CidrRange.fromCidr(cidr) };
}

/** True when two parsed blocks share at least one address. Blocks of different families never do. */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.family !== b.family) return false;
  return (a.range as IPv4CidrRange).isOverlapping(b.range as IPv4CidrRange);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family) return false;
  return (outer.range as IPv4CidrRange).contains(inner.range as IPv4CidrRange);
}

/** A CIDR block with the field it came from, for overlap reports. */
export interface LabelledCidr {
  /** Path of the field that holds the block, e.g. `clusters[0].podCidrs[1]`. */
  readonly path: string;
  readonly cidr: string;
}

/**
 * Parses every block and reports each unparsable one and each overlapping pair.
 * Sorting by start address keeps this O(n log n + overlaps) rather than O(n²).
 */
export function checkDisjointCidrs(blocks: readonly LabelledCidr[]): Problem[] {
  const problems: Problem[] = [];
  const parsed: Array<{ path: string; parsed: ParsedCidr }> = [];
  for (const block of blocks) {
    const result = parseCidr(block.cidr);
    if (typeof result === 'string') problems.push({ path: block.path, message: result });
    else parsed.push({ path: block.path, parsed: result });
  }
  for (const family of [4, 6] as const) {
    // Start and end once per block: they are BigInt mask arithmetic in ip-num, too slow for a comparator.
    const ofFamily = parsed
      .filter((p) => p.parsed.family === family)
      .map((p) => ({ ...p, start: startOf(p.parsed), end: endOf(p.parsed) }))
      .sort((a, b) => compareBigInt(a.start, b.start));
    // Sweep: keep the blocks whose end is beyond the current start; each overlap is reported once.
    let open: typeof ofFamily = [];
    for (const current of ofFamily) {
      const start = current.start;
      open = open.filter((o) => o.end >= start);
      for (const other of open) {
        problems.push({
          path: current.path,
          message: `${show(current.parsed.cidr)} overlaps ${show(other.parsed.cidr)} at ${other.path}; every pod, service and node CIDR must be disjoint across all clusters`,
        });
      }
      open.push(current);
    }
  }
  return problems;
}

function startOf(p: ParsedCidr): bigint {
  return p.range.getFirst().getValue();
}

function endOf(p: ParsedCidr): bigint {
  return p.range.getLast().getValue();
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for a literal IPv4 or IPv6 address (no prefix). */
export function isIpAddress(value: string): boolean {
  if (typeof value !== 'string') return false;
  // An IPv6 address has a colon; an IPv4 address only digits and dots. Anything else (DNS names)
  // is not an IP, decided without ip-num's validators, which are slow on non-IPs.
  if (value.includes(':')) return Validator.isValidIPv6String(value)[0];
  return /^[0-9.]+$/.test(value) && Validator.isValidIPv4String(value)[0];
}
