// Day 2 at the renderer level: staged upgrades, hash-named Jobs, scale-down, region removal, the
// scale-down guard and the production options, plus their validation.
import { validateKubeObjects } from '../support/kube-schema';
import { dnsChainTopology, perPodTopology, THREE_CLUSTERS } from '../support/topologies';
import {
  allObjects, findTopologyProblems, isInnovationRelease, KubeObject, objectKey, parseCockroachVersion, planDeployment, renderDatabase,
  renderDeployment, Tls, TopologyError, TopologyInput, upgradeStepProblem,
} from 'crosscluster';

const render = (input: TopologyInput) => renderDeployment(planDeployment(input)).map(allObjects);
const of = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind) as any[];
const jobsByComponent = (objects: KubeObject[], component: string) =>
  of(objects, 'Job').filter((j) => j.spec.template.metadata.labels['app.kubernetes.io/component'] === component);
const problems = (input: TopologyInput) => findTopologyProblems(input).map((p) => `${p.path}: ${p.message}`);
const withClusters = (f: (c: typeof THREE_CLUSTERS[number], i: number) => object) => THREE_CLUSTERS.map((c, i) => ({ ...c, ...f(c, i) }));

describe('CockroachDB version steps', () => {
  const v = (tag: string) => parseCockroachVersion(tag)!;
  test('Innovation releases are 24.2, 25.1, 25.3, 26.1; Regular 24.1, 24.3, 25.2, 25.4, 26.2', () => {
    expect(['v24.2.0', 'v25.1.0', 'v25.3.0', 'v26.1.0'].map((t) => isInnovationRelease(v(t)))).toEqual([true, true, true, true]);
    expect(['v23.2.0', 'v24.1.0', 'v24.3.0', 'v25.2.0', 'v25.4.0', 'v26.2.0'].map((t) => isInnovationRelease(v(t)))).toEqual([false, false, false, false, false, false]);
  });
  test('patch, next major, and over an Innovation release are allowed; skipping a Regular release or downgrading is not', () => {
    expect(upgradeStepProblem(v('v25.2.4'), v('v25.2.6'))).toBeUndefined();
    expect(upgradeStepProblem(v('v25.2.4'), v('v25.3.1'))).toBeUndefined();
    expect(upgradeStepProblem(v('v25.2.4'), v('v25.4.0'))).toBeUndefined();
    expect(upgradeStepProblem(v('v24.3.1'), v('v25.2.0'))).toBeUndefined();
    expect(upgradeStepProblem(v('v23.2.1'), v('v24.1.0'))).toBeUndefined();
    expect(upgradeStepProblem(v('v25.3.1'), v('v26.1.0'))).toMatch(/skips a major version: from 25.3 the next upgrade is to 25.4; upgrade through it first/);
    expect(upgradeStepProblem(v('v23.2.1'), v('v24.2.0'))).toMatch(/skips a major version/);
    expect(upgradeStepProblem(v('v25.2.4'), v('v24.3.0'))).toMatch(/older than upgrade.from/);
  });
});

