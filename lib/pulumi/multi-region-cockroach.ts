import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { DnsAddressInput, ingressAddress, pendingDnsAddresses, pendingPodAddresses, PodAddressInputs } from './address-inputs';
import { ClusterCerts } from './cluster-certs';
import { PulumiClusterSpec, toClusterSpecs } from './cluster-spec';
import { DnsChain } from './dns-chain';
import { GlobalSqlEndpoints } from './global-sql-endpoints';
import { registerKubeObject } from './kube-resource';
import { loadBalancerTimeoutProblems, loadBalancerTimeouts } from './load-balancer-timeout';
import { PerPodLoadBalancers, WAIT_FOR_INGRESS } from './per-pod-load-balancers';
import { requireArgs, validatePulumiTopology } from './validation';
import { TopologyInput } from '../core/input';
import { Networking } from '../core/networking';
import { ClusterPlan, DeploymentPlan, planDeployment } from '../core/plan';
import { Tls } from '../core/tls';
import { CockroachOptions } from '../core/topology';
import { ownValue } from '../core/validation/read';
import { addressDependentObjects, clusterObjectKey } from '../manifests/address-dependence';
import { renderDatabase } from '../manifests/database';
import { renderJoinLoadBalancer } from '../manifests/join-load-balancer';
import { KubeObject, objectKey } from '../manifests/kube-object';
import { renderNetworkPolicies } from '../manifests/network-policies';
import { renderServiceExport } from '../manifests/service-export';

/**
 * The StatefulSet is not awaited: its pods cannot be ready before `cockroach init`, which the
 * init Job runs once they are all up. The init Job is what a deploy waits on.
 */
export const SKIP_AWAIT = { 'pulumi.com/skipAwait': 'true' } as const;

/** Kinds that only hold configuration: a StatefulSet's pods need them to start. */
const CONFIG_KINDS = new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Role', 'RoleBinding']);

/** Arguments of {@link MultiRegionCockroach}. */
export interface MultiRegionCockroachArgs extends CockroachOptions {
  /** The Kubernetes clusters, one CockroachDB StatefulSet each, each with its provider. */
  readonly clusters: readonly PulumiClusterSpec[];
  /**
   * How pods reach each other across clusters: `Networking.perPodLoadBalancers(...)`,
   * `Networking.dnsChain(...)` (with `ownCoredns`, a CoreDNS of the library's own),
   * `Networking.clusterSet(...)` (MCS API names), `Networking.podIps(...)` (with
   * `Tls.certManager(...)` or `Tls.insecure()`: each pod's certificate is issued in its cluster at
   * start) or `Networking.hostNetwork(...)`.
   */
  readonly networking: Networking;
  /**
   * How certificates are issued: `Tls.generated(...)`, `Tls.existingCa(...)`, `Tls.certManager(...)`
   * (cert-manager in each cluster, from the CA Secret you provisioned there) or `Tls.insecure()`.
   * @default Tls.generated()
   */
  readonly tls?: Tls;
  /**
   * Reserved per-pod addresses that are outputs of the same stack (e.g. `gcp.compute.Address`),
   * by cluster name and pod ordinal; they take precedence over `networking` addresses of the same
   * cluster. Per-pod load balancers only.
   * @default - the addresses given in `networking`, else each Service's status
   */
  readonly podAddresses?: PodAddressInputs;
  /**
   * DNS load-balancer IPs that are outputs of the same stack, by cluster name; they take
   * precedence over `networking` DNS addresses. DNS chaining only.
   * @default - the addresses given in `networking`, else each DNS Service's status
   */
  readonly dnsAddresses?: Readonly<Record<string, DnsAddressInput>>;
  /**
   * How long Pulumi waits for the init Job to complete and for the database Services.
   * @default '30m'
   */
  readonly initTimeout?: string;
  /**
   * How long `pulumi up` waits for the cloud to give each load balancer its address (a Pulumi
   * duration such as '10m'). A load balancer the cloud refuses fails the update after this.
   * @default '15m'
   */
  readonly loadBalancerTimeout?: string;
}

/** Names of one cluster's objects. */
export interface MultiRegionClusterInfo {
  /** The namespace of the database objects. */
  readonly namespace: string;
  /** The StatefulSet. */
  readonly statefulSet: string;
  /** The ClusterIP Service for SQL clients. */
  readonly publicService: string;
  /** The Secret with the node certificate (absent with `Tls.insecure()`). */
  readonly nodeSecret?: string;
  /** The Secret with the root client certificate (absent with `Tls.insecure()`). */
  readonly clientSecret?: string;
}

