import { createHash } from 'crypto';
import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { ClusterPlan } from '../core/plan';

/** The label value `app.kubernetes.io/component` of each Job's pods (NetworkPolicies admit them to the database). */
export type JobComponent = 'init' | 'multi-region-sql' | 'upgrade' | 'decommission';

/** The `app.kubernetes.io/component` values of every Job pod that talks to the database. */
export const JOB_COMPONENTS: readonly JobComponent[] = ['init', 'multi-region-sql', 'upgrade', 'decommission'];

/** What a Job is made of; its name is derived from all of it. */
export interface JobSpec {
  /** What the Job does, in its name: `<base>-<purpose>-<hash>`. */
  readonly purpose: string;
  readonly component: JobComponent;
  /** The pod spec (restartPolicy included). */
  readonly podSpec: Record<string, unknown>;
  readonly backoffLimit: number;
  /** A hard bound on the whole Job, above the bound of its script. */
  readonly activeDeadlineSeconds: number;
}

const HASH_LENGTH = 10;
const MAX_NAME = 63;

/**
 * A Job named after a hash of its spec. A Job's pod template is immutable, so a Job whose content
 * changes (a new image, new statements, other ordinals) must be a new object: under a new name,
 * `kubectl apply`, Argo CD and Flux create it (and prune the old one), and Pulumi replaces it, with
 * no `field is immutable` error anywhere. The same content keeps its name, so a completed Job is
 * not run again on every apply; each script is idempotent when it does run again.
 */
export function renderHashedJob(base: string, cluster: ClusterPlan, spec: JobSpec): KubeObject {
  const labels = commonLabels(cluster);
  const body = {
    backoffLimit: spec.backoffLimit,
    activeDeadlineSeconds: spec.activeDeadlineSeconds,
    template: {
      metadata: { labels: { ...labels, 'app.kubernetes.io/component': spec.component } },
      spec: spec.podSpec,
    },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: hashedName(`${base}-${spec.purpose}`, body), namespace: cluster.namespace, labels: { ...labels, 'app.kubernetes.io/component': spec.component } },
    spec: body,
  };
}

/** `<prefix>-<hash of content>`, at most 63 characters (a Job's name is also a label value). */
export function hashedName(prefix: string, content: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, HASH_LENGTH);
  return `${prefix.slice(0, MAX_NAME - HASH_LENGTH - 1).replace(/-+$/, '')}-${hash}`;
}