describe('staged upgrade', () => {
  const base = dnsChainTopology(THREE_CLUSTERS, { version: 'v25.2.4' });
  const start = { ...base, version: 'v25.3.1', upgrade: { from: 'v25.2.4' } };
  const templates = (input: TopologyInput) => render(input).map((objects) => JSON.stringify(of(objects, 'StatefulSet')[0].spec.template));

  test('opening an upgrade rolls nothing: every template stays, and a preserve Job appears in the init cluster', () => {
    expect(templates(start)).toEqual(templates(base));
    const [first, ...others] = render(start);
    const [preserve] = jobsByComponent(first, 'upgrade');
    expect(preserve.metadata.name).toMatch(/^cockroachdb-preserve-25-2-[0-9a-f]{10}$/);
    expect(preserve.spec.template.spec.containers[0].command[2]).toContain("SET CLUSTER SETTING cluster.preserve_downgrade_option = '\\''25.2'\\'';");
    for (const objects of others) expect(jobsByComponent(objects, 'upgrade')).toHaveLength(0);
  });

  test('each step changes exactly one cluster\'s template, and no Job but the upgrade step\'s', () => {
    let previous = templates(start);
    const steps = [0, 1, 2].map((n) => ({ ...start, clusters: withClusters((_, i) => (i <= n ? { version: 'v25.3.1' } : {})) }));
    for (const [n, step] of steps.entries()) {
      expect(problems(step)).toEqual([]);
      const current = templates(step);
      expect(current.map((t, i) => t !== previous[i])).toEqual([0, 1, 2].map((i) => i === n));
      expect(current[n]).toContain('cockroachdb/cockroach:v25.3.1');
      previous = current;
    }
    // The Jobs keep the init cluster's image: they change when the init cluster rolls, never otherwise.
    const jobs = (input: TopologyInput) => render(input).flatMap((objects) => of(objects, 'Job').map(objectKey)).sort();
    expect(jobs(steps[2])).toEqual(jobs(steps[1]));
  });

  test('finalization replaces the preserve Job with the finalize Job; nothing else changes', () => {
    const rolled = { ...start, clusters: withClusters(() => ({ version: 'v25.3.1' })) };
    const finalize = { ...start, upgrade: { from: 'v25.2.4', finalize: true } };
    expect(problems(finalize)).toEqual([]);
    expect(templates(finalize)).toEqual(templates(rolled));
    const [job] = jobsByComponent(render(finalize)[0], 'upgrade');
    expect(job.metadata.name).toMatch(/^cockroachdb-finalize-25-3-/);
    expect(job.spec.template.spec.containers[0].command[2]).toContain('RESET CLUSTER SETTING cluster.preserve_downgrade_option;');
  });

  test('refused: skipping a major version, a per-cluster version without an upgrade, a third version, finalizing early', () => {
    expect(problems({ ...base, version: 'v26.1.0', upgrade: { from: 'v25.2.4' } })).toEqual([
      "version: 'v26.1.0' skips a major version: from 25.2 the next upgrade is to 25.3 or 25.4; upgrade through it first",
    ]);
    expect(problems({ ...base, clusters: withClusters((_, i) => (i === 1 ? { version: 'v25.3.1' } : {})) })).toEqual([
      "clusters[1].version: 'v25.3.1' differs from version 'v25.2.4': per-cluster versions are for a staged upgrade; set upgrade: { from: <the version running now> } (see docs/day-2.md)",
    ]);
    expect(problems({ ...start, clusters: withClusters((_, i) => (i === 2 ? { version: 'v25.2.1' } : {})) })).toEqual([
      "clusters[2].version: 'v25.2.1' is neither upgrade.from 'v25.2.4' nor version 'v25.3.1': a staged upgrade moves clusters from one to the other",
    ]);
    expect(problems({ ...start, upgrade: { from: 'v25.2.4', finalize: true }, clusters: withClusters((_, i) => (i === 2 ? { version: 'v25.2.4' } : {})) })).toEqual([
      "clusters[2].version: 'v25.2.4' still differs from version 'v25.3.1': finalize only once every cluster runs it",
    ]);
    expect(problems({ ...start, upgrade: { from: 'latest-ish' } })[0]).toMatch(/^upgrade.from: 'latest-ish' is not a CockroachDB release tag/);
  });
});

describe('Jobs are named after their content', () => {
  test('the same topology gives the same names; a new version gives new Job names, so nothing immutable is ever updated', () => {
    const a = render(dnsChainTopology(THREE_CLUSTERS, { version: 'v25.2.4' }))[0];
    const b = render(dnsChainTopology(THREE_CLUSTERS, { version: 'v25.2.4' }))[0];
    const c = render(dnsChainTopology(THREE_CLUSTERS, { version: 'v25.2.6' }))[0];
    expect(of(a, 'Job').map(objectKey)).toEqual(of(b, 'Job').map(objectKey));
    const cNames = new Set(of(c, 'Job').map((j) => j.metadata.name));
    for (const job of of(a, 'Job')) expect(cNames.has(job.metadata.name)).toBe(false);
    for (const job of of(c, 'Job')) expect(job.metadata.name.length).toBeLessThanOrEqual(63);
  });

  test('the multi-region SQL Job runs the plan\'s idempotent statements for every managed database', () => {
    const plan = planDeployment(dnsChainTopology(THREE_CLUSTERS, { databases: ['bank', 'ledger'], survivalGoal: 'region' }));
    const [job] = jobsByComponent(renderDatabase(plan, plan.clusters[0]), 'multi-region-sql');
    const script: string = job.spec.template.spec.containers[0].command[2];
    expect(plan.multiRegionSql.filter((s) => s.includes('"ledger"'))).toHaveLength(5);
    for (const statement of plan.multiRegionSql) expect(script).toContain(`'${statement.replace(/'/g, "''")}'`);
    expect(plan.multiRegionSql.every((s) => /IF NOT EXISTS|PRIMARY REGION|SURVIVE/.test(s))).toBe(true);
  });
});

