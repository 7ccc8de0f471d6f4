// CockroachDB across three existing GKE clusters in three regions of one VPC.
// Every pod gets its own internal load balancer (GKE internal with global access), the addresses
// flow into the join list and the node certificates, and Pulumi generates the CA and certificates.
//
//   pulumi config set --secret --path 'kubeconfigs.us-east1' "$(cat us-east1.kubeconfig)"
//   pulumi config set --secret --path 'kubeconfigs.us-west1' "$(cat us-west1.kubeconfig)"
//   pulumi config set --secret --path 'kubeconfigs.europe-west1' "$(cat europe-west1.kubeconfig)"
//   pulumi up
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { MultiRegionCockroach, Networking, Tls } from 'crosscluster/pulumi';

/** The three regions, one existing cluster each. */
export const REGIONS = ['us-east1', 'us-west1', 'europe-west1'] as const;

/**
 * Each cluster's subnet and pod range in the shared VPC: the load balancers and the database
 * NetworkPolicy admit exactly these.
 */
export const NETWORKS: Record<(typeof REGIONS)[number], { nodeCidrs: string[]; podCidrs: string[] }> = {
  'us-east1': { nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'] },
  'us-west1': { nodeCidrs: ['10.20.0.0/20'], podCidrs: ['10.24.0.0/14'] },
  'europe-west1': { nodeCidrs: ['10.30.0.0/20'], podCidrs: ['10.32.0.0/14'] },
};

/** Builds the deployment from the stack configuration. */
export function deploy(): MultiRegionCockroach {
  const config = new pulumi.Config();
  const kubeconfigs = config.requireSecretObject<Record<string, string>>('kubeconfigs');
  const nodes = config.getNumber('nodesPerRegion') ?? 3;
  return new MultiRegionCockroach('cockroachdb', {
    clusters: REGIONS.map((region) => ({
      name: region,
      cloud: 'gcp' as const,
      region,
      nodes,
      ...NETWORKS[region],
      gke: { version: config.get('gkeVersion') ?? '1.35.1-gke.1396000' },
      provider: new k8s.Provider(region, { kubeconfig: kubeconfigs.apply((k) => k[region]) }),
    })),
    // Internal load balancers with global access, admitting the three clusters' ranges only.
    networking: Networking.perPodLoadBalancers(),
    // `pulumi config set tls cert-manager` where cert-manager runs in every cluster with the shared CA
    // Secret (docs/cdk8s.md shows how); otherwise Pulumi generates the CA and certificates.
    tls: config.get('tls') === 'cert-manager'
      ? Tls.certManager()
      : Tls.generated({ algorithm: 'ECDSA', validityHours: 8760, earlyRenewalHours: 720 }),
    survivalGoal: 'region',
  });
}

const cockroach = deploy();

/** `host:port` entries every node joins. */
export const joinAddresses = cockroach.joinAddresses;
/** Per region, per pod: the address each node advertises (its load balancer's IP). */
export const advertiseAddresses = cockroach.advertiseAddresses;
/** The CA certificate clients verify the nodes with. */
export const caCertPem = cockroach.caCertPem;
/** Per region: namespace, StatefulSet, public Service and certificate Secrets. */
export const clusters = cockroach.clusters;
/** The multi-region SQL, applied by a Job in the init cluster after init. */
export const multiRegionSql = cockroach.multiRegionSql;
