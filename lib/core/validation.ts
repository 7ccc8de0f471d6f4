import { checkDisjointCidrs, isIpAddress, LabelledCidr, parseCidr } from './cidr';
import { COCKROACH_DEFAULTS } from './defaults';
import { Engine, TopologyInput } from './input';
import { clusterDomainOf, dnsKindOf, namespaceOf, podFqdn, podName } from './naming';
import { Networking, PodAddress, toPodAddress } from './networking';
import { Problem, show, throwIfProblems } from './problems';
import { Tls } from './tls';
import { ClusterSpec } from './topology';

const CLOUDS = ['gcp', 'aws', 'azure', 'generic'];
const DNS_KINDS = ['kube-dns', 'coredns'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(h|m|s|ms|us|µs|ns))+$/;
const LOCALITY_VALUE = /^[^,=\s]+$/;
/** A StatefulSet's name is also a label value with a hash suffix, so Kubernetes caps it at 52. */
const MAX_STATEFULSET_NAME = 52;
/** Flags the library derives itself; setting them again would contradict the plan. */
const OWNED_FLAGS = [
  '--join', '--advertise-addr', '--advertise-host', '--advertise-port', '--locality', '--certs-dir',
  '--insecure', '--cache', '--max-sql-memory', '--listen-addr', '--http-addr', '--store',
];

/** True for a DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

/** True for a DNS name: dot-separated labels of at most 63 characters, at most 253 in all. */
export function isDnsName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) return false;
  return value.replace(/\.$/, '').split('.').every((l) => l.length <= 63 && DNS_NAME_LABEL.test(l));
}

/**
 * Checks the whole input and returns every problem found (empty when valid). Never throws,
 * whatever the input: it is the gate in front of every construct.
 */
