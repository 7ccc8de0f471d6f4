import { isPrivateCidr, parseCidr, PRIVATE_BLOCKS } from '../cidr';
import { Problem, show } from '../problems';
import { COCKROACH_HTTP_PORT, COCKROACH_PORT, COCKROACH_RPC_PORT } from '../topology';
import { MAX_LIST_LENGTH } from '../validation/read';

/**
 * What a VPN or peering link may open, and the two overrides that widen it. Without an
 * override a link opens only the database between the clusters' private ranges: CockroachDB's
 * port (26257) and, when asked for, its HTTP port (8080), besides DNS (53 TCP/UDP) and ICMP.
 */

/**
 * The ports `ports` may list without an override: the database (26257), its inter-node RPC port when
 * SQL has its own listener (26258, `separateSqlPort`) and its DB Console / HTTP (8080).
 */
export const DATABASE_PORTS: readonly number[] = [COCKROACH_PORT, COCKROACH_RPC_PORT, COCKROACH_HTTP_PORT];

/** The overrides every VPN and peering input accepts. Both are dangerous; both are off by default. */
export interface LinkExposureOverrides {
  /**
   * Accept source, routed and advertised ranges outside the private-use blocks (10/8, 172.16/12,
   * 192.168/16, 100.64/10, fc00::/7), such as privately used public ranges. DANGEROUS: a public
   * range in a firewall rule or a route lets that part of the internet reach the database ports.
   * @default false
   */
  readonly allowPublicRanges?: boolean;
  /**
   * Ports opened besides the database ports (26257, 26258, 8080), DNS and ICMP, e.g. SSH for debugging.
   * DANGEROUS: every port listed is open from every peer cluster's pod and node ranges.
   * @default []
   */
  readonly extraPorts?: readonly number[];
}

/**
 * The ports a link opens: `ports` (only 26257, 26258 and 8080) plus `extraPorts`, each checked.
 * @returns the ports, or undefined when any is bad (the problems say which)
 */
export function linkPorts(ports: unknown, extraPorts: unknown, problems: Problem[]): number[] | undefined {
  const result: number[] = [];
  let ok = true;
  for (const [field, value, restricted] of [['ports', ports ?? [COCKROACH_PORT], true], ['extraPorts', extraPorts ?? [], false]] as const) {
    if (!Array.isArray(value) || value.length > MAX_LIST_LENGTH) {
      problems.push({ path: field, message: `expected a list of TCP ports, got ${show(value)}` });
      ok = false;
      continue;
    }
    value.forEach((port: unknown, i: number) => {
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        problems.push({ path: `${field}[${i}]`, message: `${show(port)} is not a TCP port (1–65535)` });
        ok = false;
      } else if (restricted && !DATABASE_PORTS.includes(port)) {
        problems.push({ path: `${field}[${i}]`, message: `${port} is not a database port (${DATABASE_PORTS.join(', ')}); to open another port between the clusters, list it in extraPorts (dangerous: it is open from every peer's pod and node ranges)` });
        ok = false;
      } else {
        result.push(port);
      }
    });
  }
  return ok ? [...new Set(result)] : undefined;
}

/** Checks `allowPublicRanges` and returns it. */
export function allowPublicRanges(value: unknown, problems: Problem[]): boolean {
  if (value !== undefined && typeof value !== 'boolean') problems.push({ path: 'allowPublicRanges', message: `${show(value)} is not true or false` });
  return value === true;
}

/**
 * Checks that a range a link routes, advertises or allows from is a private-use block, unless
 * public ranges are allowed; an unparsable one is reported too.
 */
export function checkLinkRange(cidr: unknown, path: string, allowPublic: boolean, problems: Problem[]): void {
  const parsed = parseCidr(cidr);
  if (typeof parsed === 'string') {
    problems.push({ path, message: parsed });
  } else if (!allowPublic && !isPrivateCidr(parsed)) {
    problems.push({
      path,
      message: `${show(cidr)} is not inside a private-use block (${PRIVATE_BLOCKS.join(', ')}): a link would route it and open the database to it; ` +
        'set allowPublicRanges: true only if these addresses are privately used (dangerous)',
    });
  }
}
