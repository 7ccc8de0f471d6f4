// The generative harness: hostile values in every field of the props, each run either rejected
// with a TopologyError whose problems name fields, or accepted with output that keeps every
// invariant. HOSTILE_RUNS=20000 runs a larger search; HOSTILE_REPORT=1 prints the outcome counts.
import * as fc from 'fast-check';
import { hostileCase, materialize, SECRET_MARKER } from '../support/hostile-arbitraries';
import { invariantViolations } from '../support/hostile-invariants';
import { findTopologyProblems, planDeployment, renderDeployment, TopologyError, TopologyInput } from 'crosscluster';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);

interface Outcome { rejected: number; accepted: number; crashed: number }

test(`hostile input (${RUNS} runs): a TopologyError naming fields, or valid and safe objects; never anything else`, () => {
  const outcomes = new Map<string, Outcome>();
  const total: Outcome = { rejected: 0, accepted: 0, crashed: 0 };
  const count = (categories: readonly string[], kind: keyof Outcome) => {
    total[kind]++;
    for (const category of new Set(categories)) {
      const o = outcomes.get(category) ?? { rejected: 0, accepted: 0, crashed: 0 };
      o[kind]++;
      outcomes.set(category, o);
    }
  };
  fc.assert(
    fc.property(hostileCase, ({ input: recipe, categories }) => {
      const input = materialize(recipe);
      // The gate never throws, and agrees with planDeployment.
      let problems: readonly { path: string; message: string }[];
      try {
        problems = findTopologyProblems(input as TopologyInput, 'cdk8s');
      } catch (error) {
        count(categories, 'crashed');
        throw new Error(`findTopologyProblems threw ${String(error)}`);
      }
      let plan;
      try {
        plan = planDeployment(input as TopologyInput, { engine: 'cdk8s' });
      } catch (error) {
        if (!(error instanceof TopologyError)) {
          count(categories, 'crashed');
          throw error;
        }
        count(categories, 'rejected');
        expect(error.problems.length).toBeGreaterThan(0);
        expect(error.problems).toEqual(problems);
        for (const p of error.problems) {
          expect(p.path).toMatch(/^(\(props\)|clusters|networking|tls|name|image|version|storageSize|storageClass|cpu|memory|extraStartFlags|initCluster|survivalGoal|database|primaryRegion|terminationGracePeriodSeconds|localityImage)/);
          expect(p.message.length).toBeGreaterThan(0);
          // The last-resort net of readTopology must never be what catches a value: every reader names its field.
          expect(p.message).not.toMatch(/could not be checked/);
        }
        // No key, whatever the shape it came in.
        expect(error.message).not.toContain(SECRET_MARKER);
        expect(error.message).not.toMatch(/PRIVATE KEY/);
        return;
      }
      expect(problems).toEqual([]);
      count(categories, 'accepted');
      const violations = invariantViolations(plan, renderDeployment(plan));
      expect(violations).toEqual([]);
    }),
    { numRuns: RUNS, seed: Number(process.env.HOSTILE_SEED ?? 20261129) },
  );
  if (process.env.HOSTILE_REPORT) {
    const row = (c: string, o: Outcome) => `${c.padEnd(40)} ${String(o.rejected).padStart(8)} ${String(o.accepted).padStart(8)} ${String(o.crashed).padStart(7)}`;
    const rows = [...outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([c, o]) => row(c, o));
    rows.push(row('(runs; a run with several hostile fields counts once per field above)', total));
    // eslint-disable-next-line no-console
    console.log([`${'category'.padEnd(40)} rejected accepted crashed`, ...rows].join('\n'));
  }
  expect(total.crashed).toBe(0);
  // Both outcomes must occur, or the generator tests nothing.
  expect(total.accepted).toBeGreaterThan(RUNS / 40);
  expect(total.rejected).toBeGreaterThan(RUNS / 4);
});