export function findTopologyProblems(input: TopologyInput, engine?: Engine): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (input === null || typeof input !== 'object') {
    return [{ path: '(props)', message: `expected an object, got ${show(input)}` }];
  }
  const clusters: readonly ClusterSpec[] = Array.isArray(input.clusters) ? input.clusters : [];
  if (!Array.isArray(input.clusters) || input.clusters.length === 0) {
    add('clusters', 'at least one cluster is required');
  }
  const baseName = input.name ?? COCKROACH_DEFAULTS.name;
  checkCockroachOptions(input, add);

  const names = new Map<string, number>();
  const namespaces = new Map<string, number>();
  const cidrs: LabelledCidr[] = [];
  clusters.forEach((cluster, i) => {
    const at = `clusters[${i}]`;
    if (cluster === null || typeof cluster !== 'object') {
      add(at, `expected a cluster object, got ${show(cluster)}`);
      return;
    }
    if (!isDnsLabel(cluster.name)) {
      add(`${at}.name`, `${show(cluster.name)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
    } else if (names.has(cluster.name)) {
      add(`${at}.name`, `${show(cluster.name)} is already the name of clusters[${names.get(cluster.name)}]`);
    } else {
      names.set(cluster.name, i);
    }
    const namespace = namespaceOf(cluster);
    const namespacePath = cluster.namespace === undefined ? `${at}.name (the default namespace)` : `${at}.namespace`;
    if (!isDnsLabel(namespace)) {
      add(namespacePath, `${show(namespace)} is not a DNS-1123 label`);
    } else if (namespaces.has(namespace)) {
      add(namespacePath, `namespace ${show(namespace)} is already used by clusters[${namespaces.get(namespace)}]; DNS forwarding is keyed on '<namespace>.svc.<domain>', so namespaces must be unique across clusters`);
    } else {
      namespaces.set(namespace, i);
    }
    if (!CLOUDS.includes(cluster.cloud)) {
      add(`${at}.cloud`, `${show(cluster.cloud)} is not one of ${CLOUDS.map((c) => `'${c}'`).join(', ')}`);
    }
    if (typeof cluster.region !== 'string' || cluster.region.length === 0) {
      add(`${at}.region`, 'a region is required (it is the locality region tier multi-region SQL uses)');
    } else if (!LOCALITY_VALUE.test(cluster.region)) {
      add(`${at}.region`, `${show(cluster.region)} cannot be a locality value (no ',', '=' or spaces)`);
    }
    const nodesValid = Number.isInteger(cluster.nodes) && cluster.nodes >= 1;
    if (!nodesValid) {
      add(`${at}.nodes`, `${show(cluster.nodes)} must be an integer >= 1`);
    } else if (cluster.nodes > 10_000) {
      add(`${at}.nodes`, `${cluster.nodes} is more nodes than one StatefulSet should carry (at most 10000)`);
    }
    if (cluster.zones !== undefined) {
      if (!Array.isArray(cluster.zones)) {add(`${at}.zones`, `expected a list of zone names, got ${show(cluster.zones)}`);} else {
        cluster.zones.forEach((z, j) => {
          if (typeof z !== 'string' || !LOCALITY_VALUE.test(z)) add(`${at}.zones[${j}]`, `${show(z)} is not a zone name`);
          else if (cluster.zones!.indexOf(z) !== j) add(`${at}.zones[${j}]`, `${show(z)} is listed twice`);
        });
      }
    }
    const domain = clusterDomainOf(cluster);
    if (!isDnsName(domain)) add(`${at}.clusterDomain`, `${show(domain)} is not a DNS name`);
    if (cluster.dns !== undefined && !DNS_KINDS.includes(cluster.dns)) {
      add(`${at}.dns`, `${show(cluster.dns)} is not one of 'kube-dns', 'coredns'`);
    }
    if (isDnsLabel(baseName) && isDnsLabel(namespace) && isDnsName(domain) && nodesValid) {
      const lastPod = podName(baseName, cluster.nodes - 1);
      const fqdn = podFqdn(cluster, baseName, cluster.nodes - 1);
      if (lastPod.length > 63) {
        add(`${at}.nodes`, `pod name ${show(lastPod)} is longer than 63 characters`);
      } else if (fqdn.length > 253) {
        add(`${at}.namespace`, `pod FQDN ${show(fqdn)} is ${fqdn.length} characters; DNS allows 253`);
      }
    }
    for (const kind of ['podCidrs', 'serviceCidrs', 'nodeCidrs'] as const) {
      const list = cluster[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        add(`${at}.${kind}`, `expected a list of CIDR blocks, got ${show(list)}`);
        continue;
      }
      list.forEach((cidr, j) => cidrs.push({ path: `${at}.${kind}[${j}]`, cidr }));
    }
  });
  problems.push(...checkDisjointCidrs(cidrs));

  const initCluster = input.initCluster;
  if (initCluster !== undefined && !names.has(initCluster)) {
    add('initCluster', `${show(initCluster)} is not the name of any cluster (${[...names.keys()].map((n) => `'${n}'`).join(', ')})`);
  }
  const regions = new Set(clusters.map((c) => c?.region).filter((r): r is string => typeof r === 'string' && r.length > 0));
  if (input.survivalGoal === 'region' && regions.size < 3) {
    add('survivalGoal', `'region' survival needs at least 3 regions; the topology has ${regions.size} (${[...regions].map((r) => `'${r}'`).join(', ')})`);
  }
  if (input.primaryRegion !== undefined && !regions.has(input.primaryRegion)) {
    add('primaryRegion', `${show(input.primaryRegion)} is not the region of any cluster`);
  }
  checkNetworking(input.networking, clusters, names, engine, add);
  checkTls(input.tls, engine, add);
  return problems;
}

/** Throws a `TopologyError` listing every problem of the input. */
export function validateTopology(input: TopologyInput, engine?: Engine): void {
  throwIfProblems(findTopologyProblems(input, engine));
}

function checkCockroachOptions(input: TopologyInput, add: (path: string, message: string) => void): void {
  const name = input.name ?? COCKROACH_DEFAULTS.name;
  if (!isDnsLabel(name) || name.length > MAX_STATEFULSET_NAME) {
    add('name', `${show(name)} must be a DNS-1123 label of at most ${MAX_STATEFULSET_NAME} characters (it names the StatefulSet)`);
  }
  if (input.image !== undefined && (typeof input.image !== 'string' || !/^[^\s:]+(:\d+)?(\/[^\s:]+)*$/.test(input.image))) {
    add('image', `${show(input.image)} is not an image repository (without tag; set 'version' for the tag)`);
  }
  if (input.version !== undefined && (typeof input.version !== 'string' || !/^[\w][\w.-]{0,127}$/.test(input.version) || input.version === 'latest')) {
    add('version', `${show(input.version)} must be a pinned image tag such as 'v25.2.4' (not 'latest')`);
  }
  for (const field of ['storageSize', 'cpu', 'memory'] as const) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'string' || !QUANTITY.test(value) || /^0+(\.0+)?[a-zA-Z]*$/.test(value))) {
      add(field, `${show(value)} is not a positive Kubernetes quantity (e.g. '100Gi', '2', '500m')`);
    }
  }
  if (input.storageClass !== undefined && !isDnsName(input.storageClass)) {
    add('storageClass', `${show(input.storageClass)} is not a StorageClass name`);
  }
  if (input.extraStartFlags !== undefined) {
    if (!Array.isArray(input.extraStartFlags)) {add('extraStartFlags', `expected a list of flags, got ${show(input.extraStartFlags)}`);} else {
      input.extraStartFlags.forEach((flag, i) => {
        if (typeof flag !== 'string' || !flag.startsWith('--') || /[\s'"`$\\;]/.test(flag)) {
          add(`extraStartFlags[${i}]`, `${show(flag)} must be one '--flag' or '--flag=value' without spaces, quotes or shell characters`);
          return;
        }
        const flagName = flag.split('=')[0];
        if (OWNED_FLAGS.includes(flagName)) {
          add(`extraStartFlags[${i}]`, `${show(flagName)} is derived from the topology; set it through the props instead`);
        }
      });
    }
  }
  if (input.survivalGoal !== undefined && input.survivalGoal !== 'zone' && input.survivalGoal !== 'region') {
    add('survivalGoal', `${show(input.survivalGoal)} is not one of 'zone', 'region'`);
  }
  if (input.database !== undefined && (typeof input.database !== 'string' || input.database.length === 0 || input.database.length > 63)) {
    add('database', `${show(input.database)} is not a database name`);
  }
  const grace = input.terminationGracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
    add('terminationGracePeriodSeconds', `${show(grace)} must be an integer >= 0 (CockroachDB needs about 300 to drain)`);
  }
  if (input.localityImage !== undefined && (typeof input.localityImage !== 'string' || /\s/.test(input.localityImage) || input.localityImage.length === 0)) {
    add('localityImage', `${show(input.localityImage)} is not an image reference`);
  }
}

