// A Pulumi program for the real-control-plane tier, configured like a user's stack:
//   kubeconfigs   (secret object) per cluster name, the kubeconfig of that cluster
//   clusters      (object) per cluster name: { cloud, region, nodes, zones?, podCidrs?, nodeCidrs?, serviceCidrs? }
//   networking    'perPodLoadBalancers' | 'dnsChain' | 'ownCoredns' (the DNS chain with its own CoreDNS) | 'clusterSet'
//   dnsAddresses  (object, dnsChain and ownCoredns) per cluster name, the DNS load balancer's IP(s)
//   clusterIds    (object, clusterSet) per cluster name, its id in the cluster set
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
  const kind = config.require('networking');
  const networking = kind === 'dnsChain' || kind === 'ownCoredns'
    ? Networking.dnsChain({
      dnsAddresses: config.getObject<Record<string, string | string[]>>('dnsAddresses'),
      ...(kind === 'ownCoredns' ? { ownCoredns: {} } : {}),
    })
    : kind === 'clusterSet'
      ? Networking.clusterSet({ clusterIds: config.getObject<Record<string, string>>('clusterIds') })
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