/**
 * CockroachDB across Kubernetes clusters: the per-pod load balancers or the DNS chain, the
 * certificates, and in every cluster the namespace, RBAC, Services, topology ConfigMap,
 * StatefulSet and PodDisruptionBudget, plus one init Job. The set of resources depends on the
 * topology only; addresses flow into them as outputs.
 */
export class MultiRegionCockroach extends pulumi.ComponentResource {
  /** `host:port` entries of `--join`, identical in every cluster. */
  public readonly joinAddresses: pulumi.Output<string[]>;
  /** Per cluster name, per pod ordinal: the address the pod advertises. */
  public readonly advertiseAddresses: pulumi.Output<Record<string, string[]>>;
  /** The CA certificate every node trusts (undefined with `Tls.insecure()` and `Tls.certManager()`). */
  public readonly caCertPem: pulumi.Output<string | undefined>;
  /** Per cluster name: namespace, StatefulSet, public Service and certificate Secret names. */
  public readonly clusters: pulumi.Output<Record<string, MultiRegionClusterInfo>>;
  /** The `ALTER DATABASE ...` statements that make the database multi-region over the clusters' regions. */
  public readonly multiRegionSql: pulumi.Output<string[]>;
  /** The per-pod load balancers (per-pod load-balancer networking only). */
  public readonly loadBalancers?: PerPodLoadBalancers;
  /** The DNS chain (DNS-chain networking only). */
  public readonly dnsChain?: DnsChain;
  /** Per cluster name, its join load balancer's Service(s) (pod-IP networking only). */
  public readonly joinLoadBalancers?: Readonly<Record<string, readonly k8s.core.v1.Service[]>>;
  /** The certificates (absent with `Tls.insecure()`). */
  public readonly certs?: ClusterCerts;
  /**
   * The client endpoints, with `sqlEndpoints`: the SQL load balancers and their addresses; create the
   * records with `Route53SqlRecords` (crosscluster/pulumi/aws) or `CloudDnsSqlRecords` (crosscluster/pulumi/gcp).
   */
  public readonly sqlEndpoints?: GlobalSqlEndpoints;
  /** Per cluster name, every database object's resource, in apply order. */
  public readonly resources: Readonly<Record<string, readonly pulumi.CustomResource[]>>;
  /** The one Job that runs `cockroach init`. */
  public readonly initJob: k8s.batch.v1.Job;
  /**
   * Per cluster name, its Jobs: init and multi-region SQL (init cluster), the upgrade step, the
   * decommission. Each is named after a hash of its content, so a change is a new Job.
   */
  public readonly jobs: Readonly<Record<string, readonly k8s.batch.v1.Job[]>>;

  constructor(name: string, args: MultiRegionCockroachArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'MultiRegionCockroach');
    const topology = toTopology(args);
    validatePulumiTopology(topology, args.clusters, 'pulumi', loadBalancerTimeoutProblems(args?.loadBalancerTimeout));
    const skeleton = planDeployment(topology, { engine: 'pulumi', placeholders: true });
    const dependent = addressDependentObjects(topology, 'pulumi');
    super('crosscluster:index:MultiRegionCockroach', name, {}, opts);

    const timeouts = { create: args.initTimeout ?? '30m', update: args.initTimeout ?? '30m' };
    // The composed components place Services, DNS and certificates, which no day-2 field changes;
    // they check a topology without the database options, so they get the clusters without those fields.
    const componentClusters = args.clusters.map(({ version: _v, scaleDownTo: _s, retiring: _r, ...cluster }) => cluster);
    const providerOf = (i: number) => args.clusters[i].provider;
    const resources: Record<string, pulumi.CustomResource[]> = {};
    const namespaces: Record<string, pulumi.Resource> = {};
    const database = skeleton.clusters.map((cluster) => databaseObjects(skeleton, cluster));

    // Namespaces first: the load balancers and the Secrets go into them.
    skeleton.clusters.forEach((cluster, i) => {
      const object = database[i].find((o) => o.kind === 'Namespace')!;
      namespaces[cluster.name] = registerKubeObject(`${name}-${cluster.name}-${object.metadata.name}`, { skeleton: object }, {
        parent: this, provider: providerOf(i), deleteBeforeReplace: true,
      });
      resources[cluster.name] = [namespaces[cluster.name] as pulumi.CustomResource];
    });

