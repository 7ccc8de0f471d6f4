// Child process: one Pulumi program under mocks (one variant, one strategy, one size), repeated.
//   component: new MultiRegionCockroach(...) with a k8s.Provider per cluster
//   baseline:  the same Kubernetes resources registered directly as typed @pulumi/kubernetes
//              resources from the objects lib/manifests renders (rendered once, outside the timing)
// Each sample installs fresh mocks, runs the program and waits until every registration and every
// output has settled (pulumi.runtime.disconnect). Mocks are global state, hence one child per case.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { childArgs, maxRssMiB, report, rssMiB } from './support/measure';
import { benchClusters, benchNetworking, Size, Strategy, strategyClusters } from './support/topology';
import { planDeployment } from '../lib/core/plan';
import { Tls } from '../lib/core/tls';
import { ClusterSpec } from '../lib/core/topology';
import { DNS_NAMESPACE } from '../lib/manifests/dns';
import { KubeObject } from '../lib/manifests/kube-object';
import { ClusterManifests, renderDeployment } from '../lib/manifests/render';
import { MultiRegionCockroach } from '../lib/pulumi/multi-region-cockroach';

export type PulumiVariant = 'component' | 'baseline';

export interface PulumiCaseArgs extends Size {
  /** Measured in alternation, sample by sample, each sample with fresh mocks. */
  readonly variants: readonly PulumiVariant[];
  readonly strategy: Strategy;
  /** `insecure` compares like for like; `generated` adds the component's @pulumi/tls resources and Secrets. */
  readonly tls: 'insecure' | 'generated';
  readonly warmup: number;
  readonly samples: number;
}

/** What the mocked engine saw in one program run. */
export interface Registered {
  /** Kubernetes objects created or patched (typed resources, ConfigMapPatch). */
  readonly kubernetes: number;
  /** Reads (`.get`). */
  readonly reads: number;
  /** Providers. */
  readonly providers: number;
  /** Component resources. */
  readonly components: number;
  /** Everything else (@pulumi/tls). */
  readonly other: number;
  readonly total: number;
}

export interface PulumiCaseResult {
  readonly args: PulumiCaseArgs;
  /** Per variant, per sample: program + settle, ms. */
  readonly total: Partial<Record<PulumiVariant, number[]>>;
  /** Per variant: what the engine saw in one run. */
  readonly registered: Partial<Record<PulumiVariant, Registered>>;
  readonly baseRssMiB: number;
  readonly maxRssMiB: number;
}

function count(records: ReadonlyArray<{ type: string; id?: string; custom: boolean }>): Registered {
  let kubernetes = 0, reads = 0, providerCount = 0, components = 0, other = 0;
  for (const r of records) {
    if (r.id) reads++;
    else if (r.type.startsWith('pulumi:providers:')) providerCount++;
    else if (!r.custom) components++;
    else if (r.type.startsWith('kubernetes:')) kubernetes++;
    else other++;
  }
  return { kubernetes, reads, providers: providerCount, components, other, total: records.length };
}

const EXISTING_COREFILE = '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n}\n';

async function withMocks(program: () => void): Promise<Registered> {
  const records: Array<{ type: string; id?: string; custom: boolean }> = [];
  await pulumi.runtime.setMocks({
    newResource(args) {
      records.push({ type: args.type, id: args.id, custom: args.custom ?? true });
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.id && args.type === 'kubernetes:core/v1:ConfigMap') state.data = { Corefile: EXISTING_COREFILE };
      return { id: args.id ?? `${args.name}-id`, state };
    },
    call(args) {
      return args.inputs;
    },
  }, 'bench', 'bench', false);
  program();
  await pulumi.runtime.disconnect();
  return count(records);
}

function providers(run: number, clusters: readonly ClusterSpec[]): k8s.Provider[] {
  return clusters.map((c) => new k8s.Provider(`r${run}-${c.name}`, { kubeconfig: '{}' }));
}

