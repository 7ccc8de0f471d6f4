import { IPv4, IPv4CidrRange, IPv6, IPv6CidrRange, Validator } from 'ip-num';
import { Problem, show } from './problems';

/** A parsed CIDR block of either family. */
export interface ParsedCidr {
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly range: IPv4CidrRange | IPv6CidrRange;
}

/** A parsed IP address: its family, its value and its canonical text. */
export interface ParsedIp {
  readonly family: 4 | 6;
  readonly value: bigint;
  /**
   * The one spelling of the address: IPv4 dotted quad, IPv6 as RFC 5952 (lower case, longest
   * zero run compressed), an IPv4-mapped IPv6 address (`::ffff:10.2.0.53`) as its IPv4 address.
   */
  readonly canonical: string;
}

/** IPv4-mapped IPv6 addresses are `::ffff:0:0/96`: their value divided by 2^32 is 0xffff. */
const IPV4_MAPPED_HIGH = 0xffffn;
const TWO_32 = 2n ** 32n;
const IPV4_TEXT = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Parses an IP address with ip-num and returns it with its canonical text, or a message.
 * IPv4 octets with leading zeros (`010.2.0.53`) are refused rather than guessed: some parsers
 * read them as octal, and Go's `net.ParseIP` (CoreDNS, Kubernetes) rejects them.
 */
export function parseIp(value: unknown): ParsedIp | string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 45) return `${show(value)} is not an IP address`;
  if (value.includes(':')) {
    // Zone ids (`fe80::1%eth0`) and brackets are not addresses a peer can dial.
    if (!/^[0-9a-fA-F:.]+$/.test(value) || !Validator.isValidIPv6String(value)[0]) return `${show(value)} is not an IP address`;
    const v6 = IPv6.fromString(value).getValue();
    if (v6 / TWO_32 === IPV4_MAPPED_HIGH) return ipv4FromValue(v6 % TWO_32);
    return { family: 6, value: v6, canonical: formatIpv6(v6) };
  }
  if (!IPV4_TEXT.test(value)) return `${show(value)} is not an IP address`;
  if (value.split('.').some((octet) => octet.length > 1 && octet.startsWith('0'))) {
    return `${show(value)} has an octet with a leading zero, which some parsers read as octal; write it without leading zeros`;
  }
  if (!Validator.isValidIPv4String(value)[0]) return `${show(value)} is not an IP address (each octet is 0–255)`;
  return ipv4FromValue(IPv4.fromString(value).getValue());
}

function ipv4FromValue(v4: bigint): ParsedIp {
  return { family: 4, value: v4, canonical: IPv4.fromNumber(v4).toString() };
}

/** RFC 5952 text of an IPv6 value: lower-case hextets, the longest run (≥ 2) of zeros as `::`. */
function formatIpv6(value: bigint): string {
  const hextets = Array.from({ length: 8 }, (_, i) => Number((value / 2n ** BigInt(112 - 16 * i)) % 65536n));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const text = hextets.map((h) => h.toString(16));
  if (bestStart < 0) return text.join(':');
  return `${text.slice(0, bestStart).join(':')}::${text.slice(bestStart + bestLength).join(':')}`;
}

/** The canonical text of an IP address ({@link ParsedIp.canonical}), or undefined when it is not one. */
export function canonicalIp(value: unknown): string | undefined {
  const parsed = parseIp(value);
  return typeof parsed === 'string' ? undefined : parsed.canonical;
}

/**
 * Parses a CIDR block (IPv4 or IPv6). Returns a message instead when the text is not a
 * CIDR or has host bits set (`10.0.0.1/8`), which clouds reject.
 */
export function parseCidr(cidr: unknown): ParsedCidr | string {
  if (typeof cidr !== 'string' || cidr.length > 50 || !/^[0-9a-fA-F:.]+\/(0|[1-9]\d{0,2})$/.test(cidr)) {
    return `${show(cidr)} is not a CIDR block (expected e.g. '10.0.0.0/16' or 'fd00::/64')`;
  }
  const slash = cidr.indexOf('/');
  const address = parseIp(cidr.slice(0, slash));
  const prefix = Number(cidr.slice(slash + 1));
  const family = cidr.includes(':') ? 6 : 4;
  if (typeof address === 'string' || address.family !== family) return `${show(cidr)} is not a CIDR block: ${typeof address === 'string' ? address : 'an IPv4-mapped address is not a block'}`;
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return `${show(cidr)} is not a CIDR block: the prefix length must be 0–${bits}`;
  const blockSize = 2n ** BigInt(bits - prefix);
  if (address.value % blockSize !== 0n) {
    const first = address.value - (address.value % blockSize);
    const start = family === 4 ? IPv4.fromNumber(first).toString() : formatIpv6(first);
    return `${show(cidr)} has host bits set: the /${prefix} block that contains it starts at ${start} (write '${start}/${prefix}')`;
  }
  const range = family === 4 ? IPv4CidrRange.fromCidr(cidr) : IPv6CidrRange.fromCidr(cidr);
  return { cidr, family, range };
}

