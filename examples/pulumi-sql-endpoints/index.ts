// CockroachDB across one GKE and two EKS clusters (the VPCs joined by VPN or peering), and the
// endpoints applications connect to: per region an internal SQL load balancer with its own name in a
// Route 53 hosted zone, and one global name with latency records over the two EKS regions. Each EKS
// record is an alias to its region's NLB and inherits its health (the NLB checks /health?ready=1 on
// every pod); Route 53 cannot health-check the GKE region's internal load balancer, so it keeps its
// regional name only.
//
//   pulumi config set --secret --path 'kubeconfigs.gke-us-east1' "$(cat gke.yaml)"   (and the two EKS ones)
//   pulumi config set hostedZoneId Z0123456789ABCDEFGHIJ
//   pulumi up
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { MultiRegionCockroach, Networking, SqlEndpoints, Tls } from 'crosscluster/pulumi';
import { Route53SqlRecords } from 'crosscluster/pulumi/aws';

const config = new pulumi.Config();
const kubeconfigs = config.requireSecretObject<Record<string, string>>('kubeconfigs');
const provider = (name: string) => new k8s.Provider(name, { kubeconfig: kubeconfigs.apply((k) => k[name]) });

/** Each EKS cluster's NLB subnets, one per AZ. */
const subnets = (region: string, second: number) => ({
  [`${region}a`]: { id: `subnet-${second}a00000000000001`, cidr: `10.${second}.0.0/20` },
  [`${region}b`]: { id: `subnet-${second}b00000000000002`, cidr: `10.${second}.16.0/20` },
});

const db = new MultiRegionCockroach('cockroachdb', {
  clusters: [
    {
      name: 'gke-us-east1',
      cloud: 'gcp',
      region: 'us-east1',
      nodes: 3,
      nodeCidrs: ['10.10.0.0/20'],
      podCidrs: ['10.12.0.0/14'],
      provider: provider('gke-us-east1'),
    },
    {
      name: 'eks-us-east-1',
      cloud: 'aws',
      region: 'us-east-1',
      nodes: 3,
      nodeCidrs: ['10.40.0.0/16'],
      podCidrs: ['100.64.0.0/16'],
      eks: { subnets: subnets('us-east-1', 40) },
      provider: provider('eks-us-east-1'),
    },
    {
      name: 'eks-eu-west-1',
      cloud: 'aws',
      region: 'eu-west-1',
      nodes: 3,
      nodeCidrs: ['10.50.0.0/16'],
      podCidrs: ['100.65.0.0/16'],
      eks: { subnets: subnets('eu-west-1', 50) },
      provider: provider('eks-eu-west-1'),
    },
  ],
  // One internal load balancer per pod; its address (an IP on GKE, the NLB's name on AWS) is advertised.
  networking: Networking.perPodLoadBalancers(),
  tls: Tls.generated(),
  survivalGoal: 'region',
  sqlEndpoints: SqlEndpoints.route53({
    zone: 'db.example.com',
    // Route 53 health-checks the EKS regions through their NLBs' target health only.
    globalClusters: ['eks-us-east-1', 'eks-eu-west-1'],
    sslRootCert: '/etc/cockroach-ca/ca.crt',
  }),
});

new Route53SqlRecords('sql', { endpoints: db.sqlEndpoints!, zoneId: config.require('hostedZoneId') });

/** `host:port` entries every node joins. */
export const joinAddresses = db.joinAddresses;
/** The CA certificate applications verify the servers with (their `sslrootcert`). */
export const caCertPem = db.caCertPem;
/** The global endpoint: `sql.db.example.com`, the nearest healthy EKS region. */
export const globalEndpoint = db.sqlEndpoints!.global;
/** Per region: its name, port, connection string and load-balancer addresses. */
export const regionalEndpoints = db.sqlEndpoints!.regions;
