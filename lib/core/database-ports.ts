import { COCKROACH_HTTP_PORT, COCKROACH_PORT } from './topology';

/** A port the database pods listen on. */
export interface DatabaseListener {
  /** The container port's name (Services target it by name). */
  readonly name: string;
  readonly port: number;
}

/**
 * The ports peers and SQL clients dial: the one list the per-pod load balancers and the NetworkPolicy
 * are built from, so a separate RPC listener (26258) is a change here only.
 */
export function databaseListeners(): readonly DatabaseListener[] {
  return [{ name: 'grpc', port: COCKROACH_PORT }];
}

/** The HTTP port (DB Console, health, metrics): never on a load balancer, only for the namespace and named clients. */
export const DATABASE_HTTP_LISTENER: DatabaseListener = { name: 'http', port: COCKROACH_HTTP_PORT };
