import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { lifecycleNames } from '../core/lifecycle';
import { ClusterPlan, DeploymentPlan } from '../core/plan';

/**
 * The CEL rule: an update may lower the replicas (of the StatefulSet, or through its `scale`
 * subresource) only down to the lowest ordinal the decommission Job verified, and only if the
 * StatefulSet has not changed since it recorded (same generation): a later scale-up adds new,
 * not decommissioned, nodes. The `scale` subresource carries no generation, so `kubectl scale`
 * can raise but never lower.
 */
export const SCALE_DOWN_RULE = 'variables.newReplicas >= variables.oldReplicas || (variables.recorded && ' +
  'int(params.data[\'decommissioned-from\']) <= variables.newReplicas && has(oldObject.metadata.generation) && ' +
  'string(oldObject.metadata.generation) == params.data[\'generation\'])';

/**
 * The scale-down guard of one cluster: the ConfigMap the decommission Job writes (rendered with no
 * data, so GitOps and Pulumi own only its existence), and a `ValidatingAdmissionPolicy` with its
 * binding that refuses lowering the StatefulSet's replicas below what was verified decommissioned,
 * whatever applies the change. Requires Kubernetes >= 1.30 (admissionregistration.k8s.io/v1).
 */
export function renderScaleDownGuard(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  if (!plan.cockroach.scaleDownGuard) return [];
  const names = lifecycleNames(plan.cockroach.name, cluster.namespace);
  const labels = commonLabels(cluster);
  const sts = cluster.names.statefulSet;
  const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': cluster.namespace } };
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: names.decommissionedConfigMap,
        namespace: cluster.namespace,
        labels,
        annotations: { 'crosscluster.io/written-by': 'the decommission Job: decommissioned-from, generation' },
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: names.scaleDownGuard, labels },
      spec: {
        failurePolicy: 'Fail',
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        matchConstraints: {
          namespaceSelector,
          resourceRules: [{
            apiGroups: ['apps'],
            apiVersions: ['v1'],
            operations: ['UPDATE'],
            resources: ['statefulsets', 'statefulsets/scale'],
            resourceNames: [sts],
          }],
        },
        variables: [
          { name: 'newReplicas', expression: 'has(object.spec.replicas) ? object.spec.replicas : 0' },
          { name: 'oldReplicas', expression: 'has(oldObject.spec.replicas) ? oldObject.spec.replicas : 0' },
          { name: 'recorded', expression: 'has(params.data) && \'decommissioned-from\' in params.data && \'generation\' in params.data' },
        ],
        validations: [{
          expression: SCALE_DOWN_RULE,
          reason: 'Forbidden',
          messageExpression: `'crosscluster: lowering the replicas of ${sts} in ${cluster.namespace} from ' + string(variables.oldReplicas) + ' to ' + ` +
            'string(variables.newReplicas) + \' would remove CockroachDB nodes that are not verified decommissioned. Set scaleDownTo: \' + ' +
            `string(variables.newReplicas) + ' on cluster ${cluster.name}, apply, wait for its decommission Job to complete, then lower nodes (see docs/day-2.md).'`,
        }],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: names.scaleDownGuard, labels },
      spec: {
        policyName: names.scaleDownGuard,
        validationActions: ['Deny'],
        paramRef: { name: names.decommissionedConfigMap, namespace: cluster.namespace, parameterNotFoundAction: 'Deny' },
        matchResources: { namespaceSelector },
      },
    },
  ];
}
