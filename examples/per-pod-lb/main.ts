// One CockroachDB over three clouds with one internal load balancer per pod: each pod advertises
// its load balancer's reserved address, so neither pod routing between the VPCs nor DNS forwarding
// is needed, only reachability of the load-balancer addresses (VPN or interconnect).
//
//   npx cdk8s synth     ->  dist/<cluster>.k8s.yaml  per cluster (database, certificates, per-pod Services)
import { App } from 'cdk8s';
import { MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls } from 'crosscluster/cdk8s';

/** The deployment: every pod's address is reserved up front, so the YAML is complete at synth time. */
export const topology: MultiRegionCockroachProps = {
  clusters: [
    {
      name: 'europe-west1',
      cloud: 'gcp',
      region: 'europe-west1',
      nodes: 3,
      nodeCidrs: ['10.40.0.0/20'],
      podCidrs: ['10.44.0.0/14'],
      serviceCidrs: ['10.48.0.0/20'],
    },
    {
      name: 'us-east-1',
      cloud: 'aws',
      region: 'us-east-1',
      nodes: 4,
      nodeCidrs: ['10.50.0.0/16'],
      podCidrs: ['100.64.0.0/16'],
      serviceCidrs: ['172.20.0.0/16'],
    },
    {
      name: 'eastus',
      cloud: 'azure',
      region: 'eastus',
      nodes: 3,
      nodeCidrs: ['10.60.0.0/16'],
      podCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.0.0.0/16'],
    },
  ],
  networking: Networking.perPodLoadBalancers({
    internal: true,
    // Only the peers' networks may reach a pod's load balancer.
    sourceRanges: ['10.40.0.0/20', '10.50.0.0/16', '10.60.0.0/16'],
    addresses: {
      // GKE: internal addresses reserved as `compute.Address` resources (by name and IP).
      'europe-west1': [
        { address: '10.40.15.10', gcpAddressName: 'crdb-europe-west1-0' },
        { address: '10.40.15.11', gcpAddressName: 'crdb-europe-west1-1' },
        { address: '10.40.15.12', gcpAddressName: 'crdb-europe-west1-2' },
      ],
      // EKS: internal NLBs (AWS Load Balancer Controller) with a fixed private IP in one subnet each.
      'us-east-1': [
        { address: '10.50.10.10', awsSubnet: 'subnet-0a1b2c3d4e5f60001' },
        { address: '10.50.20.10', awsSubnet: 'subnet-0a1b2c3d4e5f60002' },
        { address: '10.50.30.10', awsSubnet: 'subnet-0a1b2c3d4e5f60003' },
        { address: '10.50.10.11', awsSubnet: 'subnet-0a1b2c3d4e5f60001' },
      ],
      // AKS: internal load balancers on static private IPs.
      'eastus': ['10.60.15.10', '10.60.15.11', '10.60.15.12'],
    },
  }),
  tls: Tls.certManager(),
};

/** Builds the deployment into `app`: one Chart per cluster. */
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
