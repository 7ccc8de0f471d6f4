// The deployments the e2e suites run against: the test topologies and the examples, rendered by
// the pure renderers AND synthesized by the real cdk8s flavour into YAML files (the objects a
// GitOps user applies). The suites take their inputs from the synthesized YAML.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { removeDir, tempDir } from './processes';
import { topology as clusterSetTopology } from '../../../examples/cluster-set/main';
import { topology as gitopsTopology } from '../../../examples/gitops/main';
import { topology as ownCorednsTopology } from '../../../examples/own-coredns/main';
import { topology as perPodExampleTopology } from '../../../examples/per-pod-lb/main';
import { dnsChainTopology, perPodTopology, THREE_CLUSTERS } from '../../support/topologies';
import { allObjects, ClusterSpec, DeploymentPlan, KubeObject, Networking, planDeployment, renderDeployment, Tls, TopologyInput } from 'crosscluster';
import { MultiRegionCockroach } from 'crosscluster/cdk8s';

/** A named topology the suites run. */
export interface E2eCase {
  readonly name: string;
  readonly input: TopologyInput;
}

/** One deployment: the plan, and per cluster the objects as synthesized by cdk8s. */
export interface Deployment {
  readonly name: string;
  readonly plan: DeploymentPlan;
  /** Per cluster name: every object of the cluster's YAML files (database and DNS files). */
  readonly objects: Readonly<Record<string, readonly KubeObject[]>>;
  /** Per cluster name: the renderers' objects, in apply order. */
  readonly rendered: Readonly<Record<string, readonly KubeObject[]>>;
  /** The YAML files cdk8s wrote, by file name. */
  readonly files: Readonly<Record<string, string>>;
}

/** Five generic nodes under a custom cluster domain next to a CoreDNS and a kube-dns cluster. */
const MIXED_CLUSTERS: ClusterSpec[] = [
  { name: 'onprem-east', cloud: 'generic', region: 'east', nodes: 5, clusterDomain: 'east.example', dns: 'coredns', generic: { privateLoadBalancers: true }, podCidrs: ['10.60.0.0/16'], nodeCidrs: ['10.61.0.0/16'] },
  { name: 'aks-westeurope', cloud: 'azure', region: 'westeurope', nodes: 3, namespace: 'crdb', podCidrs: ['10.62.0.0/16'], nodeCidrs: ['10.63.0.0/16'] },
  { name: 'gke-asia', cloud: 'gcp', region: 'asia-east1', nodes: 1, podCidrs: ['10.64.0.0/16'], nodeCidrs: ['10.65.0.0/16'] },
];

/** TLS: every strategy, IPs (v4 and v6) and DNS names, the examples. */
export const TLS_CASES: readonly E2eCase[] = [
  { name: 'three clusters, DNS chain', input: dnsChainTopology() },
  { name: 'three clusters, per-pod load balancers (IPs and DNS names)', input: perPodTopology() },
  { name: 'example gitops (DNS chain)', input: { tls: Tls.certManager(), ...gitopsTopology } as TopologyInput },
  { name: 'example per-pod-lb', input: { tls: Tls.certManager(), ...perPodExampleTopology } as TopologyInput },
  {
    name: 'mixed clouds, custom domain, DNS chain',
    input: dnsChainTopology(MIXED_CLUSTERS, { tls: Tls.certManager({ caSecretName: 'shared-ca', issuerName: 'shared-issuer' }) }),
  },
  {
    name: 'mixed clouds, per-pod load balancers with IPv6 and names',
    input: {
      clusters: MIXED_CLUSTERS,
      networking: Networking.perPodLoadBalancers({
        addresses: {
          'onprem-east': ['fd00:60::10', 'fd00:60::11', 'fd00:60::12', 'fd00:60::13', 'fd00:60::14'],
          'aks-westeurope': ['10.63.15.10', '10.63.15.11', '10.63.15.12'],
          'gke-asia': ['crdb-0.asia.db.example.org'],
        },
      }),
      tls: Tls.certManager(),
    },
  },
  // The MCS cluster set: every pod's cluster-set name under its own cluster's one-label wildcard.
  { name: 'example cluster-set (MCS names, Submariner ids)', input: clusterSetTopology as TopologyInput },
  // The DNS chain through a CoreDNS of the library's own (its objects scanned with the rest).
  { name: 'example own-coredns (own CoreDNS, GKE Cloud DNS)', input: ownCorednsTopology as TopologyInput },
];

/** DNS chain topologies: mixed kube-dns/CoreDNS, all kube-dns, all CoreDNS, custom domains. */
export const DNS_CASES: readonly E2eCase[] = [
  { name: 'three clusters (2 kube-dns + 1 CoreDNS)', input: dnsChainTopology() },
  { name: 'example gitops (2 kube-dns + 1 CoreDNS)', input: { tls: Tls.certManager(), ...gitopsTopology } as TopologyInput },
  { name: 'all kube-dns', input: dnsChainTopology(THREE_CLUSTERS.map((c) => ({ ...c, dns: 'kube-dns' as const }))) },
  { name: 'all CoreDNS', input: dnsChainTopology(THREE_CLUSTERS.map((c) => ({ ...c, dns: 'coredns' as const }))) },
  { name: 'custom domain and namespace (CoreDNS, kube-dns, kube-dns)', input: dnsChainTopology(MIXED_CLUSTERS) },
];

/** Synthesizes a topology with the cdk8s flavour into a temporary directory and parses the YAML. */
export function synthesize(kase: E2eCase): Deployment {
  const plan = planDeployment(kase.input, { engine: 'cdk8s' });
  const rendered = Object.fromEntries(renderDeployment(plan).map((m) => [m.cluster, allObjects(m)]));
  const outdir = tempDir('synth');
  try {
    const app = new App({ outdir });
    new MultiRegionCockroach(app, 'cockroachdb', kase.input);
    app.synth();
    const files: Record<string, string> = {};
    const objects: Record<string, KubeObject[]> = Object.fromEntries(plan.clusters.map((c) => [c.name, []]));
    for (const file of fs.readdirSync(outdir).sort()) {
      const text = fs.readFileSync(path.join(outdir, file), 'utf8');
      files[file] = text;
      const cluster = plan.clusters.find((c) => file === `${c.name}.k8s.yaml` || file === `${c.name}-dns.k8s.yaml`);
      if (!cluster) throw new Error(`${kase.name}: cdk8s wrote ${file}, which belongs to no cluster`);
      objects[cluster.name].push(...parseYaml(text, file));
    }
    return { name: kase.name, plan, objects, rendered, files };
  } finally {
    removeDir(outdir);
  }
}

/** Parses a multi-document YAML file; throws on any YAML error. */
export function parseYaml(text: string, file: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as KubeObject | null;
    return value ? [value] : [];
  });
}

/** The objects of a kind (and optionally name) in a list. */
export function ofKind(objects: readonly KubeObject[], kind: string, name?: string): any[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name)) as any[];
}

/** Exactly one object of a kind and name; throws naming what is missing. */
export function single(objects: readonly KubeObject[], kind: string, name: string): any {
  const found = ofKind(objects, kind, name);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** Strips the dial port from `host:port` / `[v6]:port`. */
export function hostOf(address: string): string {
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(address);
  if (bracketed) return bracketed[1];
  const m = /^([^:]+):\d+$/.exec(address);
  return m ? m[1] : address;
}
