import { SurvivalGoal } from './topology';

/** Quotes a SQL identifier (CockroachDB region and database names). */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * The statements that make `database` multi-region over the given regions: the primary region
 * first (CockroachDB requires it before `ADD REGION`), the others in first-seen order, then the
 * survival goal. Regions are the locality `region=` values, so they match `SHOW REGIONS FROM CLUSTER`.
 */
export function multiRegionSql(
  database: string,
  primaryRegion: string,
  regions: readonly string[],
  survivalGoal: SurvivalGoal,
): string[] {
  const db = quoteIdentifier(database);
  const others = [...new Set(regions)].filter((r) => r !== primaryRegion);
  return [
    `ALTER DATABASE ${db} PRIMARY REGION ${quoteIdentifier(primaryRegion)};`,
    ...others.map((r) => `ALTER DATABASE ${db} ADD REGION ${quoteIdentifier(r)};`),
    `ALTER DATABASE ${db} SURVIVE ${survivalGoal === 'region' ? 'REGION' : 'ZONE'} FAILURE;`,
  ];
}
