// The PostgreSQL wire protocol's TLS upgrade, as CockroachDB serves SQL: the client sends an SSLRequest,
// the server answers 'S', and TLS starts on the same connection. A stand-in server per region (its node
// certificate) answers the StartupMessage that follows with an error naming itself, so a real client
// (psql/libpq with the generated connection string, node's tls, openssl s_client -starttls postgres)
// proves the handshake and the host-name verification, and which region it reached.
import * as net from 'net';
import * as tls from 'tls';
import { IssuedCert, TestCa } from './pki';
import { run } from './processes';

/** SSLRequest: Int32 length 8, Int32 code 80877103 (PostgreSQL docs, "Message Formats"). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** The message a stand-in answers every verified connection with. */
export function standInMessage(cluster: string): string {
  return `crosscluster stand-in of ${cluster}: TLS verified, no SQL here`;
}

/** An ErrorResponse (FATAL, 28000) with `message`. */
function errorResponse(message: string): Buffer {
  const fields = Buffer.concat([
    ...[['S', 'FATAL'], ['V', 'FATAL'], ['C', '28000'], ['M', message]].map(([k, v]) => Buffer.from(`${k}${v}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/** A region's SQL stand-in, listening on several loopback addresses (one per load-balancer address). */
export interface SqlStandIn {
  readonly cluster: string;
  /** Connections that completed the TLS handshake. */
  readonly verified: number;
  close(): Promise<void>;
}

/** Starts the stand-in of `cluster` on every host, port `port`, with the region's node certificate. */
export async function startSqlStandIn(cluster: string, hosts: readonly string[], port: number, cert: IssuedCert): Promise<SqlStandIn> {
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  const state = { verified: 0 };
  const context = tls.createSecureContext({ key: cert.keyPem, cert: cert.certPem, minVersion: 'TLSv1.2' });
  for (const host of hosts) {
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', (first) => {
        if (!first.subarray(0, 8).equals(SSL_REQUEST)) {
          socket.end(errorResponse('stand-in: expected an SSLRequest (sslmode=verify-full never sends plain text)'));
          return;
        }
        socket.write('S');
        const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
        secure.on('error', () => undefined);
        secure.once('secure', () => {
          state.verified++;
          secure.once('data', () => secure.end(errorResponse(standInMessage(cluster))));
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
  }
  return {
    cluster,
    get verified() { return state.verified; },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** Outcome of one client's connection. */
export interface SqlHandshake {
  readonly ok: boolean;
  readonly detail: string;
}

/** node: SSLRequest, then `tls.connect` on the socket, verifying the chain against `ca` and `name` with RFC 6125. */
export function nodeSqlHandshake(connectHost: string, port: number, name: string, ca: TestCa, timeoutMs = 5_000): Promise<SqlHandshake> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host: connectHost, port });
    const finish = (result: SqlHandshake) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, detail: `timeout after ${timeoutMs} ms` }), timeoutMs);
    socket.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, detail: `${e.code ?? ''} ${e.message}` }));
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (answer) => {
      if (answer.toString('latin1') !== 'S') {
        finish({ ok: false, detail: `server refused TLS: ${JSON.stringify(answer.toString('latin1'))}` });
        return;
      }
      const secure = tls.connect({
        socket,
        servername: net.isIP(name) ? undefined : name,
        ca: [ca.certPem],
        rejectUnauthorized: true,
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
      });
      secure.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, detail: `${e.code ?? ''} ${e.message}`.trim() }));
      secure.once('secureConnect', () => {
        // A StartupMessage (protocol 3.0, user u): the stand-in answers with its name.
        const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from('user\0u\0\0', 'utf8')]);
        const length = Buffer.alloc(4);
        length.writeInt32BE(body.length + 4);
        secure.write(Buffer.concat([length, body]));
        secure.once('data', (reply) => finish({ ok: true, detail: reply.toString('utf8') }));
      });
    });
  });
}

/** openssl: `s_client -starttls postgres` with `-verify_hostname`/`-verify_ip` and `-verify_return_error`. */
export async function opensslSqlHandshake(openssl: string, connectHost: string, port: number, name: string, ca: TestCa): Promise<SqlHandshake> {
  const ip = net.isIP(name) !== 0;
  const result = await run(openssl, [
    's_client', '-connect', `${connectHost}:${port}`, '-starttls', 'postgres', '-CAfile', ca.certFile, '-verify_return_error', '-brief',
    ...(ip ? ['-verify_ip', name] : ['-verify_hostname', name, '-servername', name]),
  ], { timeoutMs: 10_000 });
  const log = result.stderr + result.stdout;
  const verified = /^Verification: OK$/m.test(log) && (ip || /^Verified peername: \S+$/m.test(log));
  return { ok: verified, detail: verified ? 'verified' : log.split('\n').filter((l) => /error|verify|mismatch/i.test(l)).slice(0, 3).join(' | ') || `exit ${result.code}` };
}

/**
 * psql (libpq) with the connection string exactly as generated, plus `hostaddr` (the address the
 * stand-in DNS answered, mapped to loopback): libpq verifies the server against `host`, the name in the
 * string (libpq docs, "Parameter Key Words", hostaddr). Succeeds when the stand-in's error comes back,
 * i.e. the TLS handshake and `sslmode=verify-full` passed.
 */
export async function psqlHandshake(psql: string, connection: string, hostaddr: string): Promise<SqlHandshake> {
  const url = new URL(connection);
  url.searchParams.set('hostaddr', hostaddr);
  url.searchParams.set('connect_timeout', '5');
  const result = await run(psql, ['--no-psqlrc', '-w', '-c', 'select 1', url.toString()], { timeoutMs: 15_000 });
  const log = (result.stderr + result.stdout).trim();
  const reached = /crosscluster stand-in of (\S+): TLS verified/.exec(log);
  return { ok: reached !== null, detail: reached ? reached[1] : log.split('\n').slice(0, 2).join(' | ') };
}
