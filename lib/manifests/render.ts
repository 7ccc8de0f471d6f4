import { renderCertificates } from './certificates';
import { renderDatabase } from './database';
import { renderDns } from './dns';
import { renderJoinLoadBalancer } from './join-load-balancer';
import { KubeObject } from './kube-object';
import { renderNetworkPolicies } from './network-policies';
import { renderOwnCoredns } from './own-coredns';
import { renderPerPodServices } from './per-pod-services';
import { renderServiceExport } from './service-export';
import { renderSqlEndpoints } from './sql-endpoints';
import { ClusterPlan, DeploymentPlan } from '../core/plan';

/** The objects of one cluster, grouped by who usually owns them. */
export interface ClusterManifests {
  /** The cluster name. */
  readonly cluster: string;
  /**
   * Namespace, RBAC, Services, topology ConfigMap, StatefulSet, PDB, (in one cluster) the init Job, the
   * NetworkPolicy; in a cluster set, the headless Service's `ServiceExport`.
   */
  readonly database: KubeObject[];
  /** Per-pod LoadBalancer Services (per-pod load balancers), or the join load balancer (pod IPs). */
  readonly loadBalancers: KubeObject[];
  /** cert-manager Issuer and Certificates (cert-manager TLS). */
  readonly certificates: KubeObject[];
  /** kube-system objects: the DNS load balancer and forwarding (DNS chain). Often owned by another pipeline. */
  readonly dns: KubeObject[];
  /**
   * The DNS chain's own CoreDNS, in the database namespace (`ownCoredns`): its RBAC, Corefile, Deployment,
   * Services, load balancer, PDB and NetworkPolicy. `dns` then holds at most the cluster DNS's forwarding to it.
   */
  readonly dnsServer: KubeObject[];
  /** The SQL load balancer of the client endpoints (`sqlEndpoints`), in the database namespace. */
  readonly sqlEndpoints: KubeObject[];
}

/** Renders every object of one cluster from the plan. Pure: the same plan gives the same objects. */
export function renderCluster(plan: DeploymentPlan, cluster: ClusterPlan): ClusterManifests {
  return {
    cluster: cluster.name,
    database: [...renderDatabase(plan, cluster), ...renderNetworkPolicies(plan, cluster), ...renderServiceExport(cluster)],
    loadBalancers: [...renderPerPodServices(plan, cluster), ...renderJoinLoadBalancer(plan, cluster)],
    certificates: renderCertificates(plan, cluster),
    dns: renderDns(plan, cluster),
    dnsServer: renderOwnCoredns(plan, cluster),
    sqlEndpoints: renderSqlEndpoints(plan, cluster),
  };
}

/** Renders every cluster, in topology order. */
export function renderDeployment(plan: DeploymentPlan): ClusterManifests[] {
  return plan.clusters.map((cluster) => renderCluster(plan, cluster));
}

/** All objects of one cluster as one list, in apply order. */
export function allObjects(manifests: ClusterManifests): KubeObject[] {
  return [
    ...manifests.database, ...manifests.certificates, ...manifests.loadBalancers, ...manifests.sqlEndpoints, ...manifests.dnsServer, ...manifests.dns,
  ];
}