    let podAddresses: pulumi.Output<Record<string, string[]>> | undefined;
    const lbOptions = args.networking.perPodLoadBalancers;
    if (lbOptions) {
      this.loadBalancers = new PerPodLoadBalancers(`${name}-lb`, {
        clusters: componentClusters,
        name: args.name,
        addresses: { ...lbOptions.addresses, ...args.podAddresses },
        internal: lbOptions.internal,
        sourceRanges: lbOptions.sourceRanges,
        externalDns: lbOptions.externalDns,
        namespaces,
        loadBalancerTimeout: args.loadBalancerTimeout,
      }, { parent: this });
      podAddresses = this.loadBalancers.addresses;
    }
    const dnsOptions = args.networking.dnsChain;
    if (dnsOptions) {
      this.dnsChain = new DnsChain(`${name}-dns`, {
        clusters: componentClusters,
        dnsAddresses: { ...dnsOptions.dnsAddresses, ...args.dnsAddresses },
        internal: dnsOptions.internal,
        tcpOnlyClusters: dnsOptions.tcpOnlyClusters,
        sourceRanges: dnsOptions.sourceRanges,
        loadBalancerTimeout: args.loadBalancerTimeout,
        ownCoredns: dnsOptions.ownCoredns,
        name: args.name,
        namespaces,
        networkPolicy: args.networkPolicy,
      }, { parent: this });
    }

    // Pod IPs: one join load balancer per cluster, pinned to the given address or read from its status.
    let joinAddresses: pulumi.Output<Record<string, string[]>> | undefined;
    const podIpsOptions = args.networking.podIps;
    if (podIpsOptions) {
      const services: Record<string, k8s.core.v1.Service[]> = {};
      const learned: Record<string, pulumi.Output<string[]>> = {};
      skeleton.clusters.forEach((cluster, i) => {
        services[cluster.name] = renderJoinLoadBalancer(skeleton, cluster).map((object) => registerKubeObject(
          `${name}-${cluster.name}-${object.metadata.name}`,
          { skeleton: object, engineAnnotations: WAIT_FOR_INGRESS },
          {
            parent: this,
            provider: providerOf(i),
            deleteBeforeReplace: true,
            dependsOn: [namespaces[cluster.name]],
            customTimeouts: loadBalancerTimeouts(args.loadBalancerTimeout),
          },
        ) as k8s.core.v1.Service);
        const given = ownValue(podIpsOptions.joinAddresses, cluster.name);
        learned[cluster.name] = given !== undefined
          ? pulumi.output(typeof given === 'string' ? [given] : [...given])
          : services[cluster.name][0].status.apply((status) => {
            const address = ingressAddress(status);
            if (!address) throw new Error(`crosscluster: the join load balancer of cluster '${cluster.name}' reports no address`);
            return [address];
          });
      });
      this.joinLoadBalancers = services;
      joinAddresses = pulumi.all(learned) as pulumi.Output<Record<string, string[]>>;
    }

    if (args.sqlEndpoints !== undefined) {
      // The options the endpoints read; day-2 fields change no load balancer.
      this.sqlEndpoints = new GlobalSqlEndpoints(`${name}-sql`, {
        name: args.name,
        database: args.database,
        separateSqlPort: args.separateSqlPort,
        survivalGoal: args.survivalGoal,
        networkPolicy: args.networkPolicy,
        sqlEndpoints: args.sqlEndpoints,
        clusters: componentClusters,
        tls: skeleton.tls,
        networking: topology.networking,
        namespaces,
        loadBalancerTimeout: args.loadBalancerTimeout,
      }, { parent: this });
    }

    const live: pulumi.Output<DeploymentPlan> = podAddresses
      ? podAddresses.apply((a) => planDeployment(topology, { engine: 'pulumi', resolved: { podAddresses: a } }))
      : joinAddresses
        ? joinAddresses.apply((a) => planDeployment(topology, { engine: 'pulumi', resolved: { joinAddresses: a } }))
        : pulumi.output(planDeployment(topology, { engine: 'pulumi', placeholders: true }));

    // Rendered once per resolved plan; each address-dependent object looks itself up by key.
    const liveDatabase = live.apply((p) => p.clusters.map((c) => new Map(databaseObjects(p, c).map((o) => [objectKey(o), o]))));

    const certs = skeleton.tls.secure
      ? new ClusterCerts(`${name}-certs`, {
        clusters: componentClusters,
        tls: skeleton.tls,
        networking: topology.networking,
        name: args.name,
        podAddresses,
        sqlEndpoints: args.sqlEndpoints,
        sqlAddresses: this.sqlEndpoints?.addresses,
        namespaces,
      }, { parent: this })
      : undefined;
    this.certs = certs;

