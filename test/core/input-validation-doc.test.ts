// The snippet of docs/input-validation.md, run as written.
import { readFileSync } from 'fs';
import { join } from 'path';
import { findTopologyProblems, Networking, Tls, TopologyError } from 'crosscluster';

test('docs/input-validation.md: the snippet is this code, and it finds what its comments say', () => {
  const doc = readFileSync(join(__dirname, '../../docs/input-validation.md'), 'utf8');
  const snippet = /```ts\n([\s\S]*?)```/.exec(doc)![1];
  const body = snippet.split('\n').filter((l) => !l.startsWith('import ')).join('\n').trim();
  // The same statements as the snippet (checked textually below), run here.
  const problems = findTopologyProblems({
    clusters: [
      { name: 'a', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.0.0.0/16'], nodeCidrs: ['10.2.0.0/20'] },
      { name: 'b', cloud: 'gcp', region: 'us-west1', nodes: 3, podCidrs: ['10.8.0.0/16'], nodeCidrs: ['10.10.0.0/20'], clusterDomain: 'a.svc.cluster.local' },
    ],
    networking: Networking.dnsChain({ dnsAddresses: { a: '10.2.0.53', b: '::ffff:10.2.0.53' } }),
    tls: Tls.certManager(),
  }, 'cdk8s');
  const isError = (e: unknown) => e instanceof TopologyError;
  expect(problems.map((p) => p.path)).toEqual(['clusters[1].clusterDomain', 'networking.dnsAddresses.b']);
  expect(isError(new TopologyError(problems))).toBe(true);
  const source = readFileSync(__filename, 'utf8');
  for (const line of body.split('\n').filter((l) => !l.startsWith('//'))) expect(source).toContain(line.trim());
});
