import type * as pulumi from '@pulumi/pulumi';
import { SqlEndpointsPlan } from '../../core/endpoints/plan';
import { SqlRecordSet } from '../../core/endpoints/records';

/**
 * The endpoints a DNS component writes records for: `MultiRegionCockroach.sqlEndpoints` or a
 * `GlobalSqlEndpoints` (structurally, so the cloud entry points never load `@pulumi/kubernetes`).
 */
export interface SqlEndpointsSource {
  /** The endpoints as planned (names, routing, health checks): the set of records. */
  readonly plan: SqlEndpointsPlan;
  /** The records with the load balancers' addresses resolved. */
  readonly records: pulumi.Output<SqlRecordSet[]>;
}
