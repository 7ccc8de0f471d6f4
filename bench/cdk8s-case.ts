// Child process: one cdk8s synthesis case (one variant, one strategy, one size), repeated.
//   construct: new MultiRegionCockroach(app, ...) + app.synthYaml()
//   bare:      the same objects (rendered once, outside the timing) as bare ApiObjects in the same Charts + app.synthYaml()
//   yaml:      the same objects serialized with the yaml package cdk8s bundles, with cdk8s's options (the floor)
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { childArgs, maxRssMiB, report, rssMiB, sample } from './support/measure';
import { benchClusters, cdk8sProps, Size, Strategy } from './support/topology';
import { MultiRegionCockroach } from '../lib/cdk8s/multi-region-cockroach';
import { DeploymentPlan, planDeployment } from '../lib/core/plan';
import { KubeObject } from '../lib/manifests/kube-object';
import { ClusterManifests, renderDeployment } from '../lib/manifests/render';

export type Cdk8sVariant = 'construct' | 'bare' | 'yaml';

export interface Cdk8sCaseArgs extends Size {
  /**
   * Measured in alternation, sample by sample, so load from other processes hits every variant
   * alike. Peak memory is only meaningful with one variant per process.
   */
  readonly variants: readonly Cdk8sVariant[];
  readonly strategy: Strategy;
  readonly warmup: number;
  readonly samples: number;
}

export interface Cdk8sCaseResult {
  readonly args: Cdk8sCaseArgs;
  /** Per variant, per sample: total, ms. */
  readonly total: Partial<Record<Cdk8sVariant, number[]>>;
  /** construct: the constructor per sample, ms (plan + render + placement); the rest is synthYaml. */
  readonly construct?: number[];
  /** construct: planDeployment alone, ms. */
  readonly plan?: number[];
  /** construct: renderDeployment alone, ms. */
  readonly render?: number[];
  /** Objects emitted. */
  readonly objects: number;
  /** YAML bytes emitted by the construct. */
  readonly yamlBytes: number;
  /** Per variant other than construct: its YAML is byte-identical to the construct's. */
  readonly identical: Partial<Record<Cdk8sVariant, boolean>>;
  /** RSS after imports and the one-off rendering, MiB. */
  readonly baseRssMiB: number;
  /** Peak RSS of the process before the identity check, MiB. */
  readonly maxRssMiB: number;
}

// The yaml package cdk8s bundles, and the options cdk8s's Yaml.stringify passes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CDK8S_YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] })) as typeof import('yaml');
const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

const CHART_PROPS = { disableResourceNameHashes: true } as const;

function objectId(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind}.${namespace}.${name}` : `${object.kind}.${name}`;
}

/** The construct's layout with bare cdk8s: a Chart per cluster, then a `-dns` Chart per cluster with DNS objects. */
export function bareApp(manifests: readonly ClusterManifests[]): App {
  const app = new App();
  for (const m of manifests) {
    const chart = new Chart(app, m.cluster, CHART_PROPS);
    for (const o of [...m.database, ...m.certificates, ...m.loadBalancers, ...m.dnsServer]) new ApiObject(chart, objectId(o), o);
  }
  for (const m of manifests) {
    if (m.dns.length === 0) continue;
    const chart = new Chart(app, `${m.cluster}-dns`, CHART_PROPS);
    for (const o of m.dns) new ApiObject(chart, objectId(o), o);
  }
  return app;
}

export function constructApp(strategy: Strategy, size: Size): App {
  const app = new App();
  new MultiRegionCockroach(app, 'cockroachdb', cdk8sProps(strategy, benchClusters(size)));
  return app;
}

/**
 * The floor's input: exactly the documents cdk8s serializes (each Chart's resolved `toJson()`,
 * keys sorted, no shared sub-objects), produced once outside the timing.
 */
function floorDocs(app: App): unknown[] {
  return app.charts.flatMap((chart) => Object.values(chart.toJson()) as unknown[]);
}

function floorYaml(docs: readonly unknown[]): string {
  return docs.map((d) => CDK8S_YAML.stringify(d, YAML_OPTIONS)).join('---\n');
}

function main(): void {
  const args = childArgs<Cdk8sCaseArgs>();
  const props = cdk8sProps(args.strategy, benchClusters(args));
  const manifests = renderDeployment(planDeployment(props, { engine: 'cdk8s' }));
  const docs = floorDocs(bareApp(manifests));
  const objects = docs.length;
  const baseRssMiB = rssMiB();
  const yaml: Partial<Record<Cdk8sVariant, string>> = {};
  const construct: number[] = [];
  const run: Record<Cdk8sVariant, () => void> = {
    construct: () => {
      const app = new App();
      const t0 = performance.now();
      new MultiRegionCockroach(app, 'cockroachdb', props);
      construct.push(performance.now() - t0);
      yaml.construct = app.synthYaml();
    },
    bare: () => {
      yaml.bare = bareApp(manifests).synthYaml();
    },
    yaml: () => {
      yaml.yaml = floorYaml(docs);
    },
  };
  const total: Partial<Record<Cdk8sVariant, number[]>> = {};
  for (let i = 0; i < args.warmup + args.samples; i++) {
    for (const variant of args.variants) {
      const t0 = performance.now();
      run[variant]();
      if (i >= args.warmup) (total[variant] ??= []).push(performance.now() - t0);
    }
  }
  const peak = maxRssMiB(); // before the checks below
  let plan: DeploymentPlan | undefined;
  const timesOnly = args.variants.includes('construct');
  const planTimes = timesOnly ? sample(args.warmup, args.samples, () => {
    plan = planDeployment(props, { engine: 'cdk8s' });
  }) : undefined;
  const renderTimes = timesOnly ? sample(args.warmup, args.samples, () => {
    renderDeployment(plan!);
  }) : undefined;
  const reference = yaml.construct ?? constructApp(args.strategy, args).synthYaml();
  const identical: Partial<Record<Cdk8sVariant, boolean>> = {};
  for (const variant of args.variants) if (variant !== 'construct') identical[variant] = yaml[variant] === reference;
  const result: Cdk8sCaseResult = {
    args,
    total,
    construct: timesOnly ? construct.slice(args.warmup) : undefined,
    plan: planTimes,
    render: renderTimes,
    objects,
    yamlBytes: reference.length,
    identical,
    baseRssMiB,
    maxRssMiB: peak,
  };
  report(result);
}

if (require.main === module) main();
