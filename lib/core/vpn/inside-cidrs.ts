import { Problem, show } from '../problems';
import { blocksOverlap, Ipv4Block, numberToIpv4, parseIpv4Block } from './ipv4';

/** The link-local block every tunnel inside CIDR must come from. */
export const LINK_LOCAL_CIDR = '169.254.0.0/16';

/**
 * Inside CIDRs AWS refuses for Site-to-Site VPN tunnels (AWS "Tunnel options" doc):
 * `169.254.0.0/30` … `169.254.5.0/30` and `169.254.169.252/30`.
 */
export const RESERVED_INSIDE_CIDRS: readonly string[] = [
  '169.254.0.0/30',
  '169.254.1.0/30',
  '169.254.2.0/30',
  '169.254.3.0/30',
  '169.254.4.0/30',
  '169.254.5.0/30',
  '169.254.169.252/30',
];

/** Where deterministic allocation starts: the first /24 after the reserved blocks. */
export const DEFAULT_INSIDE_CIDR_START = '169.254.6.0';

const LINK_LOCAL = parseIpv4Block(LINK_LOCAL_CIDR) as Ipv4Block;
const RESERVED = RESERVED_INSIDE_CIDRS.map((c) => ({ cidr: c, block: parseIpv4Block(c) as Ipv4Block }));

/** The two BGP addresses of one tunnel's inside /30. */
export interface InsideAddresses {
  /** The /30 itself, e.g. `169.254.6.0/30`. */
  readonly cidr: string;
  /** The AWS side (virtual private / transit gateway): the first host, e.g. `169.254.6.1`. */
  readonly vgwAddress: string;
  /** The customer-gateway side, here the Cloud Router: the second host, e.g. `169.254.6.2`. */
  readonly cgwAddress: string;
}

/**
 * The BGP addresses of a valid inside /30. AWS gives its own side the first host and the
 * customer gateway the second (`tunnelNVgwInsideAddress` / `tunnelNCgwInsideAddress`).
 * @throws Error when `cidr` is not a /30 (validate first with {@link validateInsideCidrs}).
 */
export function insideAddresses(cidr: string): InsideAddresses {
  const block = parseIpv4Block(cidr);
  if (typeof block === 'string' || block.prefix !== 30) {
    throw new Error(`insideAddresses: ${show(cidr)} is not a /30 block`);
  }
  return { cidr, vgwAddress: numberToIpv4(block.first + 1), cgwAddress: numberToIpv4(block.first + 2) };
}

/**
 * Checks tunnel inside CIDRs: each a /30 inside 169.254.0.0/16, not reserved by AWS, not
 * in `exclude`, and no two overlapping. Reports every problem.
 * @param cidrs the CIDRs, in tunnel order
 * @param path the field path prefix, e.g. `insideCidrs` (problems read `insideCidrs[2]`)
 * @param exclude blocks already in use elsewhere (e.g. other VPNs on the same Cloud Router network)
 */
export function validateInsideCidrs(cidrs: readonly string[], path = 'insideCidrs', exclude: readonly string[] = []): Problem[] {
  return checkInsideCidrs(
    cidrs.map((cidr, index) => ({ path: `${path}[${index}]`, cidr })),
    exclude,
  );
}

/** An inside CIDR with the field it came from. */
export interface LabelledInsideCidr {
  /** Field path, e.g. `tunnels[2].insideCidr`. */
  readonly path: string;
  readonly cidr: string;
}

/**
 * Like {@link validateInsideCidrs}, for CIDRs that each carry their own field path.
 * @param entries the CIDRs with their field paths
 * @param exclude blocks already in use elsewhere
 * @param excludePath the field path of `exclude`, for problems in it
 */
