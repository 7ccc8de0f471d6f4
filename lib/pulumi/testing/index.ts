/**
 * crosscluster/pulumi/testing: mocks for unit tests of Pulumi programs that use crosscluster,
 * with Jest, Mocha or node's test runner. They answer the way the clouds and Kubernetes do
 * (load-balancer addresses, VPN tunnel attributes, stand-in certificates), so the components'
 * outputs resolve as in a real `pulumi up`. Needs only `@pulumi/pulumi`.
 * @packageDocumentation
 */
export { CloudMocks, CloudMocksOptions, MockedKubeObject, MockedResource, outputValue, settle, withDataPatchesMerged } from './cloud-mocks';
export {
  LoadBalancerIngress, MOCK_AWS_PSK_PREFIX, MOCK_EXISTING_COREFILE, computedAttributes, invokeAnswer, loadBalancerIngress, standInSecret,
} from './cloud-answers';
export { isSecretValue, unwrapSecrets } from './secret-values';