    const statefulSets: pulumi.Resource[] = [];
    const configs: pulumi.Resource[] = [];
    // The certificate Secrets (generated TLS) or cert-manager's Issuer and Certificates (Tls.certManager()).
    const allSecrets = certs ? [...Object.values(certs.secrets), ...Object.values(certs.certificates)].flat() : [];
    const jobs: Record<string, k8s.batch.v1.Job[]> = {};
    const clusterConfigs: Record<string, pulumi.Resource[]> = {};
    const sourceOf = (i: number, cluster: ClusterPlan, object: KubeObject) => ({
      skeleton: object,
      live: dependent.has(clusterObjectKey(cluster.name, object))
        ? liveDatabase.apply((r) => findDatabaseObject(r[i], objectKey(object))) : undefined,
      engineAnnotations: object.kind === 'StatefulSet' ? SKIP_AWAIT : undefined,
    });
    const register = (i: number, cluster: ClusterPlan, object: KubeObject, dependsOn: pulumi.Resource[]) => {
      const timeout = object.kind === 'Job' ? jobTimeout(object, args.initTimeout) : timeouts;
      const resource = registerKubeObject(`${name}-${cluster.name}-${object.metadata.name}`, sourceOf(i, cluster, object), {
        parent: this,
        provider: providerOf(i),
        deleteBeforeReplace: true,
        dependsOn,
        ...(object.kind === 'Service' || object.kind === 'Job' ? { customTimeouts: timeout } : {}),
      });
      resources[cluster.name].push(resource);
      if (object.kind === 'Job') (jobs[cluster.name] ??= []).push(resource as k8s.batch.v1.Job);
      return resource;
    };
    const jobsOf = (i: number, component: string) => database[i].filter((o) => o.kind === 'Job' && jobComponent(o) === component);

    // Configuration first: everything but the StatefulSet and the Jobs.
    skeleton.clusters.forEach((cluster, i) => {
      const secrets = certs ? [...certs.secrets[cluster.name] ?? [], ...certs.certificates[cluster.name] ?? []] : [];
      clusterConfigs[cluster.name] = [namespaces[cluster.name], ...secrets];
      for (const object of database[i]) {
        if (object.kind === 'Namespace' || object.kind === 'Job' || object.kind === 'StatefulSet') continue;
        const resource = register(i, cluster, object, object.metadata.namespace !== undefined ? [namespaces[cluster.name]] : []);
        if (CONFIG_KINDS.has(object.kind)) {
          clusterConfigs[cluster.name].push(resource);
          configs.push(resource);
        }
      }
    });
    // Before any StatefulSet rolls to a new version: cluster.preserve_downgrade_option.
    const initIndex = skeleton.clusters.findIndex((c) => c.runsInit);
    const upgrade = skeleton.upgrade;
    const preserve = upgrade && !upgrade.finalize
      ? jobsOf(initIndex, 'upgrade').map((o) => register(initIndex, skeleton.clusters[initIndex], o, clusterConfigs[skeleton.clusters[initIndex].name]))
      : [];
    // Before a StatefulSet scales down: the decommission of its highest ordinals, verified.
    const scaleDown: Record<string, pulumi.Resource[]> = {};
    skeleton.clusters.forEach((cluster, i) => {
      if (cluster.retiring) return;
      scaleDown[cluster.name] = jobsOf(i, 'decommission').map((o) => register(i, cluster, o, clusterConfigs[cluster.name]));
    });
    skeleton.clusters.forEach((cluster, i) => {
      const object = database[i].find((o) => o.kind === 'StatefulSet')!;
      const rolls = upgrade !== undefined && !upgrade.finalize && upgrade.upgradedClusters.includes(cluster.name);
      const before = [...clusterConfigs[cluster.name], ...(rolls ? preserve : []), ...scaleDown[cluster.name] ?? []];
      statefulSets.push(register(i, cluster, object, before));
    });
    // Once every StatefulSet exists: init, then the multi-region SQL; finalization after every roll.
    const initObject = jobsOf(initIndex, 'init')[0];
    const initJob = register(initIndex, skeleton.clusters[initIndex], initObject, [...statefulSets, ...configs, ...allSecrets]) as k8s.batch.v1.Job;
    const sqlJobs = jobsOf(initIndex, 'multi-region-sql').map((o) => register(initIndex, skeleton.clusters[initIndex], o, [initJob]));
    if (upgrade?.finalize) {
      for (const o of jobsOf(initIndex, 'upgrade')) register(initIndex, skeleton.clusters[initIndex], o, [initJob, ...statefulSets]);
    }
    // A retiring cluster's nodes go once its region is dropped from the databases.
    skeleton.clusters.forEach((cluster, i) => {
      if (!cluster.retiring) return;
      for (const o of jobsOf(i, 'decommission')) register(i, cluster, o, [...clusterConfigs[cluster.name], ...sqlJobs]);
    });
    this.initJob = initJob;
    this.jobs = jobs;
    this.resources = resources;

