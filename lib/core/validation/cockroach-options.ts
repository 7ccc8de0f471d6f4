import { CheckContext, quotedList } from './context';
import { parseImageReference } from './image-reference';
import { isDns1035Label, isDnsSubdomain, isLabelValue, quantityValue } from './kubernetes-values';
import { readOptionalList } from './read';
import { COCKROACH_DEFAULTS } from '../defaults';
import { show } from '../problems';

/** A StatefulSet's name is also a label value with a hash suffix, so Kubernetes caps it at 52. */
export const MAX_STATEFULSET_NAME = 52;
/**
 * Flags the library derives itself (or that would move the listeners its Services, probes and
 * peers rely on); setting them again would contradict the plan.
 */
export const OWNED_FLAGS: readonly string[] = [
  '--join', '--advertise-addr', '--advertise-host', '--advertise-port', '--advertise-sql-addr', '--advertise-http-addr',
  '--locality', '--locality-advertise-addr', '--certs-dir', '--insecure', '--cache', '--max-sql-memory',
  '--listen-addr', '--sql-addr', '--http-addr', '--http-host', '--http-port', '--host', '--port', '--store',
  '--background', '--pid-file', '--unencrypted-localhost-http', '--accept-sql-without-tls',
];
const FLAG = /^--[a-z][a-z0-9-]{0,62}(=[A-Za-z0-9_.,:=/@+%-]{0,1024})?$/;
/** Fewest bytes of memory per node: `--cache` and `--max-sql-memory` get a quarter each, at least 256 MiB. */
export const MIN_MEMORY_BYTES = 2 ** 30;
/** Most memory per node the start script's shell arithmetic and any real node handle. */
export const MAX_MEMORY_BYTES = 2 ** 46;
/** Smallest data volume: CockroachDB refuses stores under 640 MiB. */
export const MIN_STORAGE_BYTES = 2 ** 30;
/** Largest data volume that is not a typo (1 PiB). */
export const MAX_STORAGE_BYTES = 2 ** 50;
/** CPU bounds per node (cores). */
export const MIN_CPU = 0.1;
export const MAX_CPU = 1024;
/** The longest grace period (a day): longer is a typo, and 1e300 would be written as `1e+300`. */
export const MAX_GRACE_SECONDS = 86_400;

/** The CockroachDB options shared by every cluster. */
export function checkCockroachOptions(context: CheckContext): void {
  const { report } = context;
  const props = context.snapshot.props;
  const name = props.name === undefined ? COCKROACH_DEFAULTS.name : props.name;
  if (!isDns1035Label(name) || name.length > MAX_STATEFULSET_NAME) {
    report('name', `${show(name)} must be a DNS-1035 label (a lower-case letter, then letters, digits and '-') of at most ${MAX_STATEFULSET_NAME} characters: it names the StatefulSet and the Services`);
  }
  checkImages(context);
  checkQuantity(context, 'storageSize', 'bytes', MIN_STORAGE_BYTES, MAX_STORAGE_BYTES, "'100Gi'");
  checkQuantity(context, 'cpu', 'cores', MIN_CPU, MAX_CPU, "'2' or '1500m'");
  checkQuantity(context, 'memory', 'bytes', MIN_MEMORY_BYTES, MAX_MEMORY_BYTES, "'8Gi'");
  if (props.storageClass !== undefined && !isDnsSubdomain(props.storageClass)) {
    report('storageClass', `${show(props.storageClass)} is not a StorageClass name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.')`);
  }
  const flags = readOptionalList(props.extraStartFlags, 'extraStartFlags', report, 'a list of flags');
  flags?.forEach((flag, i) => {
    if (typeof flag !== 'string' || !FLAG.test(flag)) {
      report(`extraStartFlags[${i}]`, `${show(flag)} must be one '--flag' or '--flag=value' (lower-case flag name; no spaces, quotes or shell characters in the value)`);
      return;
    }
    const flagName = flag.split('=')[0];
    if (OWNED_FLAGS.includes(flagName)) {
      report(`extraStartFlags[${i}]`, `${show(flagName)} is derived from the topology or moves a listener the library wires; set it through the props instead`);
    }
  });
  if (props.survivalGoal !== undefined && props.survivalGoal !== 'zone' && props.survivalGoal !== 'region') {
    report('survivalGoal', `${show(props.survivalGoal)} is not one of 'zone', 'region'`);
  }
  const database = props.database;
  if (database !== undefined && (typeof database !== 'string' || database.length === 0 || database.length > 63 || /[\u0000-\u001f\u007f]/.test(database))) {
    report('database', `${show(database)} is not a database name (1–63 printable characters)`);
  }
  const grace = props.terminationGracePeriodSeconds;
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS)) {
    report('terminationGracePeriodSeconds', `${show(grace)} must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS} (CockroachDB needs about 300 to drain)`);
  }
  checkRegions(context);
}

