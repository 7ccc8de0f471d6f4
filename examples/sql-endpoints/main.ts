// Three GKE clusters in three regions of one VPC, and the endpoints applications connect to: per
// region an internal SQL load balancer (global access, allow-listed) with its own name, and one global
// name in a Cloud DNS private zone that answers with the nearest healthy region.
//
//   npx cdk8s synth  ->  dist/<cluster>.k8s.yaml              database, certificates, SQL load balancer
//                        dist/<cluster>-dns.k8s.yaml          kube-system DNS objects
//                        dist/sql-endpoints.records.json      every record, for ExternalDNS and the DNS team
import { App } from 'cdk8s';
import { MultiRegionCockroach, MultiRegionCockroachProps, Networking, SqlEndpoints, Tls } from 'crosscluster/cdk8s';

/** The regions, one GKE cluster each, and their ranges in the shared VPC. */
const REGIONS = {
  'us-east1': { nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'], serviceCidrs: ['10.16.0.0/20'] },
  'us-west1': { nodeCidrs: ['10.20.0.0/20'], podCidrs: ['10.24.0.0/14'], serviceCidrs: ['10.28.0.0/20'] },
  'europe-west1': { nodeCidrs: ['10.30.0.0/20'], podCidrs: ['10.32.0.0/14'], serviceCidrs: ['10.36.0.0/20'] },
};

/** The deployment: every address is reserved up front, so the YAML and the records are complete at synth time. */
export const topology: MultiRegionCockroachProps = {
  clusters: Object.entries(REGIONS).map(([region, ranges]) => ({
    name: region,
    cloud: 'gcp' as const,
    region,
    nodes: 3,
    ...ranges,
    gke: { version: '1.36.2-gke.1498000', dns: 'kube-dns' as const, subsetting: true },
  })),
  networking: Networking.dnsChain({
    dnsAddresses: { 'us-east1': '10.10.15.250', 'us-west1': '10.20.15.250', 'europe-west1': '10.30.15.250' },
  }),
  // The application: the namespace `shop` in every cluster, and an application VPC (peered).
  networkPolicy: {
    clients: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'shop' } }, { cidr: '10.200.0.0/16' }],
  },
  sqlEndpoints: SqlEndpoints.cloudDns({
    zone: 'db.example.com', // a Cloud DNS private zone bound to the VPC
    // us-east1.db.example.com, us-west1.db.example.com, europe-west1.db.example.com and sql.db.example.com
    addresses: { 'us-east1': '10.10.15.240', 'us-west1': '10.20.15.240', 'europe-west1': '10.30.15.240' },
    project: 'acme-prod',
    network: 'projects/acme-prod/global/networks/crdb',
    externalDns: true, // ExternalDNS writes the regional names; the records file has the global one
    user: 'shop',
    sslRootCert: '/etc/cockroach-ca/ca.crt',
  }),
  tls: Tls.certManager(),
  survivalGoal: 'region',
};

/** Builds the deployment into `app`. */
export function build(app: App, props: MultiRegionCockroachProps = topology): MultiRegionCockroach {
  return new MultiRegionCockroach(app, 'cockroachdb', props);
}

if (require.main === module) {
  const app = new App();
  const db = build(app);
  app.synth();
  db.sqlEndpoints!.writeRecords(app.outdir);
  // stderr: `cdk8s synth` captures the app's stdout.
  console.error(`global: ${db.sqlEndpoints!.global.connectionString}`);
  for (const [cluster, endpoint] of Object.entries(db.sqlEndpoints!.regions)) console.error(`${cluster}: ${endpoint.connectionString}`);
}
