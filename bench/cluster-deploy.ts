// `npm run bench:cluster`: `pulumi up` of MultiRegionCockroach (per-pod load balancers, insecure) by the
// real Pulumi CLI and Kubernetes provider against simulated clusters (real kube-apiserver, controllers
// and kwok; scripts/cluster-setup.sh builds them), with the stand-in cloud load-balancer controller
// answering after a fixed delay. Measures the time of `up` and the waits on its critical path:
// intervals in which the engine waited on load balancers or on Jobs, merged where they overlap. The goal
// is one wait for the load balancers and one for the init Job, nothing serial per cluster or per pod.
// Writes its section into BENCHMARKS.md between the cluster-deploy markers.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './support/measure';
import { World } from '../test/cluster/support/harness';
import { ResourceStep } from '../test/cluster/support/pulumi-runner';
import { PulumiStack } from '../test/cluster/support/pulumi-stack';
import { removeDir, tempDir } from '../test/e2e/support/processes';

const LOAD_BALANCER_DELAY_MS = 5_000;
const SIZES = process.argv.includes('--quick') ? [{ clusters: 3, nodes: 3 }] : [{ clusters: 3, nodes: 3 }, { clusters: 10, nodes: 10 }];
const BEGIN = '<!-- cluster-deploy:begin -->';
const END = '<!-- cluster-deploy:end -->';

interface Row {
  readonly size: string;
  readonly resources: number;
  readonly upMs: number;
  readonly loadBalancerWaits: number;
  readonly jobWaits: number;
  readonly loadBalancerWaitMs: number;
  readonly jobWaitMs: number;
}

/** Intervals merged where they overlap: how many separate waits the engine went through, and how long. */
export function mergedWaits(intervals: readonly [number, number][]): { count: number; totalMs: number } {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return { count: merged.length, totalMs: merged.reduce((sum, [a, b]) => sum + (b - a), 0) };
}

function waitsOf(steps: readonly ResourceStep[], type: string, nameIncludes: string): [number, number][] {
  return steps.filter((s) => s.op === 'create' && s.type === type && s.urn.includes(nameIncludes) && s.endMs !== undefined)
    .map((s) => [s.startMs, s.endMs!]);
}

async function measure(clusters: number, nodes: number): Promise<Row> {
  const work = tempDir('bench-cluster');
  const names = Array.from({ length: clusters }, (_, i) => `region-${i}`);
  const world = await World.start(names.map((name, i) => ({
    name,
    region: name,
    zones: [`${name}-a`, `${name}-b`, `${name}-c`],
    serviceCidr: `10.${100 + i}.0.0/20`,
    podCidr: `10.${i * 4}.0.0/16`,
    dns: 'gke-kube-dns' as const,
    loadBalancerPool: `10.${100 + i}.200.`,
  })), { suite: 7, loadBalancerDelayMs: LOAD_BALANCER_DELAY_MS });
  try {
    const stack = new PulumiStack(path.join(work, 'stack'), path.join(ROOT, 'test', 'cluster', 'programs', 'multi-region.ts'));
    const config = {
      kubeconfigs: { value: world.kubeconfigsJson(), secret: true },
      clusters: {
        value: JSON.stringify(Object.fromEntries(names.map((name, i) => [name, {
          cloud: 'gcp', region: name, nodes, zones: [`${name}-a`, `${name}-b`, `${name}-c`], podCidrs: [`10.${i * 4}.0.0/16`], nodeCidrs: [`10.${150 + i}.0.0/20`],
        }]))),
      },
      networking: { value: 'perPodLoadBalancers' },
    };
    const up = await stack.run('up', { config, timeoutMs: 1_800_000 });
    if (!up.ok) throw new Error(`pulumi up failed:\n${up.error}`);
    const loadBalancers = mergedWaits(waitsOf(up.steps, 'kubernetes:core/v1:Service', '-lb'));
    const jobs = mergedWaits(waitsOf(up.steps, 'kubernetes:batch/v1:Job', ''));
    return {
      size: `${clusters}×${nodes}`,
      resources: up.steps.filter((s) => s.op === 'create').length,
      upMs: up.durationMs,
      loadBalancerWaits: loadBalancers.count,
      jobWaits: jobs.count,
      loadBalancerWaitMs: loadBalancers.totalMs,
      jobWaitMs: jobs.totalMs,
    };
  } finally {
    await world.stop();
    removeDir(work);
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const size of SIZES) {
    process.stderr.write(`[bench:cluster] ${size.clusters}×${size.nodes} ...\n`);
    rows.push(await measure(size.clusters, size.nodes));
  }
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const section = [
    BEGIN,
    '## 7. `pulumi up` on simulated clusters (real CLI, provider, API servers and controllers)',
    '',
    `\`npm run bench:cluster\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average at start ${os.loadavg()[0].toFixed(2)}.`,
    `Per-pod load balancers, \`Tls.insecure()\`; the stand-in cloud controller answers each load balancer after ${LOAD_BALANCER_DELAY_MS / 1000} s.`,
    'A wait is an interval in which the engine was creating load-balancer Services (it waits for their address) or Jobs',
    '(it waits for completion); overlapping intervals are one wait. Goal: one load-balancer wait and one Job wait, whatever the size.',
    '',
    '| size | resources created | `up` | load-balancer waits (total) | Job waits (total) | `up` over the LB delay |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size} | ${r.resources} | ${s(r.upMs)} s | ${r.loadBalancerWaits} (${s(r.loadBalancerWaitMs)} s) | ${r.jobWaits} (${s(r.jobWaitMs)} s) | ${(r.upMs / LOAD_BALANCER_DELAY_MS).toFixed(1)}× |`),
    '',
    END,
  ].join('\n');
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const text = fs.readFileSync(file, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next = begin >= 0 && end > begin ? text.slice(0, begin) + section + text.slice(end + END.length) : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
  process.stdout.write(`${section}\n`);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${String(error?.stack ?? error)}\n`);
    process.exit(1);
  });
}