describe('scale-down', () => {
  const clusters = withClusters((_, i) => (i === 1 ? { nodes: 5, scaleDownTo: 3 } : {}));
  const input = perPodTopology(clusters);
  const [, west] = render(input);

  test('a decommission Job for the highest ordinals, reading their addresses from the topology ConfigMap', () => {
    const [job] = jobsByComponent(west, 'decommission');
    expect(job.metadata.name).toMatch(/^cockroachdb-decommission-3-[0-9a-f]{10}$/);
    const script: string = job.spec.template.spec.initContainers[0].command[2];
    expect(script).toContain("for pod in 'cockroachdb-3' 'cockroachdb-4'; do");
    expect(script).toContain('\'/cockroach/topology\'/advertise-host."$pod"');
    // The pod that recorded has the only API token, and may only read this StatefulSet and patch the guard's ConfigMap.
    expect(job.spec.template.spec.initContainers[0].volumeMounts.map((m: any) => m.name)).not.toContain('api-token');
    expect(job.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.name)).toContain('api-token');
    expect(of(west, 'Role')[0].rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['cockroachdb'], verbs: ['get'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['cockroachdb-decommissioned'], verbs: ['get', 'patch'] },
    ]);
  });

  test('GitOps keeps the replicas until the second commit; Pulumi renders the scaled-down replicas (after the Job)', () => {
    const plan = planDeployment(input);
    expect(of(west, 'StatefulSet')[0].spec.replicas).toBe(5);
    expect(of(renderDatabase(plan, plan.clusters[1], { afterDecommission: true }), 'StatefulSet')[0].spec.replicas).toBe(3);
    // The join list never points at nodes on their way out.
    expect(plan.joinAddresses.filter((a) => a.startsWith('10.201.'))).toEqual(['10.201.0.10:26257', '10.201.0.11:26257', '10.201.0.12:26257']);
  });

  test('the Job does not depend on addresses: the same object set and Job names whatever the addresses', () => {
    const other = perPodTopology(clusters);
    const names = (i: TopologyInput) => render(i).flatMap((objects) => objects.map(objectKey));
    expect(names(other)).toEqual(names(input));
  });

  test('the guard: an empty ConfigMap, a policy on the StatefulSet and its scale subresource, bound to that ConfigMap', () => {
    const [policy] = of(west, 'ValidatingAdmissionPolicy');
    const [binding] = of(west, 'ValidatingAdmissionPolicyBinding');
    expect(policy.metadata.name).toBe('cockroachdb-us-west1-scale-down-guard');
    expect(policy.spec.matchConstraints.resourceRules[0]).toMatchObject({ operations: ['UPDATE'], resources: ['statefulsets', 'statefulsets/scale'], resourceNames: ['cockroachdb'] });
    expect(policy.spec.validations[0].messageExpression).toContain('Set scaleDownTo: ');
    expect(binding.spec.paramRef).toEqual({ name: 'cockroachdb-decommissioned', namespace: 'us-west1', parameterNotFoundAction: 'Deny' });
    expect(of(west, 'ConfigMap').find((c) => c.metadata.name === 'cockroachdb-decommissioned').data).toBeUndefined();
    expect(of(west, 'StatefulSet')[0].spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
    validateKubeObjects(west);
  });

  test('opt-out: no policy, volumes kept on scale-down, the Job records nothing', () => {
    const [, objects] = render({ ...input, scaleDownGuard: false });
    expect(of(objects, 'ValidatingAdmissionPolicy')).toHaveLength(0);
    expect(of(objects, 'Role')).toHaveLength(0);
    expect(of(objects, 'StatefulSet')[0].spec.persistentVolumeClaimRetentionPolicy.whenScaled).toBe('Retain');
    expect(jobsByComponent(objects, 'decommission')[0].spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('api-token');
  });

  test('refused: scaling below the replication factor, or a scaleDownTo above nodes', () => {
    expect(problems(dnsChainTopology(withClusters((_, i) => (i === 0 ? { nodes: 1, scaleDownTo: 1 } : { nodes: 1, scaleDownTo: 1 }))))).toEqual([]);
    expect(problems(dnsChainTopology(withClusters((_, i) => (i === 0 ? { scaleDownTo: 1 } : { nodes: 1 })), { survivalGoal: 'region' }))).toEqual([
      'clusters: 3 nodes would remain, fewer than the 5 that region survival replicates to: a decommission would never finish',
    ]);
    expect(problems(dnsChainTopology(withClusters((_, i) => (i === 0 ? { scaleDownTo: 4 } : {}))))).toEqual([
      'clusters[0].scaleDownTo: 4 is more than nodes (3); it names the node count to scale down to',
    ]);
  });
});

