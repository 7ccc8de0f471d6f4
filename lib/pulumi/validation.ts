import { findProviderProblems, PulumiClusterSpec } from './cluster-spec';
import { Engine, TopologyInput } from '../core/input';
import { Problem, throwIfProblems } from '../core/problems';
import { findTopologyProblems } from '../core/validation';

/**
 * Checks a topology and its clusters' providers and throws one `TopologyError` listing every
 * problem. Components call it before registering anything, themselves included.
 */
export function validatePulumiTopology(
  input: TopologyInput,
  clusters: readonly PulumiClusterSpec[] | undefined,
  engine: Engine | undefined = 'pulumi',
  extra: readonly Problem[] = [],
): void {
  throwIfProblems([...findTopologyProblems(input, engine), ...findProviderProblems(clusters), ...extra]);
}
