// A stand-in for the geo-aware DNS service behind the global name (Route 53 latency/geolocation, Cloud
// DNS geolocation): CoreDNS with its `view` plugin, one server block per region selecting the answers
// by the client's source address, generated from the records file cdk8s writes. A region's view answers
// the global name with that region's load balancer while it is healthy, otherwise with the nearest
// healthy region behind the global name (here: the first in topology order, as the stand-in knows no
// geography); every regional name always answers with its own region. Withdrawing a region (its health
// check failing) regenerates the zones and reloads CoreDNS.

/** What the stand-in reads from the records file (`sql-endpoints.records.json`). */
export interface RecordsDocument {
  readonly provider: 'route53' | 'cloud-dns';
  readonly zone: string;
  readonly ttl: number;
  readonly global: { readonly name: string; readonly clusters: readonly string[] };
  readonly regions: ReadonlyArray<{
    readonly cluster: string;
    readonly name: string;
    readonly addresses: readonly string[];
    readonly behindGlobalName: boolean;
    readonly clientRanges: readonly string[];
  }>;
  readonly records: ReadonlyArray<Record<string, any>>;
}

/** Where each region's load balancer answers: its addresses as the DNS service returns them. */
export type LoadBalancerAddresses = ReadonlyMap<string, readonly string[]>;

/** The zone one view serves: every name with its A records. */
export function viewRecords(
  doc: RecordsDocument, view: string | undefined, addresses: LoadBalancerAddresses, withdrawn: ReadonlySet<string>,
): Map<string, string[]> {
  const records = new Map<string, string[]>();
  for (const region of doc.regions) records.set(region.name, [...addresses.get(region.cluster) ?? []]);
  const healthy = doc.global.clusters.filter((c) => !withdrawn.has(c));
  const own = view !== undefined && healthy.includes(view) ? view : healthy[0];
  // Every region of the global name withdrawn: like the real services, answer them all rather than nothing.
  const answer = own !== undefined ? addresses.get(own) ?? [] : doc.global.clusters.flatMap((c) => addresses.get(c) ?? []);
  records.set(doc.global.name, [...answer]);
  return records;
}

/** An RFC 1035 zone file of the zone with the records and the records' TTL. */
export function geoZoneFile(doc: RecordsDocument, records: ReadonlyMap<string, readonly string[]>, serial: number): string {
  const lines = [
    `$ORIGIN ${doc.zone}.`,
    `$TTL ${doc.ttl}`,
    `@ IN SOA ns.${doc.zone}. hostmaster.${doc.zone}. ${serial} 7200 1800 86400 ${doc.ttl}`,
    `@ IN NS ns.${doc.zone}.`,
    'ns IN A 192.0.2.53',
  ];
  for (const [name, ips] of records) for (const ip of ips) lines.push(`${name}. IN A ${ip}`);
  return `${lines.join('\n')}\n`;
}

/** The stand-in's Corefile: a view per region (by its clients' ranges) and a default server block last. */
export function geoCorefile(
  doc: RecordsDocument, o: { readonly bind: string; readonly port: number; readonly zoneFile: (view: string) => string },
): string {
  const blocks = doc.regions.map((region) => [
    `${doc.zone}:${o.port} {`,
    `    bind ${o.bind}`,
    `    view ${region.cluster} {`,
    `        expr ${region.clientRanges.map((cidr) => `incidr(client_ip(), '${cidr}')`).join(' || ')}`,
    '    }',
    `    file ${o.zoneFile(region.cluster)} ${doc.zone}`,
    '}',
  ].join('\n'));
  blocks.push([`${doc.zone}:${o.port} {`, `    bind ${o.bind}`, `    file ${o.zoneFile('default')} ${doc.zone}`, '}'].join('\n'));
  return `${blocks.join('\n')}\n`;
}

/** One recorded edit of the generated Corefile: a client range mapped to the loopback range its clients query from. */
export interface ClientRangeEdit {
  readonly from: string;
  readonly to: string;
}

/**
 * The Corefile the test runs: every client CIDR of the plan replaced by the loopback /24 the simulated
 * clients of that region query from (nothing else changes; each edit recorded, so undoing them gives
 * the generated Corefile back).
 */
export function mapClientRanges(corefile: string, ranges: ReadonlyMap<string, string>): { corefile: string; edits: ClientRangeEdit[] } {
  const edits: ClientRangeEdit[] = [];
  const run = corefile.replace(/incidr\(client_ip\(\), '([^']+)'\)/g, (_whole, cidr: string) => {
    const to = ranges.get(cidr);
    if (to === undefined) throw new Error(`client range ${cidr} has no loopback stand-in`);
    edits.push({ from: cidr, to });
    return `incidr(client_ip(), '${to}')`;
  });
  return { corefile: run, edits };
}
