// Reads `sqlEndpoints` once into plain data, like the rest of the props: a getter runs once, maps
// keyed by cluster name see own keys only, a value of the wrong shape is reported instead of thrown.
import { CloudDnsSqlEndpointsOptions, Route53SqlEndpointsOptions, SqlDnsProvider, SqlEndpoints } from './sql-endpoints';
import { canonicalIp } from '../cidr';
import { show } from '../problems';
import { canonicalDnsName } from '../validation/kubernetes-values';
import { isInstance, isList, keyPath, readKeyedMap, readList, readObject, Report, toLookup } from '../validation/read';

/** `sqlEndpoints` as read. */
export interface SqlEndpointsSnapshot {
  readonly provider: SqlDnsProvider;
  /** A null-prototype copy of the options (the maps and lists below are copies too). */
  readonly options: Record<string, unknown>;
  readonly regionalNames?: Map<string, unknown>;
  /** Per cluster: a string, a copied address object, or null for an unreadable one (reported). */
  readonly addresses?: Map<string, unknown>;
  /** Per cluster: a copied geolocation object, or null (reported). */
  readonly geolocations?: Map<string, unknown>;
  readonly locations?: Map<string, unknown>;
  readonly globalClusters?: unknown[];
  readonly sourceRanges?: unknown[];
}

const PROVIDERS: readonly SqlDnsProvider[] = ['route53', 'cloud-dns'];
const EXPECTED = 'SqlEndpoints.route53(...) or SqlEndpoints.cloudDns(...)';
const ADDRESS_FIELDS = ['address', 'gcpAddressName', 'awsEipAllocation', 'awsEipAllocations', 'awsPrivateIps', 'awsSubnet'];
const GEOLOCATION_FIELDS = ['continent', 'country', 'subdivision'];

/** Reads the `sqlEndpoints` prop; undefined when absent or unreadable (reported). */
export function readSqlEndpoints(value: unknown, report: Report): SqlEndpointsSnapshot | undefined {
  if (value === undefined) return undefined;
  // One from another copy of the library has the same shape: read it by its fields.
  const fields = isInstance(value, SqlEndpoints) ? { provider: value.provider, options: value.options }
    : readObject(value, 'sqlEndpoints', report, EXPECTED, ['provider', 'options']);
  if (!fields) return undefined;
  const provider = fields.provider as SqlDnsProvider;
  if (!PROVIDERS.includes(provider)) {
    report('sqlEndpoints', `expected ${EXPECTED}, got ${show(value)}`);
    return undefined;
  }
  const options = readObject(fields.options, 'sqlEndpoints', report, 'the endpoint options ({ zone, … })');
  if (!options) return undefined;
  const map = (key: string, what: string) => (options[key] === undefined ? undefined
    : readKeyedMap(options[key], `sqlEndpoints.${key}`, report, what));
  const list = (key: string, what: string) => (options[key] === undefined ? undefined : readList(options[key], `sqlEndpoints.${key}`, report, what));
  const addresses = map('addresses', 'a map of addresses by cluster name');
  for (const [cluster, entry] of addresses ?? []) {
    if (entry !== null && typeof entry === 'object') {
      const copy = readObject(entry, keyPath('sqlEndpoints.addresses', cluster), report, 'an address', ADDRESS_FIELDS);
      if (copy) {
        for (const key of ['awsPrivateIps', 'awsEipAllocations']) {
          if (isList(copy[key])) copy[key] = readList(copy[key], `${keyPath('sqlEndpoints.addresses', cluster)}.${key}`, report, 'a list');
        }
      }
      addresses!.set(cluster, copy ?? null);
    }
  }
  const geolocations = provider === 'route53' ? map('geolocations', 'a map of geolocations by cluster name') : undefined;
  for (const [cluster, entry] of geolocations ?? []) {
    geolocations!.set(cluster, readObject(entry, keyPath('sqlEndpoints.geolocations', cluster), report,
      "a geolocation ({ continent: 'EU' } or { country: 'DE' })", GEOLOCATION_FIELDS) ?? null);
  }
  return {
    provider,
    options,
    regionalNames: map('regionalNames', 'a map of names by cluster name'),
    addresses,
    geolocations,
    locations: provider === 'cloud-dns' ? map('locations', 'a map of Google Cloud regions by cluster name') : undefined,
    globalClusters: list('globalClusters', 'a list of cluster names'),
    sourceRanges: list('sourceRanges', 'a list of CIDR blocks'),
  };
}

/**
 * The options as read, rebuilt as a {@link SqlEndpoints} of plain copies with every value in its one
 * spelling (names lower case without a trailing dot, IPs canonical). Only for a snapshot without problems.
 */
export function canonicalSqlEndpoints(snapshot: SqlEndpointsSnapshot): SqlEndpoints {
  const name = (value: unknown) => canonicalDnsName(value as string);
  const ip = (value: unknown) => canonicalIp(value) ?? value;
  const options: Record<string, unknown> = { ...snapshot.options, zone: name(snapshot.options.zone) };
  if (options.globalName !== undefined) options.globalName = name(options.globalName);
  if (snapshot.regionalNames) options.regionalNames = toLookup([...snapshot.regionalNames].map(([c, v]) => [c, name(v)] as const));
  if (snapshot.addresses) {
    options.addresses = toLookup([...snapshot.addresses].map(([c, v]) => {
      if (v === null || typeof v !== 'object') return [c, ip(v)] as const;
      const copy: Record<string, unknown> = { ...v as Record<string, unknown> };
      copy.address = ip(copy.address);
      if (isList(copy.awsPrivateIps)) copy.awsPrivateIps = copy.awsPrivateIps.map(ip);
      if (isList(copy.awsEipAllocations)) copy.awsEipAllocations = [...copy.awsEipAllocations];
      return [c, copy] as const;
    }));
  }
  if (snapshot.geolocations) options.geolocations = toLookup([...snapshot.geolocations].map(([c, v]) => [c, { ...v as object }] as const));
  if (snapshot.locations) options.locations = toLookup([...snapshot.locations]);
  if (snapshot.globalClusters) options.globalClusters = [...snapshot.globalClusters];
  if (snapshot.sourceRanges) options.sourceRanges = [...snapshot.sourceRanges];
  return snapshot.provider === 'route53'
    ? SqlEndpoints.route53(options as unknown as Route53SqlEndpointsOptions)
    : SqlEndpoints.cloudDns(options as unknown as CloudDnsSqlEndpointsOptions);
}
