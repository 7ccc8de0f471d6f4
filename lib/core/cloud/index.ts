export * from './allow-lists';
export * from './aws';
export * from './azure';
export * from './cloud-profile';
export * from './gcp';
export * from './generic';
export * from './load-balancer';
export * from './profiles';
export { findCloudProblems, usesCloudDns } from './validation';
