// A stack test written for node's own test runner (`node --test`), as a user without Jest would
// write it: the shipped mocks need no test framework. Run by test/testing/cloud-mocks.test.ts.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudMocks, outputValue } from '../../lib/pulumi/testing';

void test('per-pod load balancers get the addresses the mocked cloud reports', async () => {
  const mocks = await CloudMocks.install({ project: 'node-test' });
  const k8s = await import('@pulumi/kubernetes');
  const { PerPodLoadBalancers } = await import('../../lib/pulumi');
  const provider = new k8s.Provider('gke', { kubeconfig: 'gke' });
  const lbs = new PerPodLoadBalancers('lbs', {
    clusters: [{ name: 'gke', cloud: 'gcp', region: 'us-east1', nodes: 2, podCidrs: ['10.12.0.0/14'], nodeCidrs: ['10.10.0.0/20'], provider }],
  });
  const addresses = await outputValue(lbs.addresses);
  assert.deepEqual(addresses.gke, [0, 1].map((i) => mocks.loadBalancerIngress('gke', `cockroachdb-${i}-lb`)!.ip));
});