    this.joinAddresses = live.apply((p) => [...p.joinAddresses]);
    this.advertiseAddresses = live.apply((p) => Object.fromEntries(p.clusters.map((c) => [c.name, c.pods.map((pod) => pod.advertiseHost)])));
    this.caCertPem = certs?.caCertPem ?? pulumi.output(undefined);
    this.clusters = pulumi.output(Object.fromEntries(skeleton.clusters.map((c) => [c.name, {
      namespace: c.namespace,
      statefulSet: c.names.statefulSet,
      publicService: c.names.publicService,
      ...(skeleton.tls.secure ? { nodeSecret: c.names.nodeSecret, clientSecret: c.names.clientSecret } : {}),
    }])));
    this.multiRegionSql = pulumi.output([...skeleton.multiRegionSql]);
    this.registerOutputs({
      joinAddresses: this.joinAddresses,
      advertiseAddresses: this.advertiseAddresses,
      caCertPem: this.caCertPem,
      clusters: this.clusters,
      multiRegionSql: this.multiRegionSql,
    });
  }
}

/**
 * Pulumi scales a StatefulSet down in the same `up`, after its decommission Job has verified the
 * nodes (GitOps cannot order objects, so there `nodes` is lowered in a second commit).
 */
const AFTER_DECOMMISSION = { afterDecommission: true } as const;

/** The `app.kubernetes.io/component` of a Job's pods. */
function jobComponent(job: KubeObject): string | undefined {
  return (job.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels?.['app.kubernetes.io/component'];
}

/** How long Pulumi waits for a Job: its own deadline (the init Job: `initTimeout` when given). */
function jobTimeout(job: KubeObject, initTimeout: string | undefined): pulumi.CustomTimeouts {
  const deadline = (job.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds ?? 3600;
  const timeout = jobComponent(job) === 'init' && initTimeout ? initTimeout : `${Math.ceil(deadline / 60)}m`;
  return { create: timeout, update: timeout };
}

/** The database objects of a cluster, its NetworkPolicy included (as `renderCluster` groups them). */
function databaseObjects(plan: DeploymentPlan, cluster: DeploymentPlan['clusters'][number]): KubeObject[] {
  return [...renderDatabase(plan, cluster, AFTER_DECOMMISSION), ...renderNetworkPolicies(plan, cluster), ...renderServiceExport(cluster)];
}

function findDatabaseObject(objects: ReadonlyMap<string, KubeObject>, key: string): KubeObject {
  const object = objects.get(key);
  if (!object) throw new Error(`crosscluster: ${key} is missing from the rendering; the set of objects must not depend on addresses`);
  return object;
}

/** The engine-agnostic topology of the arguments, with output-valued addresses as placeholders until they resolve. */
function toTopology(args: MultiRegionCockroachArgs): TopologyInput {
  const {
    clusters, networking, tls, podAddresses, dnsAddresses, initTimeout: _initTimeout, loadBalancerTimeout: _loadBalancerTimeout, ...cockroach
  } = args ?? ({} as MultiRegionCockroachArgs);
  let effective = networking;
  if (networking instanceof Networking && networking.perPodLoadBalancers && podAddresses) {
    const options = networking.perPodLoadBalancers;
    effective = Networking.perPodLoadBalancers({ ...options, addresses: { ...options.addresses, ...pendingPodAddresses(podAddresses) } });
  } else if (networking instanceof Networking && networking.dnsChain && dnsAddresses) {
    const options = networking.dnsChain;
    effective = Networking.dnsChain({ ...options, dnsAddresses: { ...options.dnsAddresses, ...pendingDnsAddresses(dnsAddresses) } });
  }
  return {
    ...cockroach,
    clusters: toClusterSpecs(clusters),
    networking: effective,
    tls: tls ?? Tls.generated(),
  };
}
