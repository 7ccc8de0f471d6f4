// The TypeScript snippets of docs/cloud-profiles.md run as written (compiled with sucrase, the
// suite's own transform), and what they produce is what the page says.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transform } from 'sucrase';
import { findTopologyProblems, Tls } from 'crosscluster';

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cloud-profiles.md'), 'utf8');
const snippets = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** Runs a snippet with the suite's module resolution; returns its top-level constants. */
function run(code: string): Record<string, any> {
  const names = [...code.matchAll(/^\s*const (\w+)/gm)].map((m) => m[1]);
  const js = transform(`${code}\nreturn { ${names.join(', ')} };`, { transforms: ['typescript', 'imports'] }).code;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('require', 'exports', js)(require, {});
}

test('the page has its three TypeScript snippets', () => {
  expect(snippets).toHaveLength(3);
});

test('the first snippet synthesizes every file the page names, with the profiles applied', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscluster-doc-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    const { db } = run(snippets[0]);
    expect(fs.readdirSync(outdir).sort()).toEqual([
      'eu-west-1-coredns-addon.json', 'eu-west-1-dns.k8s.yaml', 'eu-west-1.k8s.yaml',
      'us-east1-dns.k8s.yaml', 'us-east1.k8s.yaml', 'westeurope-dns.k8s.yaml', 'westeurope.k8s.yaml',
    ]);
    const dns = (cluster: string) => db.manifests.find((m: any) => m.cluster === cluster).dns;
    expect(dns('us-east1').map((o: any) => o.metadata.name)).toEqual(['kube-dns-lb-udp', 'kube-dns-lb-tcp', 'kube-dns']);
    expect(dns('eu-west-1')[0].metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toBe('10.30.15.250,10.30.31.250');
    expect(dns('westeurope').map((o: any) => o.metadata.name)).toEqual(['kube-dns-lb', 'coredns-custom']);
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'eu-west-1-coredns-addon.json'), 'utf8')).corefile)
      .toContain('forward . 10.10.15.250');
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('the AWS per-pod snippet and the NetworkPolicy snippet are valid inputs', () => {
  const { networking } = run(snippets[1]);
  const { networkPolicy } = run(snippets[2]);
  const clusters = [{
    name: 'eu-west-1',
    cloud: 'aws' as const,
    region: 'eu-west-1',
    nodes: 3,
    nodeCidrs: ['10.30.0.0/16'],
    podCidrs: ['100.64.0.0/16'],
    eks: {
      subnets: {
        'eu-west-1a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.30.0.0/20' },
        'eu-west-1b': { id: 'subnet-0a1b2c3d4e5f60002', cidr: '10.30.16.0/20' },
      },
    },
  }];
  expect(findTopologyProblems({ clusters, networking, networkPolicy, tls: Tls.certManager() }, 'cdk8s')).toEqual([]);
  expect(networkPolicy.clients).toHaveLength(3);
});

test('docs/cdk8s.md: the opening snippet synthesizes, with the profiles it shows', () => {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cdk8s.md'), 'utf8');
  const first = /```ts\n([\s\S]*?)```/.exec(page)![1];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscluster-doc-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    const { db } = run(first);
    expect(db.joinAddresses).toHaveLength(9);
    expect(fs.readdirSync(outdir)).toEqual(expect.arrayContaining(['eu-west-1-dns.k8s.yaml', 'us-east1-dns.k8s.yaml']));
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('docs/pulumi.md: the EksCorednsAddon excerpt is the example\'s code, line for line', () => {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'pulumi.md'), 'utf8');
  const example = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'pulumi-gke-eks-vpn', 'index.ts'), 'utf8');
  const excerpt = [...page.matchAll(/```typescript\n([\s\S]*?)```/g)].map((m) => m[1]).find((t) => t.includes('new EksCorednsAddon'))!;
  const exampleLines = example.split('\n').map((l) => l.trim());
  for (const line of excerpt.trim().split('\n')) expect(exampleLines).toContain(line.trim());
});
