// One CockroachDB over three clouds joined by Submariner: every pod advertises its cluster-set name
// <pod>.<cluster-id>.cockroachdb.cockroachdb.svc.clusterset.local, which Lighthouse resolves in every
// cluster once the headless Service is exported. No DNS change, no load balancer of the library's.
// Before: `subctl deploy-broker`, then `subctl join --clusterid <id>` per cluster (docs/cluster-set.md).
//
//   npx cdk8s synth     ->  dist/<cluster>.k8s.yaml  per cluster (database, certificates, ServiceExport)
import { App } from 'cdk8s';
import { MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls } from 'crosscluster/cdk8s';

/** The deployment: one namespace in every cluster (MCS imports a Service only where its namespace exists). */
export const topology: MultiRegionCockroachProps = {
  clusters: [
    {
      name: 'gke-europe-west1',
      cloud: 'gcp',
      region: 'europe-west1',
      nodes: 3,
      namespace: 'cockroachdb',
      nodeCidrs: ['10.40.0.0/20'],
      podCidrs: ['10.44.0.0/14'],
      serviceCidrs: ['10.48.0.0/20'],
    },
    {
      name: 'eks-us-east-1',
      cloud: 'aws',
      region: 'us-east-1',
      nodes: 3,
      namespace: 'cockroachdb',
      nodeCidrs: ['10.50.0.0/16'],
      podCidrs: ['100.64.0.0/16'],
      serviceCidrs: ['172.20.0.0/16'],
      eks: { subnets: { 'us-east-1a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.50.10.0/24' } } },
    },
    {
      name: 'aks-eastus',
      cloud: 'azure',
      region: 'eastus',
      nodes: 3,
      namespace: 'cockroachdb',
      nodeCidrs: ['10.60.0.0/16'],
      podCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.0.0.0/16'],
    },
  ],
  // The ids the clusters joined the broker with (`subctl join --clusterid`): the label in every name.
  networking: Networking.clusterSet({
    implementation: 'submariner',
    clusterIds: { 'gke-europe-west1': 'europe', 'eks-us-east-1': 'virginia', 'aks-eastus': 'eastus' },
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
  // stderr: `cdk8s synth` captures the app's stdout.
  console.error(`join list (every cluster): ${db.joinAddresses.join(',')}`);
  console.error('after init, the multi-region SQL Job in the init cluster applies:');
  for (const statement of db.multiRegionSql) console.error(`  ${statement}`);
}
