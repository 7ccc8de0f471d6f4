// Three clusters, two clouds, one CockroachDB: two GKE regions on kube-dns and one EKS region on
// CoreDNS, joined by DNS chaining over a private network (VPN/peering between the VPCs), with
// cert-manager issuing every certificate from one CA provisioned in each cluster.
//
//   npx cdk8s synth     ->  dist/<cluster>.k8s.yaml      database objects, per cluster
//                           dist/<cluster>-dns.k8s.yaml  kube-system DNS objects, per cluster
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
    },
    {
      name: 'eu-west-1',
      cloud: 'aws', // EKS: CoreDNS
      region: 'eu-west-1',
      nodes: 3,
      zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      nodeCidrs: ['10.30.0.0/16'],
      podCidrs: ['100.64.0.0/16'], // VPC CNI custom networking on a secondary CIDR
      serviceCidrs: ['172.20.0.0/16'],
    },
  ],
  // Static internal IPs for each cluster's DNS load balancer, inside that cluster's node subnet.
  networking: Networking.dnsChain({
    dnsAddresses: {
      'us-east1': '10.10.15.250',
      'us-west1': '10.20.15.250',
      'eu-west-1': '10.30.15.250',
    },
  }),
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
  // stderr: `cdk8s synth` captures the app's stdout.
  console.error(`join list (every cluster): ${db.joinAddresses.join(',')}`);
  console.error('after the init Job completes, run once (cockroach sql):');
  for (const statement of db.multiRegionSql) console.error(`  ${statement}`);
}
