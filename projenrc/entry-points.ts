// The package's entry points and the peer packages each one loads: the one source for
// package.json (exports, typesVersions, peerDependencies), API.md and the entry-point tests.

/** One subpath of the package. */
export interface EntryPoint {
  /** What a user imports, e.g. `crosscluster/pulumi`. */
  readonly specifier: string;
  /** Its TypeScript source (the compiled file is the same path under dist/, `.js`). */
  readonly source: string;
  /** The peer packages loading it loads: a user of this entry point installs exactly these. */
  readonly peers: readonly string[];
  /** One line for the README table. */
  readonly summary: string;
}

/** Peer packages and the ranges tested. */
export const PEER_RANGES: Readonly<Record<string, string>> = {
  'cdk8s': '^2.70.106',
  'constructs': '^10.8.1',
  '@pulumi/pulumi': '^3.270.0',
  '@pulumi/kubernetes': '^4.34.2',
  '@pulumi/tls': '^5.6.1',
  '@pulumi/gcp': '^9.37.0',
  '@pulumi/aws': '^7.48.0',
};

const PULUMI_DATABASE = ['@pulumi/pulumi', '@pulumi/kubernetes', '@pulumi/tls'];

export const ENTRY_POINTS: readonly EntryPoint[] = [
  {
    specifier: 'crosscluster',
    source: 'lib/index.ts',
    peers: [],
    summary: 'the pure core: topology types, strategies, validation, the deployment plan and the renderers',
  },
  {
    specifier: 'crosscluster/cdk8s',
    source: 'lib/cdk8s/index.ts',
    peers: ['cdk8s', 'constructs'],
    summary: '`MultiRegionCockroach`, `PerPodLoadBalancers`, `DnsChain`, `ClusterCerts`, `GlobalSqlEndpoints` as cdk8s constructs: one Chart per cluster',
  },
  {
    specifier: 'crosscluster/pulumi',
    source: 'lib/pulumi/index.ts',
    peers: PULUMI_DATABASE,
    summary: 'the same five as Pulumi components; load-balancer outputs feed the join list and the certificate SANs',
  },
  {
    specifier: 'crosscluster/pulumi/gcp',
    source: 'lib/pulumi/gcp/index.ts',
    peers: ['@pulumi/pulumi', '@pulumi/gcp'],
    summary: '`GcpNetworkPeering`: VPC peering and firewall rules between the clusters\' GCP networks; `GkeCloudDnsForwarding`: the DNS chain on GKE Cloud DNS; `CloudDnsSqlRecords`: the SQL names in Cloud DNS',
  },
  {
    specifier: 'crosscluster/pulumi/aws',
    source: 'lib/pulumi/aws/index.ts',
    peers: ['@pulumi/pulumi', '@pulumi/aws'],
    summary: '`AwsVpcPeeringMesh`, `AwsTransitGatewayHub`, `VpcCniSnatExclusion`: AWS networking between the clusters\' VPCs; `EksCorednsAddon`: the DNS chain in the EKS CoreDNS add-on; `Route53SqlRecords`: the SQL names in Route 53',
  },
  {
    specifier: 'crosscluster/pulumi/cloud',
    source: 'lib/pulumi/cloud/index.ts',
    peers: ['@pulumi/pulumi', '@pulumi/gcp', '@pulumi/aws'],
    summary: 'all of the above plus `CrossCloudVpn` (GCP HA VPN ↔ AWS Site-to-Site VPN with BGP)',
  },
  {
    specifier: 'crosscluster/pulumi/testing',
    source: 'lib/pulumi/testing/index.ts',
    peers: ['@pulumi/pulumi'],
    summary: '`CloudMocks`: mocks for unit tests of your stack that answer like the clouds and Kubernetes',
  },
];

/** `./pulumi` for `crosscluster/pulumi`, `.` for `crosscluster`. */
export function subpathOf(entry: EntryPoint): string {
  return entry.specifier === 'crosscluster' ? '.' : `./${entry.specifier.slice('crosscluster/'.length)}`;
}

/** The compiled file of an entry point, without extension: `dist/pulumi/index`. */
export function distPathOf(entry: EntryPoint): string {
  return entry.source.replace(/^lib\//, 'dist/').replace(/\.ts$/, '');
}
