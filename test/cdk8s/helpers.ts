// Shared helpers of the cdk8s tests: synthesize an App to files and read them back as a GitOps repo would.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';

/** A synthesized object, as parsed from YAML. */
export type Obj = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any } };

/** Synthesized files by name (`us-east1.k8s.yaml`), each with its objects and its raw text. */
export type Synthesized = Record<string, { readonly text: string; readonly objects: Obj[] }>;

/** Reads every `*.k8s.yaml` of a directory. */
export function readOutdir(outdir: string): Synthesized {
  const result: Synthesized = {};
  for (const file of readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).sort()) {
    const text = readFileSync(join(outdir, file), 'utf8');
    const objects = parseAllDocuments(text).map((d) => d.toJSON()).filter((o) => o !== null) as Obj[];
    result[file] = { text, objects };
  }
  return result;
}

/** Builds into a fresh App writing to a temporary directory, synthesizes, and reads the files back. */
export function synthApp<T>(build: (app: App) => T): { files: Synthesized; result: T } {
  const outdir = mkdtempSync(join(tmpdir(), 'crosscluster-cdk8s-'));
  try {
    const app = new App({ outdir });
    const result = build(app);
    app.synth();
    return { files: readOutdir(outdir), result };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every object of every file. */
export function allOf(files: Synthesized): Obj[] {
  return Object.values(files).flatMap((f) => f.objects);
}

/** The one object of a kind (and name) in a list; fails when there is not exactly one. */
export function only(objects: readonly Obj[], kind: string, name?: string): Obj {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

/** `kind/namespace/name`. */
export function keyOf(o: Obj): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The objects of a list by `kind/namespace/name`. */
export function byKey(objects: readonly Obj[]): Map<string, Obj> {
  return new Map(objects.map((o) => [keyOf(o), o]));
}

/** The top-level server blocks of a Corefile: zone (without port) to the block's body. */
export function corefileServerBlocks(corefile: string): Array<{ zone: string; body: string }> {
  const blocks: Array<{ zone: string; body: string }> = [];
  let depth = 0;
  let current: { zone: string; lines: string[] } | undefined;
  for (const raw of corefile.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    if (depth === 0) {
      const open = /^(\S+?)(?::(\d+))?\s*\{$/.exec(line);
      if (!open) throw new Error(`unexpected top-level Corefile line: ${raw}`);
      current = { zone: open[1], lines: [] };
      depth = 1;
      continue;
    }
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    if (depth === 0) {
      blocks.push({ zone: current!.zone, body: current!.lines.join('\n') });
      current = undefined;
    } else {
      current!.lines.push(line);
    }
  }
  if (depth !== 0) throw new Error('unbalanced braces in Corefile');
  return blocks;
}

/**
 * What each cluster's DNS forwards, read back from the synthesized YAML: kube-dns `stubDomains`
 * or the CoreDNS server blocks other than the default `.` zone. Domain to upstream servers.
 */
export function forwardedDomains(dnsObjects: readonly Obj[]): Array<{ domain: string; servers: string[] }> {
  const result: Array<{ domain: string; servers: string[] }> = [];
  for (const cm of dnsObjects.filter((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'kube-system')) {
    if (cm.data?.stubDomains !== undefined) {
      for (const [domain, servers] of Object.entries(JSON.parse(cm.data.stubDomains) as Record<string, string[]>)) {
        result.push({ domain, servers });
      }
    }
    // Corefile (CoreDNS) or `*.server` keys (AKS coredns-custom): server blocks either way.
    const corefiles = Object.entries(cm.data ?? {}).filter(([key]) => key === 'Corefile' || key.endsWith('.server')).map(([, text]) => text as string);
    for (const corefile of corefiles) {
      for (const block of corefileServerBlocks(corefile)) {
        if (block.zone === '.') continue;
        const forward = /forward \. ([^{\n]+)/.exec(block.body);
        result.push({ domain: block.zone, servers: forward ? forward[1].trim().split(/\s+/) : [] });
      }
    }
  }
  return result;
}

/** The address a synthesized DNS load-balancer Service is pinned to. */
export function pinnedAddress(service: Obj): string | undefined {
  return pinnedAddresses(service)[0];
}

/** Every address a load-balancer Service is pinned to (an AWS NLB: one per subnet). */
export function pinnedAddresses(service: Obj): string[] {
  const value = service.spec?.loadBalancerIP
    ?? service.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']
    ?? service.metadata.annotations?.['service.beta.kubernetes.io/azure-load-balancer-ipv4'];
  return value === undefined ? [] : String(value).split(',');
}

/** Removes the fields cdk8s drops when it synthesizes (empty metadata maps), for comparing rendered with synthesized objects. */
export function asSynthesized<T>(object: T): T {
  const copy = JSON.parse(JSON.stringify(object));
  for (const key of ['annotations', 'labels']) {
    if (copy.metadata?.[key] && Object.keys(copy.metadata[key]).length === 0) delete copy.metadata[key];
  }
  return copy;
}
