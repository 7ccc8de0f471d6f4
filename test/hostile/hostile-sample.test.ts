// The sample the real-control-plane tier applies: deterministic, non-trivial, and every object valid.
import { hostileSample } from '../support/hostile-sample';
import { validateKubeObjects } from '../support/kube-schema';

test('hostileSample is deterministic and gives valid objects for every cluster', () => {
  const first = hostileSample(8, 13);
  expect(first).toHaveLength(8);
  expect(JSON.stringify(hostileSample(8, 13))).toBe(JSON.stringify(first));
  for (const sample of first) {
    expect(sample.clusters.length).toBeGreaterThan(0);
    for (const { objects } of sample.clusters) {
      expect(objects[0].kind).toBe('Namespace');
      validateKubeObjects(objects);
    }
  }
  // Not only clean topologies: some carry values the generator wrote hostile-looking on purpose.
  const everything = JSON.stringify(first);
  expect(everything).toMatch(/sha256:|fd00:|cluster\.local|example/);
});
