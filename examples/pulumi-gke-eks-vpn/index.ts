// CockroachDB across a GKE region and an EKS region, joined by GCP HA VPN <-> AWS Site-to-Site VPN
// (four tunnels, BGP), with DNS chaining: each cluster's DNS forwards the other's
// `<namespace>.svc.cluster.local` to an internal DNS load balancer reachable over the VPN.
// The CIDRs are written once, below, and feed the VPN routes, the firewall rules and the validation.
//
//   pulumi config set --secret --path 'kubeconfigs.gke-us-east4' "$(cat gke.kubeconfig)"
//   pulumi config set --secret --path 'kubeconfigs.eks-us-west-2' "$(cat eks.kubeconfig)"
//   pulumi config set gcpNetwork projects/my-project/global/networks/crdb
//   ... (see Pulumi.yaml for the rest), then: pulumi up
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterSpec } from 'crosscluster';
import { MultiRegionCockroach, Networking, Tls } from 'crosscluster/pulumi';
import { CrossCloudVpn, EksCorednsAddon, VpcCniSnatExclusion } from 'crosscluster/pulumi/cloud';

/** The two clusters, with every CIDR the VPN, the firewalls and the validation use. */
export const CLUSTERS: ClusterSpec[] = [
  {
    name: 'gke-us-east4',
    cloud: 'gcp',
    region: 'us-east4',
    nodes: 3,
    podCidrs: ['10.8.0.0/14'],
    serviceCidrs: ['10.12.0.0/20'],
    nodeCidrs: ['10.0.0.0/20'],
    // kube-dns; two DNS Services (UDP, TCP) share the reserved address before 1.36.2-gke.1498000.
    gke: { version: '1.35.1-gke.1396000', dns: 'kube-dns' },
  },
  {
    name: 'eks-us-west-2',
    cloud: 'aws',
    region: 'us-west-2',
    nodes: 3,
    podCidrs: ['10.32.0.0/16'],
    serviceCidrs: ['172.20.0.0/16'],
    nodeCidrs: ['10.33.0.0/20'],
    // The NLBs span both private subnets; CoreDNS is the managed add-on (EksCorednsAddon below).
    eks: {
      subnets: {
        'us-west-2a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.33.0.0/21' },
        'us-west-2b': { id: 'subnet-0a1b2c3d4e5f60002', cidr: '10.33.8.0/21' },
      },
      corednsAddon: true,
    },
  },
];

/**
 * Static internal IPs of the DNS load balancers, inside each cluster's node subnets (advertised over
 * BGP): the GKE one reserved with purpose SHARED_LOADBALANCER_VIP, the EKS NLB's one per subnet.
 */
export const DNS_ADDRESSES = { 'gke-us-east4': '10.0.15.250', 'eks-us-west-2': ['10.33.7.250', '10.33.15.250'] };

/** Builds the VPN, the SNAT exclusion and the database from the stack configuration. */
export function deploy() {
  const config = new pulumi.Config();
  const kubeconfigs = config.requireSecretObject<Record<string, string>>('kubeconfigs');

  const vpn = new CrossCloudVpn('gke-eks', {
    clusters: CLUSTERS,
    gcp: { network: config.require('gcpNetwork'), region: 'us-east4', asn: 64514, firewallTargetTags: [config.require('gkeNodeTag')] },
    aws: {
      vpcId: config.require('awsVpcId'),
      region: 'us-west-2',
      asn: 64512,
      routeTableIds: config.requireObject<string[]>('awsRouteTableIds'),
      securityGroupIds: [config.require('eksSecurityGroupId')],
    },
  });

  // EKS pods must keep their source IPs across the VPN, or GKE pods cannot dial them back.
  const snat = new VpcCniSnatExclusion('eks-us-west-2', {
    clusterName: config.require('eksClusterName'),
    cluster: CLUSTERS[1],
    clusters: CLUSTERS,
    region: 'us-west-2',
  });

  const cockroach = new MultiRegionCockroach('cockroachdb', {
    clusters: CLUSTERS.map((cluster) => ({
      ...cluster,
      provider: new k8s.Provider(cluster.name, { kubeconfig: kubeconfigs.apply((k) => k[cluster.name]) }),
    })),
    networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES }),
    tls: Tls.generated(),
  }, { dependsOn: [vpn, snat] });

  // The EKS add-on owns kube-system/coredns: the forwarding goes into its configurationValues, the
  // one place an add-on update keeps it.
  const coredns = new EksCorednsAddon('eks-us-west-2', {
    clusterName: config.require('eksClusterName'),
    configurationValues: cockroach.dnsChain!.eksAddonConfigurations['eks-us-west-2'],
  });

  return { vpn, cockroach, coredns };
}

const { vpn, cockroach } = deploy();

/** The four AWS tunnel outside IPs, in external-gateway interface order. */
export const tunnelOutsideIps = vpn.tunnelOutsideIps;
/** The BGP sessions: inside addresses of both sides and the ASNs. */
export const bgpSessions = vpn.bgpSessions;
/** What the Cloud Router advertises to AWS. */
export const advertisedRanges = vpn.advertisedRanges;
/** `host:port` entries every node joins: the pods' in-cluster names, resolved through the DNS chain. */
export const joinAddresses = cockroach.joinAddresses;
/** The CA certificate clients verify the nodes with. */
export const caCertPem = cockroach.caCertPem;
/** The multi-region SQL, applied by a Job in the init cluster after init. */
export const multiRegionSql = cockroach.multiRegionSql;
