// Kept apart from ./validation (which loads @pulumi/kubernetes through ./cluster-spec): the cloud
// networking components use it, and crosscluster/pulumi/gcp and /aws load no Kubernetes SDK.
import { show, throwIfProblems } from '../core/problems';
import { isList } from '../core/validation/read';

/**
 * Throws a `TopologyError` when a component's arguments are not an object at all, before the
 * component reads any field of them.
 */
export function requireArgs(args: unknown, component: string): void {
  if (args === null || typeof args !== 'object' || isList(args)) {
    throwIfProblems([{ path: '(args)', message: `the arguments of ${component} must be an object, got ${show(args)}` }]);
  }
}
