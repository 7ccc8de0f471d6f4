// Every rule of the client endpoints, reported with the path of its field before anything is created.
// Names in the zone, TTLs, a health check for every region behind the global name, no internet-facing
// endpoint for an insecure database, at least two regions behind the global name with a survival goal.
import { sqlHealthCheckFor } from './health-checks';
import { defaultGlobalName, defaultRegionalName, isInZone } from './names';
import { SqlEndpointsPlan } from './plan';
import { SqlEndpointsSnapshot } from './read';
import { MAX_SQL_TTL, MIN_SQL_TTL, SQL_ENDPOINT_DEFAULTS } from './sql-endpoints';
import { cidrContainsIp, parseCidr, ParsedCidr, parseIp, unreachableReason } from '../cidr';
import { eksSubnetsInOrder, findAwsAddressProblems } from '../cloud/aws';
import { genericLoadBalancersArePrivate } from '../cloud/generic';
import { EksProfile, GenericProfile } from '../cloud/profiles';
import { Problem, show } from '../problems';
import { Cloud } from '../topology';
import { CheckContext, quotedList } from '../validation/context';
import { canonicalDnsName, isDnsName } from '../validation/kubernetes-values';
import { isList, keyPath } from '../validation/read';

type Cluster = Record<string, unknown>;

