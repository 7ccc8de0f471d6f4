// What every DNS suite starts before its cases: the tools (a missing one fails the suite with the
// reason, it never skips), a temporary directory, a process group, the DNS port, the upstream sink the
// simulated nodes' resolv.conf names, and one shared CA.
import * as path from 'path';
import { UpstreamSink } from './dns';
import { OpensslPki, TestCa } from './pki';
import { dnsPort, E2E_HOME, ProcessGroup, removeDir, requireTool, tempDir } from './processes';

export interface DnsWorld {
  readonly dir: string;
  readonly group: ProcessGroup;
  /** 53 where this process may bind it (root); otherwise one high port for every resolver. */
  readonly port: number;
  readonly sink: UpstreamSink;
  readonly pki: OpensslPki;
  readonly ca: TestCa;
  readonly dig: string;
  readonly coredns: string;
  /** Only when asked for. */
  readonly dnsmasq: string;
}

/** Starts the world of a suite whose loopback addresses are 127.<base>.x.y. */
export async function startDnsWorld(name: string, base: number, tools: { dnsmasq?: boolean } = {}): Promise<DnsWorld> {
  const dnsmasq = tools.dnsmasq ? requireTool('dnsmasq') : '';
  const dig = requireTool('dig');
  const coredns = requireTool('coredns', [path.join(E2E_HOME, 'bin')]);
  const dir = tempDir(name);
  const group = new ProcessGroup();
  const port = await dnsPort(`127.${base}.255.53`);
  const sink = new UpstreamSink({ host: `127.${base}.255.53`, port });
  await sink.start();
  const pki = new OpensslPki(dir);
  const ca = await pki.createCa('shared-ca');
  return { dir, group, port, sink, pki, ca, dig, coredns, dnsmasq };
}

/** Stops every process and the sink, removes the directory; safe on a world that failed to start. */
export async function stopDnsWorld(world: DnsWorld | undefined): Promise<void> {
  await world?.group.stopAll();
  await world?.sink.stop();
  if (world) removeDir(world.dir);
}