function checkNetworking(
  networking: Networking,
  clusters: readonly ClusterSpec[],
  names: Map<string, number>,
  engine: Engine | undefined,
  add: (path: string, message: string) => void,
): void {
  if (!(networking instanceof Networking)) {
    add('networking', `expected Networking.dnsChain(...) or Networking.perPodLoadBalancers(...), got ${show(networking)}`);
    return;
  }
  const unknownCluster = (path: string, key: string) =>
    add(path, `${show(key)} is not the name of any cluster (${[...names.keys()].map((n) => `'${n}'`).join(', ')})`);
  checkSourceRanges(networking.options.sourceRanges, add);

  const dns = networking.dnsChain;
  if (dns) {
    const addresses = dns.dnsAddresses ?? {};
    const seen = new Map<string, string>();
    for (const [cluster, ip] of Object.entries(addresses)) {
      const path = `networking.dnsAddresses.${cluster}`;
      if (!names.has(cluster)) unknownCluster(path, cluster);
      if (typeof ip !== 'string' || !isIpAddress(ip)) {
        add(path, `${show(ip)} is not an IP address; cluster DNS servers forward to IPs only (resolve an NLB name to its private IPs)`);
      } else if (seen.has(ip)) {
        add(path, `${show(ip)} is also the DNS address of ${show(seen.get(ip))}`);
      } else {
        seen.set(ip, cluster);
      }
    }
    const kubeDnsClusters = clusters.filter((c) => c && typeof c === 'object' && names.has(c.name) && dnsKindOf(c) === 'kube-dns');
    (dns.tcpOnlyClusters ?? []).forEach((c, i) => {
      if (!names.has(c)) {
        unknownCluster(`networking.tcpOnlyClusters[${i}]`, c);
        return;
      }
      // kube-dns stubDomains always query over UDP first: a TCP-only DNS load balancer never answers them.
      const forwarders = kubeDnsClusters.filter((k) => k.name !== c).map((k) => `'${k.name}'`);
      if (forwarders.length > 0) {
        add(`networking.tcpOnlyClusters[${i}]`, `${show(c)} answers DNS on TCP only, but ${forwarders.join(', ')} forward${forwarders.length === 1 ? 's' : ''} to it with kube-dns stubDomains, which cannot force TCP: give its DNS load balancer UDP too`);
      }
    });
    if (clusters.length > 1) {
      clusters.forEach((cluster, i) => {
        if (!cluster || typeof cluster !== 'object' || !names.has(cluster.name) || cluster.name in addresses) return;
        if (engine === 'cdk8s') {
          add(`networking.dnsAddresses.${cluster.name}`, `the DNS load-balancer IP of clusters[${i}] is required: the other clusters forward to it, and cdk8s must know it at synth time (reserve a static internal IP)`);
        } else if (engine === 'pulumi' && cluster.cloud === 'aws') {
          add(`networking.dnsAddresses.${cluster.name}`, `clusters[${i}] is on AWS, whose NLBs report hostnames, but DNS servers forward to IPs only: give the NLB's private IP (it is set with aws-load-balancer-private-ipv4-addresses)`);
        }
      });
    }
  }

  const lbs = networking.perPodLoadBalancers;
  if (lbs) {
    const addresses = lbs.addresses ?? {};
    const owners = new Map<string, string>();
    for (const [clusterName, list] of Object.entries(addresses)) {
      const path = `networking.addresses.${clusterName}`;
      const index = names.get(clusterName);
      if (index === undefined) {
        unknownCluster(path, clusterName);
        continue;
      }
      if (!Array.isArray(list)) {
        add(path, `expected a list of addresses, got ${show(list)}`);
        continue;
      }
      const cluster = clusters[index];
      if (Number.isInteger(cluster.nodes) && list.length < cluster.nodes) {
        add(path, `${list.length} address${list.length === 1 ? '' : 'es'} for ${cluster.nodes} nodes: every pod needs its own load-balancer address`);
      }
      list.forEach((entry, j) => {
        const podAddress: PodAddress | undefined =
          typeof entry === 'string' || (entry && typeof entry === 'object') ? toPodAddress(entry) : undefined;
        const address = podAddress?.address;
        if (typeof address !== 'string' || !(isIpAddress(address) || isDnsName(address))) {
          add(`${path}[${j}]`, `${show(entry)} is neither an IP address nor a DNS name`);
          return;
        }
        const key = address.toLowerCase();
        if (owners.has(key)) add(`${path}[${j}]`, `${show(address)} is already the address of ${owners.get(key)}`);
        else owners.set(key, `${path}[${j}]`);
        if (podAddress?.awsEipAllocation !== undefined && lbs.internal !== false) {
          add(`${path}[${j}].awsEipAllocation`, 'Elastic IPs apply to internet-facing NLBs only; set internal: false or give a private IP');
        }
      });
    }
    if (engine === 'cdk8s') {
      clusters.forEach((cluster, i) => {
        if (cluster && typeof cluster === 'object' && names.has(cluster.name) && !(cluster.name in addresses)) {
          add(`networking.addresses.${cluster.name}`, `the per-pod addresses of clusters[${i}] are required: cdk8s must know every pod's address at synth time (reserve static IPs or DNS names)`);
        }
      });
    }
  }
}