const CONTINENTS = new Set(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']);
/** AWS Regions: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-5`. */
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
/** Google Cloud regions: `us-east1`, `europe-west12`, `northamerica-northeast2`. */
const GCP_REGION = /^[a-z]+-[a-z]+\d{1,2}$/;
/** GCE resource names (a reserved `compute.Address`). */
const GCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const EIP_ALLOCATION = /^eipalloc-[0-9a-f]{8,17}$/;
/** Google Cloud project ids: 6–30 lower-case letters, digits and '-', starting with a letter. */
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const GCP_NETWORK = /^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/global\/networks\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** CockroachDB user names: letters, digits, '_', '.', '-', starting with a letter or '_', at most 63. */
const SQL_USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;

/** The checker of `sqlEndpoints` (in `CHECKERS`). */
export function checkSqlEndpoints(context: CheckContext): void {
  const sql = context.snapshot.sqlEndpoints;
  if (!sql) return;
  new SqlEndpointsCheck(context, sql).run();
}

class SqlEndpointsCheck {
  private readonly report: CheckContext['report'];
  private readonly o: Record<string, unknown>;
  /** The valid clusters, by name, with their index. */
  private readonly clusters: Array<{ name: string; index: number; spec: Cluster }>;

  constructor(private readonly context: CheckContext, private readonly sql: SqlEndpointsSnapshot) {
    this.report = context.report;
    this.o = sql.options;
    this.clusters = [...context.clusterIndex].map(([name, index]) => ({ name, index, spec: context.snapshot.clusters[index]! }));
  }

  public run(): void {
    const zone = this.checkZone();
    this.checkScalars();
    const internal = this.o.internal !== false;
    this.checkNames(zone);
    const members = this.checkGlobalClusters();
    this.checkHealthChecks(members, internal);
    this.checkRouting(members);
    this.checkSourceRanges(internal);
    this.checkAddresses(internal);
    this.checkEngine();
    if (this.context.engine !== undefined) this.checkClusterLoadBalancers(internal);
  }

  private at(field: string): string {
    return `sqlEndpoints.${field}`;
  }

  private clusterKey(name: string): string | undefined {
    if (this.context.clusterIndex.has(name)) return undefined;
    return `${show(name)} is not the name of any cluster (${quotedList(this.context.clusterIndex.keys())})`;
  }

  private checkZone(): string | undefined {
    const zone = this.o.zone;
    if (zone === undefined) {
      this.report(this.at('zone'), "is required: the DNS zone you own that the names go into, e.g. 'db.example.com'");
      return undefined;
    }
    if (!isDnsName(zone)) {
      this.report(this.at('zone'), `${show(zone)} is not a DNS name (labels of letters, digits and '-', at most 63 each, 253 in all)`);
      return undefined;
    }
    return canonicalDnsName(zone);
  }

  private checkScalars(): void {
    const o = this.o;
    for (const flag of ['internal', 'externalDns']) {
      if (o[flag] !== undefined && typeof o[flag] !== 'boolean') this.report(this.at(flag), `${show(o[flag])} must be true or false`);
    }
    const ttl = o.ttl;
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < MIN_SQL_TTL || ttl > MAX_SQL_TTL)) {
      this.report(this.at('ttl'), `${show(ttl)} is not a whole number of seconds from ${MIN_SQL_TTL} to ${MAX_SQL_TTL}: shorter TTLs are clamped by resolvers and multiply queries, `
        + `longer ones keep clients on a failed region long after the global name moved (default ${SQL_ENDPOINT_DEFAULTS.ttl})`);
    }
    if (o.healthCheck !== undefined && o.healthCheck !== 'http-ready' && o.healthCheck !== 'tcp') {
      this.report(this.at('healthCheck'), `${show(o.healthCheck)} is not one of 'http-ready', 'tcp'`);
    }
    if (o.user !== undefined && (typeof o.user !== 'string' || !SQL_USER.test(o.user))) {
      this.report(this.at('user'), `${show(o.user)} is not a CockroachDB user name (letters, digits, '_', '.', '-', starting with a letter or '_', at most 63)`);
    }
    const root = o.sslRootCert;
    if (root !== undefined && (typeof root !== 'string' || root.length === 0 || root.length > 1024 || /[\u0000-\u001f\u007f]/.test(root))) {
      this.report(this.at('sslRootCert'), `${show(root)} is not a file path (the CA certificate the applications read)`);
    }
    if (this.sql.provider === 'cloud-dns') {
      if (o.project !== undefined && (typeof o.project !== 'string' || !GCP_PROJECT.test(o.project))) {
        this.report(this.at('project'), `${show(o.project)} is not a Google Cloud project id`);
      }
      if (o.network !== undefined && (typeof o.network !== 'string' || !GCP_NETWORK.test(o.network))) {
        this.report(this.at('network'), `${show(o.network)} is not a VPC network ('projects/<project>/global/networks/<network>')`);
      }
    }
    const secure = this.context.snapshot.tls?.kind !== 'insecure';
    if (o.internal === false && !secure) {
      this.report(this.at('internal'), 'an internet-facing SQL endpoint is refused with Tls.insecure(): anyone on the internet could read and write the database; use a secure Tls or internal load balancers');
    }
  }

  /** The regional and global names: DNS names inside the zone, one per cluster, all distinct. */
  private checkNames(zone: string | undefined): void {
    const names = new Map<string, string>(); // canonical name -> what it names
    const add = (name: string, path: string, what: string) => {
      const key = canonicalDnsName(name);
      if (names.has(key)) this.report(path, `${show(key)} is also the name of ${names.get(key)}: every region and the global name need a name of their own`);
      else names.set(key, what);
    };
    const inZone = (name: unknown, path: string): name is string => {
      if (!isDnsName(name)) {
        this.report(path, `${show(name)} is not a DNS name`);
        return false;
      }
      if (zone !== undefined && !isInZone(name, zone)) {
        this.report(path, `${show(name)} is not inside the zone ${show(zone)}: records can only be written into the zone you own (give a name ending in '.${zone}')`);
        return false;
      }
      return true;
    };
    const given = this.sql.regionalNames;
    for (const [cluster, name] of given ?? []) {
      const path = keyPath(this.at('regionalNames'), cluster);
      const unknown = this.clusterKey(cluster);
      if (unknown) this.report(path, unknown);
      else if (inZone(name, path)) add(name, path, `clusters[${this.context.clusterIndex.get(cluster)}]`);
    }
    if (zone !== undefined) {
      for (const c of this.clusters) {
        if (given?.has(c.name)) continue;
        const region = c.spec.region;
        const name = typeof region === 'string' ? defaultRegionalName(region, zone) : undefined;
        const path = keyPath(this.at('regionalNames'), c.name);
        if (name === undefined) {
          if (typeof region === 'string') this.report(path, `clusters[${c.index}].region ${show(region)} is no DNS label, so '<region>.${zone}' is no name: give this cluster's name`);
        } else if (name.length > 253) {
          this.report(path, `${show(name)} (the default '<region>.<zone>') is longer than 253 characters: give a shorter name`);
        } else {
          add(name, path, `clusters[${c.index}] (the default '<region>.<zone>': give each cluster of one region a name of its own)`);
        }
      }
    }
    const global = this.o.globalName;
    if (global !== undefined) {
      if (inZone(global, this.at('globalName'))) add(global, this.at('globalName'), 'the global name');
    } else if (zone !== undefined) {
      add(defaultGlobalName(zone), this.at('globalName'), "the global name (the default 'sql.<zone>')");
    }
  }

  /** The clusters behind the global name (valid ones), reporting unknown and repeated entries. */
  private checkGlobalClusters(): Array<{ name: string; index: number; spec: Cluster; path: string }> {
    const given = this.sql.globalClusters;
    const path = this.at('globalClusters');
    let members: Array<{ name: string; index: number; spec: Cluster; path: string }>;
    if (given === undefined) {
      members = this.clusters.map((c) => ({ ...c, path }));
    } else {
      members = [];
      const seen = new Set<string>();
      given.forEach((name, i) => {
        const at = `${path}[${i}]`;
        if (typeof name !== 'string' || !this.context.clusterIndex.has(name)) {
          this.report(at, `${show(name)} is not the name of any cluster (${quotedList(this.context.clusterIndex.keys())})`);
        } else if (seen.has(name)) {
          this.report(at, `${show(name)} is listed twice`);
        } else {
          seen.add(name);
          const index = this.context.clusterIndex.get(name)!;
          members.push({ name, index, spec: this.context.snapshot.clusters[index]!, path: at });
        }
      });
      if (given.length === 0) this.report(path, 'is empty: the global name needs at least one region (leave it out for every cluster)');
    }
    const clusterCount = this.context.snapshot.clusters.length;
    const goal = this.context.snapshot.props.survivalGoal;
    if (goal !== undefined && clusterCount > 1 && members.length < 2 && (given === undefined || given.length > 0)) {
      this.report(path, `${members.length} region${members.length === 1 ? '' : 's'} behind the global name with survivalGoal ${show(goal)}: clients fail over only to another region behind it, so give at least two`);
    }
    return members;
  }

  private checkHealthChecks(members: ReturnType<SqlEndpointsCheck['checkGlobalClusters']>, internal: boolean): void {
    const secure = this.context.snapshot.tls?.kind !== 'insecure';
    const check = this.o.healthCheck === 'tcp' ? 'tcp' : 'http-ready';
    const service = this.sql.provider === 'route53' ? 'Route 53' : 'Cloud DNS';
    for (const m of members) {
      const cloud = m.spec.cloud as Cloud;
      if (typeof cloud !== 'string') continue;
      const health = sqlHealthCheckFor(this.sql.provider, cloud, internal, check, secure);
      if (typeof health !== 'string') continue;
      const other = this.sql.provider === 'route53' ? 'a Cloud DNS zone (SqlEndpoints.cloudDns) for GKE clusters' : 'a Route 53 zone (SqlEndpoints.route53) for EKS clusters';
      this.report(m.path, `clusters[${m.index}] (${show(m.name)}, cloud ${show(cloud)}) has no health check ${service} can run: ${health}. `
        + `Every region behind the global name needs one, or the name would keep answering with a dead region: leave it out of globalClusters (it keeps its regional name), or use ${other}`);
    }
  }

  private checkRouting(members: ReturnType<SqlEndpointsCheck['checkGlobalClusters']>): void {
    const o = this.o;
    if (this.sql.provider === 'route53') {
      if (o.routing !== undefined && o.routing !== 'latency' && o.routing !== 'geolocation') {
        this.report(this.at('routing'), `${show(o.routing)} is not one of 'latency', 'geolocation' (Route 53)`);
        return;
      }
      if (o.routing === 'geolocation') {
        this.checkGeolocations(members);
        return;
      }
      for (const m of members) {
        if (m.spec.cloud === 'aws' && typeof m.spec.region === 'string' && !AWS_REGION.test(m.spec.region)) {
          this.report(`clusters[${m.index}].region`, `${show(m.spec.region)} is not an AWS Region (e.g. 'us-east-1'): Route 53 latency records name the AWS Region of the load balancer`);
        }
      }
      return;
    }
    if (o.routing !== undefined && o.routing !== 'geolocation' && o.routing !== 'weighted') {
      this.report(this.at('routing'), `${show(o.routing)} is not one of 'geolocation', 'weighted' (Cloud DNS)`);
    }
    for (const [cluster, location] of this.sql.locations ?? []) {
      const path = keyPath(this.at('locations'), cluster);
      const unknown = this.clusterKey(cluster);
      if (unknown) this.report(path, unknown);
      else if (typeof location !== 'string' || !GCP_REGION.test(location)) this.report(path, `${show(location)} is not a Google Cloud region (e.g. 'us-east1')`);
    }
    if (o.routing === 'weighted') return;
    for (const m of members) {
      if (this.sql.locations?.has(m.name)) continue;
      if (m.spec.cloud === 'gcp' && typeof m.spec.region === 'string' && !GCP_REGION.test(m.spec.region)) {
        this.report(`clusters[${m.index}].region`, `${show(m.spec.region)} is not a Google Cloud region (e.g. 'us-east1'): Cloud DNS geolocation items name the region whose queries they answer (or give sqlEndpoints.locations)`);
      }
    }
  }

  private checkGeolocations(members: ReturnType<SqlEndpointsCheck['checkGlobalClusters']>): void {
    const given = this.sql.geolocations ?? new Map<string, unknown>();
    const seen = new Map<string, string>();
    for (const [cluster, value] of given) {
      const path = keyPath(this.at('geolocations'), cluster);
      const unknown = this.clusterKey(cluster);
      if (unknown) {
        this.report(path, unknown);
        continue;
      }
      if (value === null) continue; // unreadable, reported when read
      const g = value as Record<string, unknown>;
      let key: string | undefined;
      if ((g.continent === undefined) === (g.country === undefined)) {
        this.report(path, 'give exactly one of continent and country');
      } else if (g.continent !== undefined) {
        if (typeof g.continent !== 'string' || !CONTINENTS.has(g.continent)) this.report(`${path}.continent`, `${show(g.continent)} is not one of ${[...CONTINENTS].join(', ')}`);
        else key = `continent ${g.continent}`;
        if (g.subdivision !== undefined) this.report(`${path}.subdivision`, 'goes with a country (Route 53 has subdivisions of the United States only)');
      } else {
        if (typeof g.country !== 'string' || !/^[A-Z]{2}$/.test(g.country)) this.report(`${path}.country`, `${show(g.country)} is not an ISO 3166-1 alpha-2 country code such as 'DE'`);
        else key = `country ${g.country}`;
        if (g.subdivision !== undefined) {
          if (g.country !== 'US') this.report(`${path}.subdivision`, 'Route 53 has subdivisions of the United States only');
          else if (typeof g.subdivision !== 'string' || !/^[A-Z]{2}$/.test(g.subdivision)) this.report(`${path}.subdivision`, `${show(g.subdivision)} is not a US state code such as 'VA'`);
          else key = `${key}/${g.subdivision}`;
        }
      }
      if (key !== undefined) {
        if (seen.has(key)) this.report(path, `${key} is also the location of ${show(seen.get(key))}: Route 53 has one record per location`);
        else seen.set(key, cluster);
      }
    }
    for (const m of members) {
      if (!given.has(m.name)) {
        this.report(keyPath(this.at('geolocations'), m.name), `is required with routing 'geolocation' for every cluster behind the global name: the location whose clients clusters[${m.index}] serves`);
      }
    }
    const fallback = this.o.defaultCluster;
    if (fallback !== undefined && (typeof fallback !== 'string' || !members.some((m) => m.name === fallback))) {
      this.report(this.at('defaultCluster'), `${show(fallback)} is not a cluster behind the global name (${quotedList(members.map((m) => m.name))})`);
    }
  }

  private checkSourceRanges(internal: boolean): void {
    const ranges = this.sql.sourceRanges;
    const path = this.at('sourceRanges');
    if (ranges !== undefined) {
      if (ranges.length === 0) {
        this.report(path, 'an empty list admits everyone (Kubernetes reads no source ranges as no restriction): leave it out to derive the allow-list, or list the ranges');
      }
      ranges.forEach((range, i) => {
        const parsed = parseCidr(range);
        if (typeof parsed === 'string') this.report(`${path}[${i}]`, parsed);
      });
      return;
    }
    if (!internal) {
      this.report(path, 'is required with internal: false: an internet-facing load balancer needs the list of who on the internet may connect (the derived allow-list holds private ranges only)');
      return;
    }
    const derived = this.clusters.some((c) => ['podCidrs', 'nodeCidrs'].some((f) => isList(c.spec[f]) && (c.spec[f] as unknown[]).length > 0));
    if (!derived && this.context.engine !== undefined) {
      this.report(path, 'no allow-list can be derived: give the clusters\' podCidrs and nodeCidrs (the application pods connect from them), or list the ranges');
    }
  }

  /** Pinned addresses: per cloud, like the per-pod load balancers'. */
  private checkAddresses(internal: boolean): void {
    const addresses = this.sql.addresses;
    if (!addresses) return;
    const taken = this.takenAddresses();
    const owners = new Map<string, string>();
    for (const [cluster, entry] of addresses) {
      const path = keyPath(this.at('addresses'), cluster);
      const unknown = this.clusterKey(cluster);
      if (unknown) {
        this.report(path, unknown);
        continue;
      }
      if (entry === null) continue; // unreadable, reported when read
      const index = this.context.clusterIndex.get(cluster)!;
      const spec = this.context.snapshot.clusters[index]!;
      const fields: Record<string, unknown> = typeof entry === 'object' ? entry as Record<string, unknown> : { address: entry };
      const at = typeof entry === 'object' ? `${path}.address` : path;
      const ip = parseIp(fields.address);
      if (typeof ip === 'string') {
        this.report(at, `${ip}: a SQL load balancer is pinned to an IP (reserve a static internal address)`);
      } else {
        const why = unreachableReason(ip) ?? this.insideClusterRange(ip, index);
        if (why) this.report(at, why.startsWith('lies') ? `${show(ip.canonical)} ${why}` : `${show(ip.canonical)} is ${why}: no client can reach a load balancer there`);
        else if (owners.has(ip.canonical)) this.report(at, `${show(ip.canonical)} is also the SQL address of ${show(owners.get(ip.canonical))}`);
        else if (taken.has(ip.canonical)) this.report(at, `${show(ip.canonical)} is also ${taken.get(ip.canonical)}: give the SQL load balancer an address of its own`);
        else owners.set(ip.canonical, cluster);
      }
      this.checkAddressHandles(spec, fields, typeof entry === 'object' ? path : undefined, `clusters[${index}].eks`, internal);
    }
  }

  private checkAddressHandles(spec: Cluster, f: Record<string, unknown>, path: string | undefined, eksPath: string, internal: boolean): void {
    const cloud = spec.cloud;
    const aws = cloud === 'aws';
    if (path !== undefined) {
      for (const field of ['awsPrivateIps', 'awsEipAllocations', 'awsEipAllocation', 'awsSubnet']) {
        if (f[field] !== undefined && !aws) this.report(`${path}.${field}`, `is for AWS clusters; this one is ${show(cloud)}`);
      }
      if (f.gcpAddressName !== undefined && cloud !== 'gcp') this.report(`${path}.gcpAddressName`, `is for GKE clusters; this one is ${show(cloud)}`);
      if (f.gcpAddressName !== undefined && (typeof f.gcpAddressName !== 'string' || !GCE_NAME.test(f.gcpAddressName))) {
        this.report(`${path}.gcpAddressName`, `${show(f.gcpAddressName)} is not the name of a reserved GCE address`);
      }
      if (aws && f.awsSubnet !== undefined) this.report(`${path}.awsSubnet`, 'an NLB spans every subnet of the cluster\'s eks.subnets: remove it (give one private IP per subnet in awsPrivateIps)');
      if (aws && f.awsEipAllocation !== undefined) this.report(`${path}.awsEipAllocation`, 'give awsEipAllocations, one per subnet of eks.subnets');
    }
    if (!aws) return;
    const ips = f.awsPrivateIps ?? f.address;
    const at = path === undefined ? undefined : f.awsPrivateIps !== undefined ? `${path}.awsPrivateIps` : `${path}.address`;
    if (internal) {
      if (f.awsEipAllocations !== undefined && path) this.report(`${path}.awsEipAllocations`, 'Elastic IPs are for internet-facing NLBs; this one is internal');
      if (f.awsPrivateIps !== undefined && !isList(f.awsPrivateIps)) {
        this.report(`${path}.awsPrivateIps`, `expected a list of IPs, got ${show(f.awsPrivateIps)}`);
        return;
      }
      findAwsAddressProblems(spec.eks as EksProfile | undefined, ips, at ?? keyPath(this.at('addresses'), String(spec.name)), eksPath, this.report);
      if (isList(f.awsPrivateIps) && typeof f.address === 'string' && !f.awsPrivateIps.includes(f.address) && path) {
        this.report(`${path}.address`, `${show(f.address)} is not one of awsPrivateIps`);
      }
      return;
    }
    if (f.awsPrivateIps !== undefined && path) this.report(`${path}.awsPrivateIps`, 'private IPs are for internal NLBs; an internet-facing one takes awsEipAllocations');
    const eips = f.awsEipAllocations;
    if (eips !== undefined && path) {
      const subnets = eksSubnetsInOrder(spec.eks as EksProfile | undefined);
      if (!isList(eips)) {this.report(`${path}.awsEipAllocations`, `expected a list of allocation ids, got ${show(eips)}`);} else if (eips.length !== subnets.length) {this.report(`${path}.awsEipAllocations`, `${eips.length} Elastic IP allocations for ${subnets.length} subnets of eks.subnets: an internet-facing NLB needs one per subnet, in AZ order`);} else {
        eips.forEach((e, i) => {
          if (typeof e !== 'string' || !EIP_ALLOCATION.test(e)) this.report(`${path}.awsEipAllocations[${i}]`, `${show(e)} is not an Elastic IP allocation id`);
        });
      }
    }
  }

  /** Why an address inside a cluster's pod or service range cannot be a load balancer's (its own pod range may: VPC-native CNIs). */
  private insideClusterRange(ip: ReturnType<typeof parseIp> & object, owner: number): string | undefined {
    for (const [i, cluster] of this.context.snapshot.clusters.entries()) {
      if (!cluster) continue;
      for (const kind of ['podCidrs', 'serviceCidrs']) {
        if (i === owner && kind === 'podCidrs') continue;
        const list = cluster[kind];
        if (!isList(list)) continue;
        for (const cidr of list) {
          const block = parseCidr(cidr);
          if (typeof block !== 'string' && cidrContainsIp(block as ParsedCidr, ip)) return `lies inside ${show(block.cidr)}, clusters[${i}].${kind}: a load-balancer address is never a pod or Service IP`;
        }
      }
    }
    return undefined;
  }

  /** Addresses the networking strategy already gives its load balancers (DNS and per-pod). */
  private takenAddresses(): Map<string, string> {
    const taken = new Map<string, string>();
    const networking = this.context.snapshot.networking;
    const addIp = (value: unknown, what: string) => {
      const ip = parseIp(value);
      if (typeof ip !== 'string') taken.set(ip.canonical, what);
    };
    for (const [cluster, value] of networking?.dnsAddresses ?? []) {
      for (const ip of Array.isArray(value) ? value : [value]) addIp(ip, `the DNS load-balancer address of ${show(cluster)}`);
    }
    for (const [cluster, list] of networking?.addresses ?? []) {
      if (!isList(list)) continue;
      list.forEach((entry, i) => {
        const address = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).address : entry;
        addIp(address, `the load-balancer address of pod ${i} of ${show(cluster)}`);
      });
    }
    return taken;
  }

  /** cdk8s writes every record at synth time: the addresses a record holds must be known then. */
  private checkEngine(): void {
    if (this.context.engine !== 'cdk8s') return;
    for (const c of this.clusters) {
      if (!recordsHoldAddress(this.sql.provider, c.spec.cloud as Cloud) || this.sql.addresses?.has(c.name)) continue;
      this.report(keyPath(this.at('addresses'), c.name), synthAddressMessage(this.sql.provider, c.index));
    }
  }

  /** What each cloud needs to make the load balancer at all. */
  private checkClusterLoadBalancers(internal: boolean): void {
    for (const c of this.clusters) {
      if (c.spec.cloud === 'aws' && eksSubnetsInOrder(c.spec.eks as EksProfile | undefined).length === 0 && c.spec.eks === undefined) {
        this.report(`clusters[${c.index}].eks.subnets`, 'are required for the SQL load balancer: the NLB spans them, and the database NetworkPolicy admits its health checks and connections from them');
      }
      if (internal && c.spec.cloud === 'generic' && !genericLoadBalancersArePrivate(c.spec.generic as GenericProfile | undefined)) {
        this.report(`clusters[${c.index}].generic.privateLoadBalancers`, 'the SQL load balancer is internal, and the library cannot make a load balancer internal on a generic cluster: set it to true if your implementation hands out private addresses only, or choose internet-facing ones explicitly with sqlEndpoints.internal: false');
      }
    }
  }
}

