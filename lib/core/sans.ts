import { IPv6 } from 'ip-num';
import { isIpAddress } from './cidr';

/** Subject alternative names of a certificate, split as X.509 splits them. */
export interface SanPlan {
  /** dNSName entries (a leading `*.` is a one-label wildcard). */
  readonly dnsNames: readonly string[];
  /** iPAddress entries. */
  readonly ipAddresses: readonly string[];
}

/** Splits addresses into DNS names and IPs, removing duplicates, keeping first-seen order. */
export function toSanPlan(addresses: Iterable<string>): SanPlan {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const seen = new Set<string>();
  for (const address of addresses) {
    const key = isIpAddress(address) ? normalizeIp(address) : address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (isIpAddress(address)) ipAddresses.push(address);
    else dnsNames.push(address);
  }
  return { dnsNames, ipAddresses };
}

/**
 * True when a client verifying `address` against a certificate with these SANs accepts it:
 * IPs match iPAddress entries only; names match dNSName entries case-insensitively, where
 * `*.example` matches exactly one leading label (RFC 6125), never zero or two.
 */
export function isCoveredBySans(address: string, sans: SanPlan): boolean {
  const host = stripPort(address);
  if (isIpAddress(host)) {
    const ip = normalizeIp(host);
    return sans.ipAddresses.some((entry) => normalizeIp(entry) === ip);
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  return sans.dnsNames.some((entry) => dnsNameMatches(entry.toLowerCase().replace(/\.$/, ''), name));
}

function dnsNameMatches(pattern: string, name: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === name;
  const suffix = pattern.slice(1); // ".rest"
  if (!name.endsWith(suffix)) return false;
  const label = name.slice(0, name.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

/** Removes a trailing `:port` (and IPv6 brackets) from a dial address. */
export function stripPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1];
  const colons = address.split(':').length - 1;
  if (colons === 1) return address.slice(0, address.indexOf(':'));
  return address;
}

function normalizeIp(ip: string): string {
  return ip.includes(':') ? IPv6.fromString(ip).toString() : ip;
}

/** Formats host and port as a dial address (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
