// One CockroachDB over GKE and EKS whose pods talk pod IP to pod IP: nothing sits between two nodes.
// Each pod advertises its own pod IP; each cluster has one internal load balancer used only for
// --join; every pod gets a certificate for its own IP from cert-manager when it starts.
// Needs routed, disjoint pod ranges between the clusters (here: the clusters' VPN, whose routes are
// checked against the pod ranges) and, in every cluster, cert-manager and the shared CA Secret.
//
//   npx cdk8s synth     ->  dist/<cluster>.k8s.yaml  per cluster
import { App } from 'cdk8s';
import { planCrossCloudVpn, routedNetworkOfVpn } from 'crosscluster';
import { ClusterSpec, MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls } from 'crosscluster/cdk8s';

/** The clusters: VPC-native GKE (pods on alias IPs) and EKS with the VPC CNI (pods on VPC addresses). */
export const clusters: ClusterSpec[] = [
  {
    name: 'us-east1',
    cloud: 'gcp',
    region: 'us-east1',
    nodes: 3,
    nodeCidrs: ['10.10.0.0/20'],
    podCidrs: ['10.12.0.0/14'],
    serviceCidrs: ['10.16.0.0/20'],
    gke: { version: '1.35.1-gke.1396000' },
  },
  {
    name: 'us-west1',
    cloud: 'gcp',
    region: 'us-west1',
    nodes: 3,
    nodeCidrs: ['10.20.0.0/20'],
    podCidrs: ['10.24.0.0/14'],
    serviceCidrs: ['10.28.0.0/20'],
    gke: { version: '1.36.2-gke.1498000', subsetting: true },
  },
  {
    name: 'eu-west-1',
    cloud: 'aws',
    region: 'eu-west-1',
    nodes: 3,
    nodeCidrs: ['10.30.0.0/16'],
    podCidrs: ['10.32.0.0/16'],
    serviceCidrs: ['172.20.0.0/16'],
    eks: {
      subnets: {
        'eu-west-1a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.30.0.0/20' },
        'eu-west-1b': { id: 'subnet-0a1b2c3d4e5f60002', cidr: '10.30.16.0/20' },
      },
    },
  },
];

/**
 * The GKE ↔ EKS VPN as the Pulumi stack of the network team plans it (`CrossCloudVpn` makes the same
 * plan): what it routes is checked against every cluster's pod ranges before anything is written.
 */
export const vpn = routedNetworkOfVpn('gke-eks', clusters, planCrossCloudVpn({ clusters }));

export const topology: MultiRegionCockroachProps = {
  clusters,
  networking: Networking.podIps({
    // The join load balancers' reserved internal addresses (EKS: the NLB's IP in each subnet).
    joinAddresses: {
      'us-east1': '10.10.15.200',
      'us-west1': '10.20.15.200',
      'eu-west-1': ['10.30.15.200', '10.30.31.200'],
    },
    routedBy: [vpn],
  }),
  tls: Tls.certManager({ duration: '2160h', renewBefore: '360h' }),
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
}