export function checkInsideCidrs(entries: readonly LabelledInsideCidr[], exclude: readonly string[] = [], excludePath = 'excludeInsideCidrs'): Problem[] {
  const problems: Problem[] = [];
  const excluded = parseExclusions(exclude, problems, excludePath);
  const seen: Array<{ path: string; cidr: string; block: Ipv4Block }> = [];
  for (const { path: at, cidr } of entries) {
    const block = parseIpv4Block(cidr);
    if (typeof block === 'string') {
      problems.push({ path: at, message: `${show(cidr)} ${block}; expected a /30 from 169.254.0.0/16 such as '169.254.6.0/30'` });
      continue;
    }
    if (block.prefix !== 30) {
      problems.push({ path: at, message: `${show(cidr)} is a /${block.prefix}; tunnel inside CIDRs must be /30 blocks` });
      continue;
    }
    if (!(block.first >= LINK_LOCAL.first && block.first + block.size <= LINK_LOCAL.first + LINK_LOCAL.size)) {
      problems.push({ path: at, message: `${show(cidr)} is not inside ${LINK_LOCAL_CIDR}; tunnel inside CIDRs are link-local` });
      continue;
    }
    const reserved = RESERVED.find((r) => blocksOverlap(r.block, block));
    if (reserved) {
      problems.push({ path: at, message: `${show(cidr)} is reserved by AWS (${reserved.cidr}); reserved: ${RESERVED_INSIDE_CIDRS.join(', ')}` });
      continue;
    }
    const taken = excluded.find((e) => blocksOverlap(e.block, block));
    if (taken) {
      problems.push({ path: at, message: `${show(cidr)} overlaps ${show(taken.cidr)}, which is already in use (${excludePath})` });
      continue;
    }
    const dup = seen.find((s) => blocksOverlap(s.block, block));
    if (dup) {
      problems.push({ path: at, message: `${show(cidr)} duplicates ${dup.path} (${show(dup.cidr)}); every tunnel needs its own /30` });
      continue;
    }
    seen.push({ path: at, cidr, block });
  }
  return problems;
}

/**
 * Allocates `count` tunnel inside /30s deterministically: walks /30s upwards from `start`
 * (default {@link DEFAULT_INSIDE_CIDR_START}) and skips AWS's reserved blocks and `exclude`.
 * The same input always gives the same output.
 * @throws Error when `start` is not a link-local address or the range runs out.
 */
export function allocateInsideCidrs(count: number, options: { readonly start?: string; readonly exclude?: readonly string[] } = {}): string[] {
  const startText = options.start ?? DEFAULT_INSIDE_CIDR_START;
  const startBlock = parseIpv4Block(`${startText}/32`);
  if (typeof startBlock === 'string' || startBlock.first < LINK_LOCAL.first || startBlock.first >= LINK_LOCAL.first + LINK_LOCAL.size) {
    throw new Error(`allocateInsideCidrs: start ${show(startText)} is not an address in ${LINK_LOCAL_CIDR}`);
  }
  const problems: Problem[] = [];
  const excluded = parseExclusions(options.exclude ?? [], problems);
  if (problems.length > 0) throw new Error(`allocateInsideCidrs: ${problems.map((p) => p.message).join('; ')}`);
  const result: string[] = [];
  // Align up to the next /30 boundary.
  let candidate = Math.ceil(startBlock.first / 4) * 4;
  const end = LINK_LOCAL.first + LINK_LOCAL.size;
  while (result.length < count) {
    if (candidate + 4 > end) {
      throw new Error(`allocateInsideCidrs: no free /30 left in ${LINK_LOCAL_CIDR} after ${show(startText)} for ${count} tunnels`);
    }
    const block: Ipv4Block = { first: candidate, prefix: 30, size: 4 };
    const blocked = RESERVED.some((r) => blocksOverlap(r.block, block)) || excluded.some((e) => blocksOverlap(e.block, block));
    if (!blocked) result.push(`${numberToIpv4(candidate)}/30`);
    candidate += 4;
  }
  return result;
}

function parseExclusions(exclude: readonly string[], problems: Problem[], path = 'excludeInsideCidrs'): Array<{ cidr: string; block: Ipv4Block }> {
  const out: Array<{ cidr: string; block: Ipv4Block }> = [];
  exclude.forEach((cidr, index) => {
    const block = parseIpv4Block(cidr);
    if (typeof block === 'string') problems.push({ path: `${path}[${index}]`, message: `${show(cidr)} ${block}` });
    else out.push({ cidr, block });
  });
  return out;
}
