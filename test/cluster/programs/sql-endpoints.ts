// A Pulumi program for the real-control-plane tier: the database with client endpoints, configured
// like a user's stack:
//   kubeconfigs   (secret object) per cluster name, the kubeconfig of that cluster
//   clusters      (object) per cluster name: { cloud, region, nodes, zones?, podCidrs?, nodeCidrs?, serviceCidrs?, gke? }
//   zone          the Cloud DNS zone of the SQL names
//   loadBalancerTimeout  how long `up` waits for each load balancer's address
// The SQL load balancers ask for no address: the cloud's controller gives them one, and the program
// exports what flows from it (connection endpoints, record sets) next to the node certificates'
// names. The records themselves need the Google provider, which the tier does not run; their values
// are exported from the same component `CloudDnsSqlRecords` reads.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ClusterSpec, MultiRegionCockroach, Networking, SqlEndpoints, Tls } from 'crosscluster/pulumi';

export default function program(): Record<string, unknown> {
  const config = new pulumi.Config();
  const kubeconfigs = config.requireSecretObject<Record<string, string>>('kubeconfigs');
  const clusters = config.requireObject<Record<string, Omit<ClusterSpec, 'name'>>>('clusters');
  const db = new MultiRegionCockroach('cockroachdb', {
    clusters: Object.entries(clusters).map(([name, spec]) => ({
      ...spec,
      name,
      provider: new k8s.Provider(name, { kubeconfig: kubeconfigs.apply((k) => k[name]) }),
    })),
    networking: Networking.perPodLoadBalancers({ internal: true }),
    tls: Tls.certManager(),
    survivalGoal: 'region',
    sqlEndpoints: SqlEndpoints.cloudDns({
      zone: config.require('zone'),
      project: 'acme-prod',
      network: 'projects/acme-prod/global/networks/crdb',
      sslRootCert: '/etc/cockroach-ca/ca.crt',
    }),
    initTimeout: '5m',
    loadBalancerTimeout: config.get('loadBalancerTimeout'),
  });
  const endpoints = db.sqlEndpoints!;
  return {
    advertiseAddresses: db.advertiseAddresses,
    sqlAddresses: endpoints.addresses,
    regionalEndpoints: endpoints.regions,
    globalEndpoint: endpoints.global,
    records: endpoints.records,
  };
}
