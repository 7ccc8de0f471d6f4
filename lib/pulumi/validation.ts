import { findProviderProblems, PulumiClusterSpec } from './cluster-spec';
import { Engine, TopologyInput } from '../core/input';
import { Problem, throwIfProblems } from '../core/problems';
import { findTopologyProblems } from '../core/validation';

export { requireArgs } from './require-args';

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