function checkImages(context: CheckContext): void {
  const { report } = context;
  const { image, version, localityImage } = context.snapshot.props;
  let imageDigest = false;
  if (image !== undefined) {
    const parsed = parseImageReference(image);
    if (typeof parsed === 'string') report('image', `${show(image)} ${parsed}`);
    else if (parsed.tag !== undefined) report('image', `${show(image)} has a tag; give the repository here (a digest '@sha256:…' may follow it) and the tag in 'version'`);
    else imageDigest = parsed.digest !== undefined;
  }
  if (version !== undefined) {
    const parsed = typeof version === 'string' && !version.startsWith('@') ? parseImageReference(`x:${version}`) : 'is not a tag';
    if (typeof parsed === 'string' || parsed.tag === undefined || parsed.tag === 'latest') {
      report('version', `${show(version)} must be a pinned image tag such as 'v25.2.4' (not 'latest'), optionally followed by '@sha256:<digest>'`);
    } else if (imageDigest && parsed.digest !== undefined) {
      report('version', `${show(version)} has a digest, and so has 'image'; give the digest once`);
    }
  }
  if (localityImage !== undefined) {
    const parsed = parseImageReference(localityImage);
    if (typeof parsed === 'string') {report('localityImage', `${show(localityImage)} ${parsed}`);} else if ((parsed.tag === undefined || parsed.tag === 'latest') && parsed.digest === undefined) {
      report('localityImage', `${show(localityImage)} is not pinned: give a tag other than 'latest' or a digest '@sha256:…'`);
    }
  }
}

function checkQuantity(context: CheckContext, field: 'storageSize' | 'cpu' | 'memory', unit: string, min: number, max: number, example: string): void {
  const value = context.snapshot.props[field];
  if (value === undefined) return;
  const amount = quantityValue(value);
  if (amount === undefined) {
    context.report(field, `${show(value)} is not a Kubernetes quantity (e.g. ${example})`);
  } else if (amount < min || amount > max) {
    const limit = field === 'memory' ? " (the start script gives '--cache' and '--max-sql-memory' a quarter each)" : '';
    context.report(field, `${show(value)} is ${amount} ${unit}; it must be from ${formatAmount(min, unit)} to ${formatAmount(max, unit)}${limit}`);
  } else if (unit === 'bytes' && !Number.isInteger(amount)) {
    context.report(field, `${show(value)} is not a whole number of bytes`);
  }
}

function formatAmount(amount: number, unit: string): string {
  if (unit !== 'bytes') return `${amount} ${unit}`;
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  const power = Math.min(units.length - 1, Math.floor(Math.log2(amount) / 10));
  return `${amount / 2 ** (10 * power)}${units[power]}`;
}

/** `initCluster`, `primaryRegion` and the survival goal against the clusters and their regions. */
function checkRegions(context: CheckContext): void {
  const { report, clusterIndex } = context;
  const props = context.snapshot.props;
  if (props.initCluster !== undefined && (typeof props.initCluster !== 'string' || !clusterIndex.has(props.initCluster))) {
    report('initCluster', `${show(props.initCluster)} is not the name of any cluster (${quotedList(clusterIndex.keys())})`);
  }
  const regions = new Set(context.snapshot.clusters.map((c) => c?.region).filter((r): r is string => typeof r === 'string' && isLabelValue(r) && r.length > 0));
  if (props.survivalGoal === 'region' && regions.size < 3) {
    report('survivalGoal', `'region' survival needs at least 3 regions; the topology has ${regions.size} (${quotedList(regions)})`);
  }
  if (props.primaryRegion !== undefined && (typeof props.primaryRegion !== 'string' || !regions.has(props.primaryRegion))) {
    report('primaryRegion', `${show(props.primaryRegion)} is not the region of any cluster`);
  }
}
