// `npm run bench:discovery [-- --quick]`: discovery without the managed DNS
// (docs/cluster-set.md) measured against the plain DNS chain in the same run: cdk8s synthesis (construct
// vs bare, the children of bench/run.ts), the Pulumi component under mocks, what each strategy deploys
// (from the rendered objects) and what a scale-up touches. Writes its section into BENCHMARKS.md between
// the discovery markers, like bench/cluster-deploy.ts; the rest of the file is bench/run.ts's.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Cdk8sCaseResult } from './cdk8s-case';
import type { PulumiCaseResult } from './pulumi-case';
import { fmtMs, ratio, ROOT, runChild, stats } from './support/measure';
import { benchClusters, cdk8sProps, Size, sizeLabel, STRATEGY_LABEL, Strategy } from './support/topology';
import { touchScenarios } from './support/touch';
import { planDeployment } from '../lib/core/plan';
import { allObjects, renderDeployment } from '../lib/manifests/render';

const QUICK = process.argv.includes('--quick');
const WARMUP = QUICK ? 1 : 2;
const SAMPLES = QUICK ? 3 : 9;
const STRATEGIES: readonly Strategy[] = ['dnsChain', 'clusterSet', 'ownCoredns'];
const SYNTH_SIZES: readonly Size[] = [{ clusters: 3, nodes: 3 }, { clusters: 10, nodes: 10 }, { clusters: 10, nodes: 100 }];
const PULUMI_SIZES: readonly Size[] = [{ clusters: 3, nodes: 3 }, { clusters: 10, nodes: 10 }];
const BEGIN = '<!-- discovery:begin -->';
const END = '<!-- discovery:end -->';

const log = (message: string) => process.stderr.write(`[bench:discovery] ${message}\n`);

function synthesis(): string[] {
  const rows: string[][] = [];
  for (const size of SYNTH_SIZES) {
    const results = new Map<Strategy, Cdk8sCaseResult>();
    for (const strategy of STRATEGIES) {
      log(`cdk8s ${sizeLabel(size)} ${strategy}`);
      results.set(strategy, runChild<Cdk8sCaseResult>('cdk8s-case.ts', { ...size, strategy, variants: ['construct', 'bare'], warmup: WARMUP, samples: SAMPLES }));
    }
    const chain = stats(results.get('dnsChain')!.total.construct!).median;
    for (const strategy of STRATEGIES) {
      const r = results.get(strategy)!;
      const construct = stats(r.total.construct!), bare = stats(r.total.bare!);
      rows.push([
        sizeLabel(size), STRATEGY_LABEL[strategy], String(r.objects), `${(r.yamlBytes / 1024).toFixed(0)} KiB`,
        fmtMs(construct), fmtMs(bare), `**${ratio(construct.median, bare.median)}**`, construct.median / bare.median <= 1.5 ? '✅ met' : '❌ missed',
        strategy === 'dnsChain' ? '—' : ratio(construct.median, chain), r.identical.bare ? 'yes' : '**no**',
      ]);
    }
  }
  return [
    '### cdk8s synthesis',
    '',
    `Children of \`bench/run.ts\` (\`bench/cdk8s-case.ts\`): construct and bare alternate sample by sample, ${WARMUP} warm-ups and ${SAMPLES} samples, one fresh process per row. Times in ms: median (min–max). The bare variant places the same rendered objects as \`ApiObject\`s, the own CoreDNS with the database objects.`,
    '',
    table(['size', 'strategy', 'objects', 'YAML', 'construct ms', 'bare ms', 'construct / bare', '≤ 1.5×', 'construct vs DNS chain', 'identical YAML'], rows),
  ];
}

