// Three clusters, two clouds, one CockroachDB: two GKE regions on kube-dns and one EKS region whose
// CoreDNS is the managed add-on, joined by DNS chaining over a private network (VPN/peering between
// the VPCs), with cert-manager issuing every certificate from one CA provisioned in each cluster.
// Each cluster's cloud profile says what its load-balancer and DNS controllers accept.
//
//   npx cdk8s synth     ->  dist/<cluster>.k8s.yaml          database objects, per cluster
//                           dist/<cluster>-dns.k8s.yaml      kube-system DNS objects, per cluster
//                           dist/eu-west-1-coredns-addon.json the EKS CoreDNS add-on's configuration
import { App } from 'cdk8s';
import { MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls } from 'crosscluster/cdk8s';

/** The deployment: every address is fixed here, so the YAML is complete at synth time. */
export const topology: MultiRegionCockroachProps = {
  clusters: [
    {
      name: 'us-east1',
      cloud: 'gcp',
      region: 'us-east1',
      nodes: 3,
      zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
      nodeCidrs: ['10.10.0.0/20'],
      podCidrs: ['10.12.0.0/14'],
      serviceCidrs: ['10.16.0.0/20'],
      // Before 1.36.2-gke.1498000 an internal LB cannot mix UDP and TCP: the DNS load balancer is
      // two Services sharing 10.10.15.250 (reserve it with purpose SHARED_LOADBALANCER_VIP).
      gke: { version: '1.35.1-gke.1396000', dns: 'kube-dns' },
    },
    {
      name: 'us-west1',
      cloud: 'gcp',
      region: 'us-west1',
      nodes: 3,
      zones: ['us-west1-a', 'us-west1-b', 'us-west1-c'],
      nodeCidrs: ['10.20.0.0/20'],
      podCidrs: ['10.24.0.0/14'],
      serviceCidrs: ['10.28.0.0/20'],
      // Subsetting on 1.36.2-gke.1498000 or later: one Service carries UDP and TCP.
      gke: { version: '1.36.2-gke.1498000', dns: 'kube-dns', subsetting: true },
    },
    {
      name: 'eu-west-1',
      cloud: 'aws', // EKS: CoreDNS as the managed add-on
      region: 'eu-west-1',
      nodes: 3,
      nodeCidrs: ['10.30.0.0/16'],
      podCidrs: ['100.64.0.0/16'], // VPC CNI custom networking on a secondary CIDR
      serviceCidrs: ['172.20.0.0/16'],
      // The NLBs span these subnets (one private IP each); the pods stay in these AZs.
      eks: {
        subnets: {
          'eu-west-1a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.30.0.0/20' },
          'eu-west-1b': { id: 'subnet-0a1b2c3d4e5f60002', cidr: '10.30.16.0/20' },
          'eu-west-1c': { id: 'subnet-0a1b2c3d4e5f60003', cidr: '10.30.32.0/20' },
        },
        corednsAddon: true,
      },
    },
  ],
  // Static internal IPs for each cluster's DNS load balancer, inside that cluster's node subnet;
  // the EKS NLB has one per subnet, in AZ order. Each admits the peers' pod and node CIDRs only.
  networking: Networking.dnsChain({
    dnsAddresses: {
      'us-east1': '10.10.15.250',
      'us-west1': '10.20.15.250',
      'eu-west-1': ['10.30.15.250', '10.30.31.250', '10.30.47.250'],
    },
  }),
  // SQL clients besides the peers: the application's namespace (the NetworkPolicy admits nothing else).
  networkPolicy: { clients: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'shop' } }] },
  // The CA Secret `cockroachdb-ca` must exist in every database namespace (see docs/cdk8s.md).
  tls: Tls.certManager({ duration: '8760h', renewBefore: '720h' }),
  survivalGoal: 'region',
  cpu: '2',
  memory: '8Gi',
  storageSize: '100Gi',
};

/** Builds the deployment into `app`: one Chart per cluster plus one DNS Chart per cluster. */
export function build(app: App, props: MultiRegionCockroachProps = topology): MultiRegionCockroach {
  return new MultiRegionCockroach(app, 'cockroachdb', props);
}

if (require.main === module) {
  const app = new App();
  const db = build(app);
  app.synth();
  // The EKS CoreDNS add-on's configurationValues, next to the manifests (see docs/cloud-profiles.md).
  db.dnsChain!.writeEksAddonConfigurations(app.outdir);
  // stderr: `cdk8s synth` captures the app's stdout.
  console.error(`join list (every cluster): ${db.joinAddresses.join(',')}`);
  console.error('after init, the multi-region SQL Job in the init cluster applies:');
  for (const statement of db.multiRegionSql) console.error(`  ${statement}`);
}
