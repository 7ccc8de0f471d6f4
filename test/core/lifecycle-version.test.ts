// A CockroachDB version pinned by digest is still a version: the upgrade rules read its tag.
import { parseCockroachVersion } from '../../lib/core/lifecycle';
import { Networking, planDeployment, Tls } from 'crosscluster';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

test('a tag with a digest parses as its tag; a digest alone or a bad digest does not', () => {
  expect(parseCockroachVersion(`v25.2.4@${DIGEST}`)).toEqual(parseCockroachVersion('v25.2.4'));
  expect(parseCockroachVersion(`v25.2.4@sha256:${'ab'.repeat(31)}`)).toBeUndefined();
  expect(parseCockroachVersion(DIGEST)).toBeUndefined();
});

test('an upgrade from a digest-pinned version plans as its tag would', () => {
  const topology = (version: string) => ({
    clusters: [{ name: 'a', cloud: 'gcp' as const, region: 'us-east1', nodes: 3 }],
    networking: Networking.dnsChain({}),
    tls: Tls.insecure(),
    version,
    upgrade: { from: 'v25.1.3' },
  });
  expect(planDeployment(topology(`v25.2.4@${DIGEST}`)).cockroach.version).toBe(`v25.2.4@${DIGEST}`);
  expect(() => planDeployment(topology(`v25.4.1@${DIGEST}`))).toThrow(/version/);
});