describe('region removal', () => {
  const retiring = dnsChainTopology(withClusters((_, i) => (i === 2 ? { retiring: true } : {})));

  test('the region is dropped from every database, every node of the cluster is decommissioned, the others stop joining through it', () => {
    const plan = planDeployment({ ...retiring, databases: ['defaultdb', 'bank'] });
    expect(plan.multiRegionSql).toContain('ALTER DATABASE "bank" DROP REGION IF EXISTS "eu-west-1";');
    expect(plan.multiRegionSql.some((s) => s.includes('ADD REGION IF NOT EXISTS "eu-west-1"'))).toBe(false);
    expect(plan.joinAddresses.some((a) => a.includes('eu-west-1'))).toBe(false);
    const objects = renderDatabase(plan, plan.clusters[2]);
    const [job] = jobsByComponent(objects, 'decommission');
    expect(job.metadata.name).toMatch(/^cockroachdb-retire-/);
    const script: string = job.spec.template.spec.initContainers[0].command[2];
    expect(script).toContain("for pod in 'cockroachdb-0' 'cockroachdb-1' 'cockroachdb-2'; do");
    expect(script).toContain('rpc_host="${join%%,*}"');
    expect(script).toContain('[SHOW REGIONS FROM DATABASE "bank"] WHERE region = \'\\\'\'eu-west-1\'\\\'\'');
    // Its own replicas stay until it is removed from the topology.
    expect(of(objects, 'StatefulSet')[0].spec.replicas).toBe(3);
  });

  test('the other clusters change only ConfigMap data and the multi-region SQL Job', () => {
    const before = render(dnsChainTopology(THREE_CLUSTERS));
    const after = render(retiring);
    for (const i of [0, 1]) {
      const keyed = (objects: KubeObject[]) => new Map(objects.map((o) => [objectKey(o), JSON.stringify(o)]));
      const a = keyed(before[i]);
      const changed = [...keyed(after[i])].filter(([k, v]) => a.get(k) !== v).map(([k]) => k);
      expect(changed.filter((k) => !k.includes('/Job/') || !k.includes('cockroachdb-regions-'))).toEqual([`v1/ConfigMap/${THREE_CLUSTERS[i].namespace}/cockroachdb-topology`]);
    }
  });

  test('refused: the primary region, the init cluster, two at once, below region survival\'s three regions', () => {
    expect(problems(dnsChainTopology(withClusters((_, i) => (i === 0 ? { retiring: true } : {}))))).toEqual([
      "clusters[0].retiring: region 'us-east1' is the primary region, which cannot be dropped: first set primaryRegion to a region that stays, apply, then retire this cluster",
      "clusters[0].retiring: 'gke-us-east1' runs the init and multi-region SQL Jobs: set initCluster to a cluster that stays (its init Job finds the cluster initialized)",
    ]);
    expect(problems(dnsChainTopology(withClusters((_, i) => (i > 0 ? { retiring: true } : {}))))).toContain(
      'clusters[2].retiring: remove one region at a time: finish the other retiring cluster and take it out of the topology first',
    );
    expect(problems({ ...retiring, survivalGoal: 'region' })).toContain(
      "survivalGoal: 'region' survival needs at least 3 regions, and only 2 would stay ('us-east1', 'us-west1'): set survivalGoal: 'zone' first, or add a region before removing one",
    );
  });
});

