// Real TLS handshakes on loopback: node's tls module (OpenSSL underneath, node's RFC 6125
// checkServerIdentity) and the openssl s_client CLI (OpenSSL's X509_check_host/X509_check_ip).
import * as net from 'net';
import * as tls from 'tls';
import { IssuedCert, TestCa } from './pki';
import { run } from './processes';

/** A mutual-TLS server standing in for one cluster's CockroachDB nodes. */
export interface NodeTlsServer {
  readonly cluster: string;
  readonly hosts: readonly string[];
  readonly port: number;
  /** Common names of the client certificates the server accepted. */
  readonly acceptedClients: string[];
  close(): Promise<void>;
}

/**
 * Starts a TLS server on each of `hosts` (loopback) with the cluster's node certificate. Like a
 * CockroachDB node it requests a client certificate, verifies it against the CA and rejects the
 * connection without one; to each accepted client it writes `<cluster> <client CN>\n`.
 */
export async function startNodeServer(cluster: string, hosts: readonly string[], port: number, ca: TestCa, cert: IssuedCert): Promise<NodeTlsServer> {
  const acceptedClients: string[] = [];
  const servers: tls.Server[] = [];
  const sockets = new Set<net.Socket>();
  for (const host of hosts) {
    const server = tls.createServer({
      key: cert.keyPem,
      cert: cert.certPem,
      ca: [ca.certPem],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    }, (socket) => {
      const cn = socket.getPeerCertificate().subject?.CN ?? '';
      acceptedClients.push(String(cn));
      socket.end(`${cluster} ${String(cn)}\n`);
    });
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
  }
  return {
    cluster,
    hosts,
    port,
    acceptedClients,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** Outcome of one handshake. */
export interface HandshakeResult {
  readonly ok: boolean;
  /** What the server wrote (`<cluster> <client CN>`), or the error. */
  readonly detail: string;
}

/**
 * Dials `connectHost:port` as a peer would dial `name`: SNI `name` (for DNS names), the server's
 * chain verified against `ca`, and `name` checked against the certificate with node's
 * `tls.checkServerIdentity` (RFC 6125: IPs against iPAddress SANs, one-label wildcards). The client
 * presents `clientCert`. Bounded by `timeoutMs`.
 */
export function nodeHandshake(
  connectHost: string, port: number, name: string, ca: TestCa, clientCert: IssuedCert | undefined, timeoutMs = 5_000,
): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    let data = '';
    let settled = false;
    const finish = (result: HandshakeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const socket = tls.connect({
      host: connectHost,
      port,
      servername: net.isIP(name) ? undefined : name,
      ca: [ca.certPem],
      key: clientCert?.keyPem,
      cert: clientCert?.certPem,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
    });
    const timer = setTimeout(() => finish({ ok: false, detail: `timeout after ${timeoutMs} ms` }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('end', () => finish({ ok: data.endsWith('\n'), detail: data.trim() || 'closed without a response' }));
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, detail: `${error.code ?? ''} ${error.message}`.trim() }));
  });
}

/**
 * The same dial with the openssl CLI: `s_client -verify_hostname` (or `-verify_ip`) with
 * `-verify_return_error`, so OpenSSL's own X509_check_host/X509_check_ip decide, and any
 * verification error aborts the handshake.
 */
export async function opensslHandshake(
  openssl: string, connectHost: string, port: number, name: string, ca: TestCa, clientCert: IssuedCert | undefined, timeoutMs = 10_000,
): Promise<HandshakeResult> {
  const ip = net.isIP(name) !== 0;
  const args = [
    's_client', '-connect', `${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${port}`,
    '-CAfile', ca.certFile, '-verify_return_error', '-ign_eof', '-ignore_unexpected_eof', '-brief',
    ...(ip ? ['-verify_ip', name] : ['-verify_hostname', name, '-servername', name]),
    ...(clientCert ? ['-cert', clientCert.certFile, '-key', clientCert.keyFile] : []),
  ];
  const result = await run(openssl, args, { timeoutMs });
  const log = result.stderr + result.stdout;
  // `Verified peername: <the SAN that matched>` is printed only when X509_check_host matched.
  const verified = /^Verification: OK$/m.test(log) && (ip || /^Verified peername: \S+$/m.test(log));
  const response = result.stdout.trim();
  const errors = log.split('\n').filter((l) => /error|mismatch|alert/i.test(l)).slice(0, 3).join(' | ');
  return {
    ok: result.code === 0 && verified && response.length > 0,
    detail: result.code === 0 && verified ? response : `exit ${result.code}: ${errors || log.trim().split('\n').slice(-2).join(' | ')}`,
  };
}

/** Runs async jobs with bounded concurrency, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}
