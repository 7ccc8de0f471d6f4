export * from './connection';
export * from './health-checks';
export * from './names';
export * from './plan';
export * from './records';
export * from './sql-endpoints';
// read.ts (the validation snapshot of `sqlEndpoints`) is internal: lib/core/validation imports it directly.
