export * from './connection';
export * from './health-checks';
export * from './names';
export * from './plan';
export * from './records';
export * from './sql-endpoints';
export { canonicalSqlEndpoints, readSqlEndpoints } from './read';
export type { SqlEndpointsSnapshot } from './read';
