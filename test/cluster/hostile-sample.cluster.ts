// Accepted hostile topologies (test/support/hostile-sample.ts: the generative harness's inputs that
// validation lets through) are applied to a real API server: every object of every cluster must be
// accepted by server-side apply with the server's strict field validation, and a second apply must
// change nothing. This is the other half of "every input is either rejected or becomes objects a real
// API server accepts".
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { installCertManagerCrds } from './support/cert-manager';
import { World } from './support/harness';
import { KubeClient, resourcePath } from './support/kube-client';
import { dnsFieldManager, shippedDnsConfigMaps } from './support/managed-dns';
import { removeDir, tempDir } from '../e2e/support/processes';
import { hostileSample } from '../support/hostile-sample';
import { KubeObject } from 'crosscluster';

jest.setTimeout(900_000);

const SAMPLE = hostileSample(Number(process.env.HOSTILE_SAMPLE ?? 8), 13);

let world: World;
let work: string;

/** Puts the kube-system DNS ConfigMaps back as the platform shipped them (a sample may have replaced them). */
async function restoreManagedDns(client: KubeClient): Promise<void> {
  for (const [name, data] of Object.entries(shippedDnsConfigMaps('kubeadm'))) {
    await client.delete(resourcePath('v1', 'configmaps', 'kube-system', name));
    await client.request('POST', `${resourcePath('v1', 'configmaps', 'kube-system')}?fieldManager=${dnsFieldManager('kubeadm')}`,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'kube-system' }, data });
  }
  await client.delete(resourcePath('v1', 'services', 'kube-system', 'kube-dns-lb'));
}

/**
 * `kind/namespace/name=<version>` of every object of a file, as the server has them: the generation
 * where the kind has one (controllers write status without bumping it), else the resourceVersion.
 */
async function versions(file: string): Promise<string[]> {
  const result = await world.clusters.kubectl('target', ['get', '-f', file, '-o', 'json']);
  if (result.code !== 0) throw new Error(result.stderr);
  const parsed = JSON.parse(result.stdout);
  const items: any[] = parsed.kind === 'List' ? parsed.items : [parsed];
  return items.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}=${o.metadata.generation !== undefined ? `g${o.metadata.generation}` : o.metadata.resourceVersion}`).sort();
}

beforeAll(async () => {
  work = tempDir('hostile');
  world = await World.start([{
    name: 'target',
    region: 'target',
    zones: ['target-a', 'target-b', 'target-c'],
    serviceCidr: '10.96.0.0/16',
    dns: 'kubeadm',
    loadBalancerPool: '10.250.0.',
  }], { suite: 3 });
  await installCertManagerCrds(world.clusters.cluster('target').kubeconfigPath);
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

test(`the sample holds ${SAMPLE.length} accepted hostile topologies over several field categories`, () => {
  expect(SAMPLE.length).toBeGreaterThanOrEqual(Number(process.env.HOSTILE_SAMPLE ?? 8));
  // Most accepted cases carry no hostile value that got through; the sample takes one of each that did first.
  expect(new Set(SAMPLE.flatMap((s) => s.categories).filter((c) => c !== 'base')).size).toBeGreaterThanOrEqual(4);
});

describe.each(SAMPLE.map((s) => [s.id, s] as const))('%s', (_id, sample) => {
  test(`every object is accepted by server-side apply, and a second apply changes nothing (${sample.categories.join(', ')})`, async () => {
    const { client } = world.clusters.cluster('target');
    for (const { cluster, objects } of sample.clusters) {
      const files: string[] = [];
      // The database objects as the docs apply them; the kube-system DNS objects forced over the platform's manager.
      const groups: [string, KubeObject[], string[]][] = [
        ['db', objects.filter((o) => o.metadata.namespace !== 'kube-system'), []],
        ['dns', objects.filter((o) => o.metadata.namespace === 'kube-system'), ['--force-conflicts']],
      ];
      for (const [kind, list, flags] of groups) {
        if (list.length === 0) continue;
        const file = path.join(work, `${sample.id}-${cluster}-${kind}.yaml`);
        fs.writeFileSync(file, list.map((o) => stringify(o)).join('---\n'));
        files.push(file);
        const first = await world.clusters.kubectl('target', ['apply', '--server-side', '--field-manager=crosscluster', ...flags, '-f', file]);
        expect([cluster, kind, first.code, first.stderr]).toEqual([cluster, kind, 0, '']);
        // The stand-in cloud controller publishes load-balancer addresses (a status write) shortly after.
        const balancers = list.filter((o) => o.kind === 'Service' && (o as any).spec?.type === 'LoadBalancer');
        await world.waitFor(`${balancers.length} load balancers of ${sample.id}/${cluster} answered`, async () => {
          for (const o of balancers) {
            const live = await client.find(resourcePath('v1', 'services', o.metadata.namespace, o.metadata.name));
            if (!live?.status?.loadBalancer?.ingress?.length) return false;
          }
          return true;
        });
        const before = await versions(file);
        const again = await world.clusters.kubectl('target', ['apply', '--server-side', '--field-manager=crosscluster', ...flags, '-f', file]);
        expect([cluster, kind, again.code]).toEqual([cluster, kind, 0]);
        // The server's resourceVersions tell whether the second apply changed anything.
        expect(await versions(file)).toEqual(before);
      }
      for (const file of files.reverse()) {
        const deleted = await world.clusters.kubectl('target', ['delete', '--ignore-not-found', '--wait=true', '--timeout=120s', '-f', file], { timeoutMs: 150_000 });
        expect([cluster, deleted.code, deleted.stderr]).toEqual([cluster, 0, '']);
      }
      await restoreManagedDns(client);
    }
  });
});
