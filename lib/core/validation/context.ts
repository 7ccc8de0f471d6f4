import { Report } from './read';
import { TopologySnapshot } from './snapshot';
import { Engine } from '../input';

/** What every checker of the topology gets: the input read once, the engine and where to report. */
export interface CheckContext {
  /** The props, read once into plain data. */
  readonly snapshot: TopologySnapshot;
  /** The engine that will deploy the plan, when known. */
  readonly engine?: Engine;
  /** Reports one problem at a field path. */
  readonly report: Report;
  /** The clusters whose name is a valid DNS label not used by an earlier cluster: name → index. */
  readonly clusterIndex: ReadonlyMap<string, number>;
}

/**
 * One check of the topology. Checkers only read the snapshot and report; they never throw.
 * `findTopologyProblems` runs the list in `validation.ts`; a new concern adds one checker there.
 */
export type TopologyChecker = (context: CheckContext) => void;

/** `'a', 'b'` for a message. */
export function quotedList(names: Iterable<string>): string {
  return [...names].map((n) => `'${n}'`).join(', ');
}