/** True when a region's records hold its load balancer's IP (everywhere but a Route 53 alias to an NLB). */
export function recordsHoldAddress(provider: SqlEndpointsPlan['provider'], cloud: Cloud): boolean {
  return provider === 'cloud-dns' || cloud !== 'aws';
}

/**
 * The rule cdk8s adds, on a plan: every address a record holds is known at synth time. The checker applies
 * it with `engine: 'cdk8s'`; a construct that plans without an engine applies it itself.
 */
export function findSynthAddressProblems(plan: SqlEndpointsPlan, clusterIndex: (cluster: string) => number): Problem[] {
  return plan.regions.filter((r) => recordsHoldAddress(plan.provider, r.cloud) && r.addresses.length === 0).map((r) => ({
    path: keyPath('sqlEndpoints.addresses', r.cluster),
    message: synthAddressMessage(plan.provider, clusterIndex(r.cluster)),
  }));
}

function synthAddressMessage(provider: SqlEndpointsPlan['provider'], index: number): string {
  const why = provider === 'cloud-dns' ? 'Cloud DNS records hold the load balancer\'s IP' : 'outside AWS a Route 53 record holds the load balancer\'s IP (an NLB is an alias)';
  return `the SQL load-balancer address of clusters[${index}] is required: ${why}, and cdk8s writes the records at synth time (reserve a static internal address)`;
}
