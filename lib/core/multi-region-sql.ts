import { SurvivalGoal } from './topology';

/** Quotes a SQL identifier (CockroachDB region and database names). */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * The statements that make `database` multi-region over the given regions, each safe to run again:
 * the database is created when missing, the primary region set first (CockroachDB requires it
 * before `ADD REGION`), the others added `IF NOT EXISTS` in first-seen order, the `dropped` regions
 * removed `IF EXISTS`, then the survival goal. Regions are the locality `region=` values, so they
 * match `SHOW REGIONS FROM CLUSTER`.
 */
export function multiRegionSql(
  database: string,
  primaryRegion: string,
  regions: readonly string[],
  survivalGoal: SurvivalGoal,
  dropped: readonly string[] = [],
): string[] {
  const db = quoteIdentifier(database);
  const others = [...new Set(regions)].filter((r) => r !== primaryRegion && !dropped.includes(r));
  return [
    `CREATE DATABASE IF NOT EXISTS ${db};`,
    `ALTER DATABASE ${db} PRIMARY REGION ${quoteIdentifier(primaryRegion)};`,
    ...others.map((r) => `ALTER DATABASE ${db} ADD REGION IF NOT EXISTS ${quoteIdentifier(r)};`),
    ...dropped.map((r) => `ALTER DATABASE ${db} DROP REGION IF EXISTS ${quoteIdentifier(r)};`),
    `ALTER DATABASE ${db} SURVIVE ${survivalGoal === 'region' ? 'REGION' : 'ZONE'} FAILURE;`,
  ];
}
