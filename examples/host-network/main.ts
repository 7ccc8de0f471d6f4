// One CockroachDB over two on-premises clusters (and a routed WAN between their node networks) on
// the nodes' own network: one database pod per listed node, each advertising its node's static
// address. No load balancer, no DNS forwarding, nothing between two nodes. Label the listed nodes
// with `crosscluster.io/database=<namespace>` (here: the cluster name).
//
//   npx cdk8s synth     ->  dist/<cluster>.k8s.yaml  per cluster
import { App } from 'cdk8s';
import { MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls } from 'crosscluster/cdk8s';

export const topology: MultiRegionCockroachProps = {
  clusters: [
    { name: 'dc-east', cloud: 'generic', region: 'us-east', nodes: 3, nodeCidrs: ['192.168.10.0/24'], podCidrs: ['10.100.0.0/16'], serviceCidrs: ['10.110.0.0/16'] },
    { name: 'dc-west', cloud: 'generic', region: 'us-west', nodes: 3, nodeCidrs: ['192.168.20.0/24'], podCidrs: ['10.120.0.0/16'], serviceCidrs: ['10.130.0.0/16'] },
    { name: 'dc-north', cloud: 'generic', region: 'ca-central', nodes: 3, nodeCidrs: ['192.168.30.0/24'], podCidrs: ['10.140.0.0/16'], serviceCidrs: ['10.150.0.0/16'] },
  ],
  networking: Networking.hostNetwork({
    // The nodes that run the database and their static addresses (an IP, or a DNS name that follows the node).
    nodes: {
      'dc-east': [
        { name: 'east-db-1', address: '192.168.10.11' },
        { name: 'east-db-2', address: '192.168.10.12' },
        { name: 'east-db-3', address: '192.168.10.13' },
      ],
      'dc-west': [
        { name: 'west-db-1', address: '192.168.20.11' },
        { name: 'west-db-2', address: '192.168.20.12' },
        { name: 'west-db-3', address: 'west-db-3.dc-west.example.internal' },
      ],
      'dc-north': [
        { name: 'north-db-1', address: '192.168.30.11' },
        { name: 'north-db-2', address: '192.168.30.12' },
        { name: 'north-db-3', address: '192.168.30.13' },
      ],
    },
  }),
  tls: Tls.certManager(),
  survivalGoal: 'region',
};

/** Builds the deployment into `app`: one Chart per cluster. */
export function build(app: App, props: MultiRegionCockroachProps = topology): MultiRegionCockroach {
  return new MultiRegionCockroach(app, 'cockroachdb', props);
}

if (require.main === module) {
  const app = new App();
  const db = build(app);
  app.synth();
  console.error(`join list (every cluster): ${db.joinAddresses.join(',')}`);
}