/** True when two parsed blocks share at least one address. Blocks of different families never do. */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.family !== b.family) return false;
  return startOf(a) <= endOf(b) && startOf(b) <= endOf(a);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family) return false;
  return startOf(outer) <= startOf(inner) && endOf(inner) <= endOf(outer);
}

/** True when the address lies inside the block. */
export function cidrContainsIp(block: ParsedCidr, ip: ParsedIp): boolean {
  return block.family === ip.family && startOf(block) <= ip.value && ip.value <= endOf(block);
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

const START = new WeakMap<object, bigint>();
const END = new WeakMap<object, bigint>();

function startOf(p: ParsedCidr): bigint {
  let value = START.get(p);
  if (value === undefined) START.set(p, (value = p.range.getFirst().getValue()));
  return value;
}

function endOf(p: ParsedCidr): bigint {
  let value = END.get(p);
  if (value === undefined) END.set(p, (value = p.range.getLast().getValue()));
  return value;
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for a literal IPv4 or IPv6 address (no prefix), in any spelling {@link parseIp} accepts. */
export function isIpAddress(value: string): boolean {
  if (typeof value !== 'string') return false;
  // An IPv6 address has a colon; an IPv4 address only digits and dots. Anything else (DNS names)
  // is not an IP, decided without ip-num's validators, which are slow on non-IPs.
  if (!value.includes(':') && !/^[0-9.]+$/.test(value)) return false;
  return typeof parseIp(value) !== 'string';
}

/**
 * Address blocks no peer can be reached at (IANA special-purpose registries, RFC 6890): a DNS
 * server or a load balancer there is a mistake, and loopback would make a cluster query itself.
 */
const UNREACHABLE_BLOCKS: ReadonlyArray<{ readonly what: string; readonly parsed: ParsedCidr }> = [
  { cidr: '0.0.0.0/8', what: "'this network' (unspecified)" },
  { cidr: '127.0.0.0/8', what: 'loopback' },
  { cidr: '169.254.0.0/16', what: 'link-local' },
  { cidr: '224.0.0.0/4', what: 'multicast' },
  { cidr: '240.0.0.0/4', what: 'reserved (and the broadcast address)' },
  { cidr: '::/128', what: 'unspecified' },
  { cidr: '::1/128', what: 'loopback' },
  { cidr: 'fe80::/10', what: 'link-local' },
  { cidr: 'ff00::/8', what: 'multicast' },
].map((b) => ({ ...b, parsed: parseCidr(b.cidr) as ParsedCidr }));

/** Why no peer can reach this address (loopback, unspecified, link-local, multicast, broadcast), or undefined. */
export function unreachableReason(ip: ParsedIp): string | undefined {
  const block = UNREACHABLE_BLOCKS.find((b) => cidrContainsIp(b.parsed, ip));
  return block?.what;
}

/**
 * The private-use blocks a cluster's pod and node ranges normally come from: RFC 1918, the
 * RFC 6598 shared space (GKE and EKS use 100.64.0.0/10 for pods) and IPv6 unique-local (RFC 4193).
 */
export const PRIVATE_BLOCKS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];
const PRIVATE_PARSED = PRIVATE_BLOCKS.map((c) => parseCidr(c) as ParsedCidr);

/** True when the whole block lies inside one private-use block ({@link PRIVATE_BLOCKS}). */
export function isPrivateCidr(block: ParsedCidr): boolean {
  return PRIVATE_PARSED.some((p) => cidrContains(p, block));
}

/**
 * True for a stand-in made by {@link placeholderIp} (198.18.0.0/15).
 * @internal
 */
export function isPlaceholderIp(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 198 && (b === 18 || b === 19);
}

/**
 * A stand-in IPv4 address for an address not known yet, unique per index: from 198.18.0.0/15
 * (RFC 2544, benchmarking; never a real host), IPv4 because some clouds pin load balancers with
 * IPv4-only annotations, so a stand-in must pass the same checks as the real address.
 * @internal
 */
export function placeholderIp(index: number): string {
  const value = 0xc6120000 + 1 + (index % 0x1fffe);
  return [3, 2, 1, 0].map((octet) => Math.floor(value / 256 ** octet) % 256).join('.');
}
