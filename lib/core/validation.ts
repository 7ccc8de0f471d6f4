import { findCloudProblems } from './cloud/validation';
import { Engine, TopologyInput } from './input';
import { findLifecycleProblems } from './lifecycle-validation';
import { Problem, throwIfProblems } from './problems';
import { canonicalTopology } from './validation/canonical';
import { checkClusters } from './validation/clusters';
import { checkCockroachOptions } from './validation/cockroach-options';
import { CheckContext, TopologyChecker } from './validation/context';
import { checkDnsDomains } from './validation/dns-domains';
import { isDnsLabel } from './validation/kubernetes-values';
import { checkNetworking } from './validation/networking';
import { ResolvedAddressInput, readSnapshot } from './validation/snapshot';
import { checkTls } from './validation/tls';

export { isDnsLabel, isDnsName } from './validation/kubernetes-values';

/**
 * The checks every topology goes through, in the order their problems are listed. A new concern
 * (a cloud profile, a day-2 option) adds its checker here; each reads the snapshot and reports.
 */
const CHECKERS: readonly TopologyChecker[] = [
  checkClusters,
  checkDnsDomains,
  checkCockroachOptions,
  checkNetworking,
  checkTls,
  // Day 2: upgrades, scale-down, region removal and the production options.
  propsChecker(findLifecycleProblems),
  // What each cloud's load-balancer and DNS controllers accept (lib/core/cloud).
  (context) => {
    const input = { ...context.snapshot.props, clusters: context.snapshot.clusters.filter((c) => c !== undefined) } as unknown as TopologyInput;
    for (const problem of findCloudProblems(input, context.engine)) context.report(problem.path, problem.message);
  },
];

/**
 * Adapts a check written against the props (`(input) => Problem[]`, like the day-2 checks) to a
 * checker: it receives a plain copy of the props (fields read once, clusters that are objects),
 * never the user's objects, so it cannot be fooled by a getter or crash on a proxy.
 * @internal
 */
export function propsChecker(check: (input: TopologyInput) => readonly Problem[]): TopologyChecker {
  return (context) => {
    const input = { ...context.snapshot.props, clusters: context.snapshot.clusters.filter((c) => c !== undefined) } as unknown as TopologyInput;
    for (const problem of check(input)) context.report(problem.path, problem.message);
  };
}

/**
 * The outcome of reading a topology: its problems, and the canonical topology when there are none.
 * @internal
 */
export interface ReadTopology {
  /** Every problem found; empty when the topology is valid. */
  readonly problems: readonly Problem[];
  /** The canonical topology (plain copies, canonical values); present only when there is no problem. */
  readonly topology?: TopologyInput;
}

/**
 * Reads, checks and canonicalises the input. Never throws, whatever the input: values are read
 * once into plain data, checked by every checker, and only a topology without problems is
 * turned into the canonical `TopologyInput` the plan is derived from.
 * @param resolved addresses an engine learned at deploy time; checked like the given ones
 * @internal
 */
export function readTopology(input: unknown, engine?: Engine, resolved?: ResolvedAddressInput): ReadTopology {
  const problems: Problem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const snapshot = readSnapshot(input, report, resolved);
  if (!snapshot) return { problems };
  const clusterIndex = new Map<string, number>();
  snapshot.clusters.forEach((cluster, i) => {
    if (cluster && isDnsLabel(cluster.name) && !clusterIndex.has(cluster.name)) clusterIndex.set(cluster.name, i);
  });
  const context: CheckContext = { snapshot, engine, report, clusterIndex };
  for (const checker of CHECKERS) {
    try {
      checker(context);
    } catch {
      // Only reachable through a value that throws when inspected (a hostile proxy); never through plain data.
      report('(props)', 'could not be checked: a value threw when it was inspected; pass plain data');
    }
  }
  if (problems.length > 0) return { problems };
  return { problems, topology: canonicalTopology(snapshot) };
}

/**
 * Checks the whole input and returns every problem found (empty when valid). Never throws,
 * whatever the input: it is the gate in front of every construct.
 */
export function findTopologyProblems(input: TopologyInput, engine?: Engine): Problem[] {
  return [...readTopology(input, engine).problems];
}

/** Throws a `TopologyError` listing every problem of the input. */
export function validateTopology(input: TopologyInput, engine?: Engine): void {
  throwIfProblems(findTopologyProblems(input, engine));
}
