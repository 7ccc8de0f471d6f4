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
      gke: { version: '1.35.1-gke.1396000' },
    },
    {
      name: 'us-east-1',
      cloud: 'aws',
      region: 'us-east-1',
      nodes: 4,
      nodeCidrs: ['10.50.0.0/16'],
      podCidrs: ['100.64.0.0/16'],
      serviceCidrs: ['172.20.0.0/16'],
      // Every pod's NLB spans these three subnets with cross-zone load balancing, so it reaches its
      // pod in whichever AZ the pod runs; the pods are kept to these AZs.
      eks: {
        subnets: {
          'us-east-1a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.50.10.0/24' },
          'us-east-1b': { id: 'subnet-0a1b2c3d4e5f60002', cidr: '10.50.20.0/24' },
          'us-east-1c': { id: 'subnet-0a1b2c3d4e5f60003', cidr: '10.50.30.0/24' },
        },
      },
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
  // Internal load balancers (the default) admitting the clusters' pod and node CIDRs only (derived).
  networking: Networking.perPodLoadBalancers({
    addresses: {
      // GKE: internal addresses reserved as `compute.Address` resources (by name and IP).
      'europe-west1': [
        { address: '10.40.15.10', gcpAddressName: 'crdb-europe-west1-0' },
        { address: '10.40.15.11', gcpAddressName: 'crdb-europe-west1-1' },
        { address: '10.40.15.12', gcpAddressName: 'crdb-europe-west1-2' },
      ],
      // EKS: internal NLBs (AWS Load Balancer Controller), each with a private IP in every subnet
      // (AZ order); the pod advertises one of them and every one is in the node certificate.
      'us-east-1': [10, 11, 12, 13].map((host) => ({
        address: `10.50.10.${host}`,
        awsPrivateIps: [`10.50.10.${host}`, `10.50.20.${host}`, `10.50.30.${host}`],
      })),
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
  console.error('after init, the multi-region SQL Job in the init cluster applies:');
  for (const statement of db.multiRegionSql) console.error(`  ${statement}`);
}
