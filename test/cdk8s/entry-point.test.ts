import { spawnSync } from 'child_process';
import { join } from 'path';
import * as cdk8sEntry from 'crosscluster/cdk8s';

describe('crosscluster/cdk8s entry point', () => {
  test('exports the cdk8s constructs and the core the user needs, from one place', () => {
    for (const name of ['MultiRegionCockroach', 'PerPodLoadBalancers', 'DnsChain', 'ClusterCerts', 'Networking', 'Tls', 'TopologyError']) {
      expect([name, typeof (cdk8sEntry as Record<string, unknown>)[name]]).toEqual([name, 'function']);
    }
    expect(typeof cdk8sEntry.mergeCorefile).toBe('function');
    // A Pulumi-only construct has no cdk8s form.
    expect('CrossCloudVpn' in cdk8sEntry).toBe(false);
  });

  test('loading it loads no @pulumi module', () => {
    const root = join(__dirname, '..', '..');
    const script = "require('./lib/cdk8s/index.ts'); " +
      "process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@pulumi'))))";
    const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
});