function checkSourceRanges(ranges: readonly string[] | undefined, add: (path: string, message: string) => void): void {
  if (ranges === undefined) return;
  if (!Array.isArray(ranges)) {
    add('networking.sourceRanges', `expected a list of CIDR blocks, got ${show(ranges)}`);
    return;
  }
  ranges.forEach((r, i) => {
    const parsed = parseCidr(r);
    if (typeof parsed === 'string') add(`networking.sourceRanges[${i}]`, parsed);
  });
}

function checkTls(tls: Tls, engine: Engine | undefined, add: (path: string, message: string) => void): void {
  if (!(tls instanceof Tls)) {
    add('tls', `expected Tls.certManager(), Tls.generated(), Tls.existingCa(...) or Tls.insecure(), got ${show(tls)}`);
    return;
  }
  if (engine === 'cdk8s' && (tls.kind === 'generated' || tls.kind === 'existingCa')) {
    add('tls', `Tls.${tls.kind}() is not available in cdk8s: it would put private keys into the synthesized YAML, which ends up in git. Use Tls.certManager() (cert-manager issues the keys inside each cluster from a CA Secret you provision there), or the Pulumi flavour, which keeps keys as secrets`);
  }
  const options = tls.options as Record<string, unknown>;
  if (tls.kind === 'certManager') {
    for (const field of ['caSecretName', 'issuerName']) {
      if (options[field] !== undefined && !isDnsName(options[field])) add(`tls.${field}`, `${show(options[field])} is not a valid object name`);
    }
    for (const field of ['duration', 'renewBefore']) {
      if (options[field] !== undefined && (typeof options[field] !== 'string' || !GO_DURATION.test(options[field] as string))) {
        add(`tls.${field}`, `${show(options[field])} is not a duration such as '8760h'`);
      }
    }
  }
  if (tls.kind === 'generated' || tls.kind === 'existingCa') {
    if (options.algorithm !== undefined && options.algorithm !== 'ECDSA' && options.algorithm !== 'RSA') {
      add('tls.algorithm', `${show(options.algorithm)} is not one of 'ECDSA', 'RSA'`);
    }
    for (const field of ['caValidityHours', 'validityHours', 'earlyRenewalHours']) {
      const v = options[field];
      if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1)) add(`tls.${field}`, `${show(v)} must be a whole number of hours >= 1`);
    }
    const validity = (options.validityHours as number | undefined) ?? 8760;
    const early = (options.earlyRenewalHours as number | undefined) ?? 720;
    if (Number.isInteger(validity) && Number.isInteger(early) && early >= validity) {
      add('tls.earlyRenewalHours', `${early} must be less than validityHours (${validity})`);
    }
    if (tls.kind === 'existingCa') {
      for (const field of ['caCertPem', 'caKeyPem']) {
        if (options[field] === undefined || options[field] === null || options[field] === '') add(`tls.${field}`, 'is required');
      }
    }
  }
}
