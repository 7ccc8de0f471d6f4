// The connection strings applications use: libpq URIs (also read by pgx, node-postgres, psycopg and
// the CockroachDB drivers) that verify the server against the CA and the name they dial.
import { hostPort } from '../sans';

/** What a connection string is made of. */
export interface ConnectionStringParts {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** @default - none: the application supplies the user (PGUSER, or its client certificate) */
  readonly user?: string;
  /** The CA certificate file (`sslrootcert`). */
  readonly sslRootCert: string;
  /** False for `Tls.insecure()`: `sslmode=disable`, since the servers have no certificate. */
  readonly secure: boolean;
}

/** Percent-encodes a URI component, keeping `/` readable in file paths (libpq decodes either). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/');
}

/**
 * `postgresql://[user@]host:port/database?sslmode=verify-full&sslrootcert=<ca>`: `verify-full`
 * checks the chain against the CA and the host name against the certificate's SANs (libpq docs,
 * "SSL Support", Table "SSL Mode Descriptions").
 */
export function connectionString(parts: ConnectionStringParts): string {
  const user = parts.user !== undefined ? `${encode(parts.user)}@` : '';
  const query = parts.secure ? `sslmode=verify-full&sslrootcert=${encode(parts.sslRootCert)}` : 'sslmode=disable';
  return `postgresql://${user}${hostPort(parts.host, parts.port)}/${encode(parts.database)}?${query}`;
}
