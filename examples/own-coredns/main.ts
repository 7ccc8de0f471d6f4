// One CockroachDB over GKE Autopilot (Cloud DNS), EKS (the CoreDNS add-on) and AKS, chained by a
// CoreDNS of the library's own in each database namespace: it answers its cluster's database names
// from the API, forwards the other clusters' to their instances (internal load balancers pinned to
// reserved addresses), and the database pods use it as their nameserver. No cluster DNS is exposed
// or changed: nothing is written to kube-system, so Cloud DNS needs no forwarding zone either.
//
//   npx cdk8s synth     ->  dist/<cluster>.k8s.yaml  per cluster (database, certificates, CoreDNS)
import { App } from 'cdk8s';
import { MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls } from 'crosscluster/cdk8s';

/** The deployment: every DNS load-balancer address is reserved up front, so the YAML is complete at synth time. */
export const topology: MultiRegionCockroachProps = {
  clusters: [
    {
      name: 'autopilot-us-east4',
      cloud: 'gcp',
      region: 'us-east4',
      nodes: 3,
      nodeCidrs: ['10.10.0.0/20'],
      podCidrs: ['10.12.0.0/14'],
      // The instance's fixed ClusterIP is the 53rd address of the first block: 10.16.0.53.
      serviceCidrs: ['10.16.0.0/20'],
      // Autopilot: Cloud DNS, no kube-dns pods; mixed-protocol internal load balancers with subsetting.
      gke: { dns: 'cloud-dns', version: '1.36.2-gke.1498000', subsetting: true },
    },
    {
      name: 'eu-west-1',
      cloud: 'aws',
      region: 'eu-west-1',
      nodes: 3,
      nodeCidrs: ['10.30.0.0/16'],
      podCidrs: ['100.64.0.0/16'],
      serviceCidrs: ['172.20.0.0/16'],
      eks: {
        subnets: {
          'eu-west-1a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.30.0.0/20' },
          'eu-west-1b': { id: 'subnet-0a1b2c3d4e5f60002', cidr: '10.30.16.0/20' },
        },
      },
    },
    {
      name: 'westeurope',
      cloud: 'azure',
      region: 'westeurope',
      nodes: 3,
      nodeCidrs: ['10.40.0.0/16'],
      podCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.0.0.0/16'],
    },
  ],
  networking: Networking.dnsChain({
    // Each cluster's own CoreDNS load balancer, on an address reserved in its node subnet (EKS: one per NLB subnet).
    dnsAddresses: {
      'autopilot-us-east4': '10.10.15.53',
      'eu-west-1': ['10.30.15.53', '10.30.31.53'],
      'westeurope': '10.40.15.53',
    },
    ownCoredns: {},
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
  for (const cluster of db.plan.clusters) console.error(`${cluster.name}: the database pods resolve through ${cluster.ownCoredns!.clusterIp}`);
}