function pulumi(): string[] {
  const rows: string[][] = [];
  for (const size of PULUMI_SIZES) {
    const results = new Map<Strategy, PulumiCaseResult>();
    for (const strategy of STRATEGIES) {
      log(`pulumi ${sizeLabel(size)} ${strategy}`);
      results.set(strategy, runChild<PulumiCaseResult>('pulumi-case.ts', {
        ...size, strategy, tls: 'insecure', variants: ['component'], warmup: WARMUP, samples: QUICK ? 2 : 5,
      }, ['--enable-source-maps=false']));
    }
    const chain = stats(results.get('dnsChain')!.total.component!).median;
    for (const strategy of STRATEGIES) {
      const r = results.get(strategy)!;
      const x = r.registered.component!;
      const t = stats(r.total.component!);
      rows.push([sizeLabel(size), STRATEGY_LABEL[strategy], `${x.kubernetes}+${x.reads} / ${x.providers} / ${x.components}`, fmtMs(t), strategy === 'dnsChain' ? '—' : ratio(t.median, chain)]);
    }
  }
  return [
    '### Pulumi program under mocks',
    '',
    `\`MultiRegionCockroach\` with \`Tls.insecure()\` (\`bench/pulumi-case.ts\`, component only), fresh mocks per sample, ${WARMUP} warm-ups and ${QUICK ? 2 : 5} samples. Resources: Kubernetes objects + reads / providers / components.`,
    '',
    table(['size', 'strategy', 'resources', 'ms', 'vs DNS chain'], rows),
  ];
}

function shape(): string[] {
  const size = { clusters: 3, nodes: 3 };
  const rows = STRATEGIES.map((strategy) => {
    const objects = renderDeployment(planDeployment(cdk8sProps(strategy, benchClusters(size)), { engine: 'cdk8s' })).flatMap(allObjects);
    const count = (p: (o: (typeof objects)[number]) => boolean) => String(objects.filter(p).length);
    return [
      STRATEGY_LABEL[strategy], String(objects.length),
      count((o) => o.kind === 'Service' && (o as any).spec?.type === 'LoadBalancer'),
      count((o) => o.metadata.namespace === 'kube-system'),
      count((o) => o.kind === 'Deployment'),
      count((o) => o.kind === 'ClusterRole'),
      count((o) => o.kind === 'ServiceExport'),
    ];
  });
  return [
    '### What each strategy deploys (3×3, rendered objects)',
    '',
    table(['strategy', 'objects', 'LoadBalancer Services', 'objects in kube-system', 'Deployments', 'ClusterRoles', 'ServiceExports'], rows),
  ];
}

function touch(): string[] {
  const rows: string[][] = [];
  for (const strategy of STRATEGIES) {
    for (const s of touchScenarios(strategy, 3, 3)) {
      const inExisting = (k: string) => s.existing.some((c) => k.startsWith(`${c}/`) || k.startsWith(`${c}-dns/`));
      const changed = s.diff.changed.filter((c) => inExisting(c.key));
      rows.push([
        STRATEGY_LABEL[strategy], s.scenario,
        String(s.diff.added.length),
        `${changed.length}: ${changed.map((c) => `\`${c.key}\` (${c.paths.map((p) => `\`${p}\``).join(', ')})`).join('; ') || '—'}`,
        String(s.diff.removed.length),
        `**${s.diff.podTemplatesChanged.length}**`,
      ]);
    }
  }
  return [
    '### What a change touches (3×3, cdk8s, as in section 5)',
    '',
    table(['strategy', 'change', 'objects added', 'existing objects changed (fields)', 'removed', 'pod templates changed'], rows),
  ];
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''].join('\n');
}

function main(): void {
  const load = os.loadavg()[0].toFixed(2);
  const started = Date.now();
  const body = [...synthesis(), ...pulumi(), ...shape(), ...touch()];
  const section = [
    BEGIN,
    '## 8. Discovery without the managed DNS: the cluster set and the own CoreDNS',
    '',
    `\`npm run bench:discovery${QUICK ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average at start ${load}, ${((Date.now() - started) / 1000).toFixed(0)} s. The same synthetic topologies as sections 1–5 (GCP, AWS, Azure round-robin); the cluster set uses one namespace in every cluster (\`Networking.clusterSet({ implementation: 'submariner' })\`), the own CoreDNS \`Networking.dnsChain({ dnsAddresses, ownCoredns: {} })\`. The plain DNS chain is measured again in the same run for the ratios.`,
    '',
    ...body,
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

if (require.main === module) main();
