// A Pulumi program for the real-control-plane tier, configured like a user's stack:
//   kubeconfigs   (secret object) per cluster name, the kubeconfig of that cluster
//   clusters      (object) per cluster name: { cloud, region, nodes, zones?, podCidrs?, nodeCidrs?, serviceCidrs? }
//   networking    'perPodLoadBalancers' | 'dnsChain'
//   dnsAddresses  (object, dnsChain) per cluster name, the DNS load balancer's IP
//   version       the CockroachDB version
//   upgrade       (object) an upgrade in progress: { from, finalize? }
//   loadBalancerTimeout  how long `up` waits for each load balancer's address
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ClusterSpec, MultiRegionCockroach, Networking, Tls } from 'crosscluster/pulumi';

export default function program(): Record<string, unknown> {
  const config = new pulumi.Config();
  const kubeconfigs = config.requireSecretObject<Record<string, string>>('kubeconfigs');
  const clusters = config.requireObject<Record<string, Omit<ClusterSpec, 'name'>>>('clusters');
  const networking = config.require('networking') === 'dnsChain'
    ? Networking.dnsChain({ dnsAddresses: config.getObject<Record<string, string>>('dnsAddresses') })
    : Networking.perPodLoadBalancers({ internal: true });
  const db = new MultiRegionCockroach('cockroachdb', {
    clusters: Object.entries(clusters).map(([name, spec]) => ({
      ...spec,
      name,
      provider: new k8s.Provider(name, { kubeconfig: kubeconfigs.apply((k) => k[name]) }),
    })),
    networking,
    tls: Tls.insecure(),
    version: config.get('version'),
    upgrade: config.getObject<{ from: string; finalize?: boolean }>('upgrade'),
    initTimeout: '5m',
    loadBalancerTimeout: config.get('loadBalancerTimeout'),
  });
  return {
    joinAddresses: db.joinAddresses,
    advertiseAddresses: db.advertiseAddresses,
    clusters: db.clusters,
    multiRegionSql: db.multiRegionSql,
  };
}