describe('production options', () => {
  const input = dnsChainTopology(THREE_CLUSTERS, {
    separateSqlPort: true,
    livenessProbe: true,
    zoneSpread: 'ScheduleAnyway',
    walFailover: { size: '10Gi', storageClass: 'pd-balanced' },
    encryptionAtRest: { secretName: 'store-key', key: 'aes-256.key', oldKey: 'aes-128.key' },
    logConfig: 'sinks:\n  stderr:\n    filter: INFO\n',
  });
  const [objects] = render(input);
  const sts = of(objects, 'StatefulSet')[0];
  const pod = sts.spec.template.spec;
  const script: string = pod.containers[0].command[2];

  test('separate listeners: RPC on 26258 for peers and the join list, SQL on 26257', () => {
    expect(script).toContain('--listen-addr=:26258 --sql-addr=:26257 --advertise-sql-addr="$(sql_address "$advertise")"');
    expect(pod.containers[0].ports.map((p: any) => `${p.name}/${p.containerPort}`)).toEqual(['grpc/26258', 'sql/26257', 'http/8080']);
    expect(of(objects, 'Service').find((s) => s.metadata.name === 'cockroachdb-public').spec.ports.map((p: any) => p.port)).toEqual([26258, 26257, 8080]);
    expect(planDeployment(input).joinAddresses.every((a) => a.endsWith(':26258'))).toBe(true);
    const init = of(objects, 'Job').find((j) => j.metadata.name.startsWith('cockroachdb-init-'));
    expect(init.spec.template.spec.containers[0].command[2]).toContain('--host=cockroachdb-0.cockroachdb.us-east1.svc.cluster.local:26258');
  });

  test('WAL failover, encryption at rest (a Secret, never the key) and the log configuration are typed flags and volumes', () => {
    expect(script).toContain('--wal-failover=path=/cockroach/cockroach-wal-failover');
    expect(script).toContain('--enterprise-encryption=path=/cockroach/cockroach-data,key=/cockroach/encryption/aes-256.key,old-key=/cockroach/encryption/aes-128.key');
    expect(script).toContain('--log-config-file=/cockroach/log-config/logs.yaml');
    expect(script).not.toContain('--logtostderr');
    expect(sts.spec.volumeClaimTemplates.map((c: any) => [c.metadata.name, c.spec.resources.requests.storage, c.spec.storageClassName])).toEqual([
      ['datadir', '100Gi', undefined], ['wal-failover', '10Gi', 'pd-balanced'],
    ]);
    expect(pod.volumes.find((v: any) => v.name === 'encryption-key').secret).toEqual({ secretName: 'store-key', defaultMode: 0o440 });
    expect(of(objects, 'ConfigMap').find((c) => c.metadata.name === 'cockroachdb-log-config').data['logs.yaml']).toContain('filter: INFO');
    expect(pod.containers[0].livenessProbe.httpGet.path).toBe('/health');
    expect(pod.topologySpreadConstraints[0].whenUnsatisfiable).toBe('ScheduleAnyway');
    validateKubeObjects(objects);
  });

  test('refused: flags the typed options own, a key instead of a Secret name, renewBefore not shorter than duration', () => {
    expect(problems({ ...dnsChainTopology(), extraStartFlags: ['--wal-failover=among-stores'] })).toEqual([
      "extraStartFlags[0]: '--wal-failover' is set by the typed option 'walFailover'; use it instead",
    ]);
    expect(problems({ ...dnsChainTopology(), encryptionAtRest: { secretName: 'AAAA/BBBB==' } })[0]).toMatch(/^encryptionAtRest.secretName: .* is not a Secret name/);
    expect(problems(dnsChainTopology(THREE_CLUSTERS, { tls: Tls.certManager({ duration: '720h', renewBefore: '720h' }) }))).toEqual([
      "tls.renewBefore: '720h' is not shorter than the certificate duration '720h': cert-manager would renew forever",
    ]);
    expect(() => planDeployment({ ...dnsChainTopology(), zoneSpread: 'Sometimes' as any })).toThrow(TopologyError);
  });

  test('a trust bundle replaces the issuing CA in every pod during a CA rotation', () => {
    const [rotating] = render(dnsChainTopology(THREE_CLUSTERS, { tls: Tls.certManager({ trustBundle: { configMapName: 'cockroachdb-trust' } }) }));
    const certs = of(rotating, 'StatefulSet')[0].spec.template.spec.volumes.find((v: any) => v.name === 'certs').projected;
    expect(certs.sources[0]).toEqual({ configMap: { name: 'cockroachdb-trust', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const paths = certs.sources.flatMap((s: any) => (s.secret ?? s.configMap).items.map((i: any) => i.path));
    expect(paths.sort()).toEqual(['ca.crt', 'client.root.crt', 'client.root.key', 'node.crt', 'node.key']);
  });
});
