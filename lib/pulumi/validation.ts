import { findProviderProblems, PulumiClusterSpec } from './cluster-spec';
import { Engine, TopologyInput } from '../core/input';
import { Problem, show, throwIfProblems } from '../core/problems';
import { findTopologyProblems } from '../core/validation';
import { isList } from '../core/validation/read';

/**
 * Checks a topology and its clusters' providers and throws one `TopologyError` listing every
 * problem. Components call it before registering anything, themselves included. `'none'` skips the
 * engine's checks of what the rendered load balancers and policies need (a caller that renders
 * none of them); `undefined` is the Pulumi engine, as JavaScript fills a default for it.
 */
export function validatePulumiTopology(
  input: TopologyInput,
  clusters: readonly PulumiClusterSpec[] | undefined,
  engine: Engine | 'none' = 'pulumi',
  extra: readonly Problem[] = [],
): void {
  throwIfProblems([...findTopologyProblems(input, engine === 'none' ? undefined : engine), ...findProviderProblems(clusters), ...extra]);
}

/**
 * Throws a `TopologyError` when a component's arguments are not an object at all, before the
 * component reads any field of them.
 */
export function requireArgs(args: unknown, component: string): void {
  if (args === null || typeof args !== 'object' || isList(args)) {
    throwIfProblems([{ path: '(args)', message: `the arguments of ${component} must be an object, got ${show(args)}` }]);
  }
}
