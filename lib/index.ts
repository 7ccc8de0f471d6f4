/**
 * crosscluster: the engine-agnostic core. Topology types, validation, the deployment plan and
 * the pure Kubernetes renderers shared by `crosscluster/cdk8s` and `crosscluster/pulumi`.
 * @packageDocumentation
 */
export * from './core';
export * from './manifests';
export * from './core/vpn';