function componentProgram(args: PulumiCaseArgs, clusters: readonly ClusterSpec[], run: number): void {
  const ps = providers(run, clusters);
  new MultiRegionCockroach(`r${run}-db`, {
    clusters: clusters.map((c, i) => ({ ...c, provider: ps[i] })),
    networking: benchNetworking(args.strategy, clusters),
    tls: args.tls === 'insecure' ? Tls.insecure() : Tls.generated(),
  });
}

type Factory = (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const FACTORIES: Readonly<Record<string, Factory>> = {
  'v1/Namespace': (n, a, o) => new k8s.core.v1.Namespace(n, a, o),
  'v1/ServiceAccount': (n, a, o) => new k8s.core.v1.ServiceAccount(n, a, o),
  'v1/Service': (n, a, o) => new k8s.core.v1.Service(n, a, o),
  'v1/ConfigMap': (n, a, o) => new k8s.core.v1.ConfigMap(n, a, o),
  'rbac.authorization.k8s.io/v1/ClusterRole': (n, a, o) => new k8s.rbac.v1.ClusterRole(n, a, o),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (n, a, o) => new k8s.rbac.v1.ClusterRoleBinding(n, a, o),
  'apps/v1/StatefulSet': (n, a, o) => new k8s.apps.v1.StatefulSet(n, a, o),
  'policy/v1/PodDisruptionBudget': (n, a, o) => new k8s.policy.v1.PodDisruptionBudget(n, a, o),
  'batch/v1/Job': (n, a, o) => new k8s.batch.v1.Job(n, a, o),
};

function register(name: string, object: KubeObject, provider: k8s.Provider): void {
  const { apiVersion: _a, kind: _k, ...args } = object;
  FACTORIES[`${object.apiVersion}/${object.kind}`](name, args, { provider });
}

/**
 * The same Kubernetes resources as the component, registered directly: every rendered object as
 * its typed resource; the DNS ConfigMap as a ConfigMapPatch, after reading the live one on CoreDNS
 * clusters (what the component registers for it).
 */
function baselineProgram(manifests: readonly ClusterManifests[], clusters: readonly ClusterSpec[], run: number): void {
  const ps = providers(run, clusters);
  manifests.forEach((m, i) => {
    const provider = ps[i];
    for (const o of [...m.database, ...m.loadBalancers]) register(`r${run}-${m.cluster}-${o.kind}-${o.metadata.name}`, o, provider);
    for (const o of m.dns) {
      const name = `r${run}-${m.cluster}-dns-${o.kind}-${o.metadata.name}`;
      if (o.kind !== 'ConfigMap') {
        register(name, o, provider);
        continue;
      }
      if (o.metadata.name === 'coredns') {
        k8s.core.v1.ConfigMap.get(`${name}-current`, `${DNS_NAMESPACE}/coredns`, { provider });
      }
      new k8s.core.v1.ConfigMapPatch(name, { metadata: o.metadata, data: o.data as Record<string, string> }, { provider });
    }
  });
}

async function main(): Promise<void> {
  const args = childArgs<PulumiCaseArgs>();
  const clusters = strategyClusters(args.strategy, benchClusters(args));
  const manifests = renderDeployment(planDeployment(
    { clusters, networking: benchNetworking(args.strategy, clusters), tls: Tls.insecure() },
    { engine: 'pulumi' },
  ));
  // Pulumi captures a stack trace per resource; with tsx's source maps on, mapping each one costs
  // more than registering the resource. Off, the figures are closer to a compiled program.
  process.setSourceMapsEnabled(false);
  const baseRssMiB = rssMiB();
  const total: Partial<Record<PulumiVariant, number[]>> = {};
  const registered: Partial<Record<PulumiVariant, Registered>> = {};
  for (let run = 0; run < args.warmup + args.samples; run++) {
    for (const variant of args.variants) {
      const t0 = performance.now();
      registered[variant] = await withMocks(() => (variant === 'component'
        ? componentProgram(args, clusters, run)
        : baselineProgram(manifests, clusters, run)));
      if (run >= args.warmup) (total[variant] ??= []).push(performance.now() - t0);
    }
  }
  const result: PulumiCaseResult = { args, total, registered, baseRssMiB, maxRssMiB: maxRssMiB() };
  report(result);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
