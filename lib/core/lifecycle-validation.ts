// Day-2 checks of the input: upgrades, scale-down, region removal, the production options and
// certificate renewal. Called once from findTopologyProblems; never throws.
import { COCKROACH_DEFAULTS } from './defaults';
import { TopologyInput } from './input';
import { minimumNodesFor, parseCockroachVersion, remainingNodes, upgradeStepProblem } from './lifecycle';
import { Problem, show } from './problems';
import { Tls } from './tls';
import { ClusterSpec } from './topology';
import { isList } from './validation/read';

type Add = (path: string, message: string) => void;

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** Flags the typed day-2 options own; setting them in `extraStartFlags` would contradict them. */
const LIFECYCLE_FLAGS: Readonly<Record<string, string>> = {
  '--wal-failover': 'walFailover',
  '--enterprise-encryption': 'encryptionAtRest',
  '--log-config-file': 'logConfig',
  '--log': 'logConfig',
  '--logtostderr': 'logConfig',
};

/** Every day-2 problem of the input (empty when valid). */
export function findLifecycleProblems(input: TopologyInput): Problem[] {
  const problems: Problem[] = [];
  const add: Add = (path, message) => problems.push({ path, message });
  const clusters = (Array.isArray(input.clusters) ? input.clusters : []).filter(
    (c): c is ClusterSpec => c !== null && typeof c === 'object',
  );
  checkOptions(input, add);
  checkUpgrade(input, clusters, add);
  checkRemovals(input, clusters, add);
  checkRenewal(input.tls, add);
  return problems;
}

function checkOptions(input: TopologyInput, add: Add): void {
  if (input.zoneSpread !== undefined && input.zoneSpread !== 'DoNotSchedule' && input.zoneSpread !== 'ScheduleAnyway') {
    add('zoneSpread', `${show(input.zoneSpread)} is not one of 'DoNotSchedule', 'ScheduleAnyway'`);
  }
  for (const field of ['livenessProbe', 'separateSqlPort', 'scaleDownGuard'] as const) {
    if (input[field] !== undefined && typeof input[field] !== 'boolean') add(field, `${show(input[field])} must be true or false`);
  }
  if (input.databases !== undefined) {
    if (!isList(input.databases) || input.databases.length === 0) {
      add('databases', `expected a non-empty list of database names, got ${show(input.databases)}`);
    } else {
      input.databases.forEach((db, i) => {
        if (typeof db !== 'string' || db.length === 0 || db.length > 63) add(`databases[${i}]`, `${show(db)} is not a database name`);
        else if (input.databases!.indexOf(db) !== i) add(`databases[${i}]`, `${show(db)} is listed twice`);
      });
    }
  }
  const wal = input.walFailover;
  if (wal !== undefined) {
    if (wal === null || typeof wal !== 'object') {
      add('walFailover', `expected { size?, storageClass? }, got ${show(wal)}`);
    } else {
      if (wal.size !== undefined && (typeof wal.size !== 'string' || !QUANTITY.test(wal.size) || /^0+(\.0+)?[a-zA-Z]*$/.test(wal.size))) {
        add('walFailover.size', `${show(wal.size)} is not a positive Kubernetes quantity (e.g. '25Gi')`);
      }
      if (wal.storageClass !== undefined && (typeof wal.storageClass !== 'string' || !OBJECT_NAME.test(wal.storageClass))) {
        add('walFailover.storageClass', `${show(wal.storageClass)} is not a StorageClass name`);
      }
    }
  }
  const enc = input.encryptionAtRest;
  if (enc !== undefined) {
    if (enc === null || typeof enc !== 'object') {
      add('encryptionAtRest', `expected { secretName, key?, oldKey? }, got ${show(enc)}`);
    } else {
      if (typeof enc.secretName !== 'string' || !OBJECT_NAME.test(enc.secretName) || enc.secretName.length > 253) {
        add('encryptionAtRest.secretName', `${show(enc.secretName)} is not a Secret name; give the Secret holding the store key (the key itself never goes into the props)`);
      }
      for (const field of ['key', 'oldKey'] as const) {
        const value = enc[field];
        if (value !== undefined && (typeof value !== 'string' || !SECRET_KEY.test(value) || value === 'plain')) {
          add(`encryptionAtRest.${field}`, `${show(value)} is not a key of the Secret (letters, digits, '-', '_', '.')${field === 'oldKey' ? "; leave it out for 'plain'" : ''}`);
        }
      }
      if (enc.key !== undefined && enc.key === enc.oldKey) add('encryptionAtRest.oldKey', 'is the same Secret key as encryptionAtRest.key; give the previous key, or leave it out');
    }
  }
  if (input.logConfig !== undefined && (typeof input.logConfig !== 'string' || input.logConfig.trim().length === 0)) {
    add('logConfig', `${show(input.logConfig)} must be CockroachDB's log configuration as YAML text`);
  }
  if (isList(input.extraStartFlags)) {
    input.extraStartFlags.forEach((flag, i) => {
      const owner = typeof flag === 'string' ? LIFECYCLE_FLAGS[flag.split('=')[0]] : undefined;
      if (owner) add(`extraStartFlags[${i}]`, `${show(flag.split('=')[0])} is set by the typed option '${owner}'; use it instead`);
    });
  }
}

function checkUpgrade(input: TopologyInput, clusters: readonly ClusterSpec[], add: Add): void {
  const version = input.version ?? COCKROACH_DEFAULTS.version;
  const upgrade = input.upgrade;
  clusters.forEach((c, i) => {
    if (c.version !== undefined && (typeof c.version !== 'string' || !TAG.test(c.version) || c.version === 'latest')) {
      add(`clusters[${i}].version`, `${show(c.version)} must be a pinned image tag such as 'v25.2.4' (not 'latest')`);
    } else if (c.version !== undefined && upgrade === undefined && c.version !== version) {
      add(`clusters[${i}].version`, `${show(c.version)} differs from version ${show(version)}: per-cluster versions are for a staged upgrade; set upgrade: { from: <the version running now> } (see docs/day-2.md)`);
    }
  });
  if (upgrade === undefined) return;
  if (upgrade === null || typeof upgrade !== 'object') {
    add('upgrade', `expected { from, finalize? }, got ${show(upgrade)}`);
    return;
  }
  if (upgrade.finalize !== undefined && typeof upgrade.finalize !== 'boolean') add('upgrade.finalize', `${show(upgrade.finalize)} must be true or false`);
  const from = typeof upgrade.from === 'string' ? parseCockroachVersion(upgrade.from) : undefined;
  const to = typeof version === 'string' ? parseCockroachVersion(version) : undefined;
  if (!from) {
    add('upgrade.from', `${show(upgrade.from)} is not a CockroachDB release tag such as 'v25.2.4': it sets cluster.preserve_downgrade_option`);
  }
  if (!to) {
    add('version', `${show(version)} is not a CockroachDB release tag such as 'v25.3.1'; an upgrade needs one to check the step`);
  }
  if (from && to) {
    const problem = upgradeStepProblem(from, to);
    if (problem) add('version', `${show(version)} ${problem}`);
  }
  clusters.forEach((c, i) => {
    if (c.version === undefined || typeof c.version !== 'string') return;
    if (upgrade.finalize === true && c.version !== version) {
      add(`clusters[${i}].version`, `${show(c.version)} still differs from version ${show(version)}: finalize only once every cluster runs it`);
    } else if (c.version !== version && c.version !== upgrade.from) {
      add(`clusters[${i}].version`, `${show(c.version)} is neither upgrade.from ${show(upgrade.from)} nor version ${show(version)}: a staged upgrade moves clusters from one to the other`);
    }
  });
}

function checkRemovals(input: TopologyInput, clusters: readonly ClusterSpec[], add: Add): void {
  const survival = input.survivalGoal === 'region' ? 'region' : 'zone';
  const retiring = clusters.map((c, i) => ({ c, i })).filter(({ c }) => c.retiring !== undefined && c.retiring !== false);
  clusters.forEach((c, i) => {
    if (c.retiring !== undefined && typeof c.retiring !== 'boolean') add(`clusters[${i}].retiring`, `${show(c.retiring)} must be true or false`);
    if (c.scaleDownTo === undefined) return;
    if (!Number.isInteger(c.scaleDownTo) || c.scaleDownTo < 1) {
      add(`clusters[${i}].scaleDownTo`, `${show(c.scaleDownTo)} must be an integer >= 1 (to remove every node of a cluster, set retiring: true)`);
    } else if (Number.isInteger(c.nodes) && c.scaleDownTo > c.nodes) {
      add(`clusters[${i}].scaleDownTo`, `${c.scaleDownTo} is more than nodes (${c.nodes}); it names the node count to scale down to`);
    } else if (c.retiring === true) {
      add(`clusters[${i}].scaleDownTo`, 'a retiring cluster decommissions every node already; leave scaleDownTo out');
    }
  });
  if (retiring.length === 0) {
    checkRemainingNodes(clusters, survival, add);
    return;
  }
  if (retiring.length > 1) {
    for (const { i } of retiring.slice(1)) add(`clusters[${i}].retiring`, 'remove one region at a time: finish the other retiring cluster and take it out of the topology first');
  }
  if (retiring.length === clusters.length) {
    add(`clusters[${retiring[0].i}].retiring`, 'every cluster would be retired; at least one must stay');
    return;
  }
  const staying = clusters.filter((c) => c.retiring !== true);
  const stayingRegions = new Set(staying.map((c) => c.region));
  const primary = input.primaryRegion ?? clusters.find((c) => c.name === (input.initCluster ?? clusters[0]?.name))?.region;
  for (const { c, i } of retiring) {
    if (c.region === primary && !stayingRegions.has(c.region)) {
      add(`clusters[${i}].retiring`, `region ${show(c.region)} is the primary region, which cannot be dropped: first set primaryRegion to a region that stays, apply, then retire this cluster`);
    }
    if (c.name === (input.initCluster ?? clusters[0]?.name)) {
      add(`clusters[${i}].retiring`, `${show(c.name)} runs the init and multi-region SQL Jobs: set initCluster to a cluster that stays (its init Job finds the cluster initialized)`);
    }
  }
  if (survival === 'region' && stayingRegions.size < 3) {
    add('survivalGoal', `'region' survival needs at least 3 regions, and only ${stayingRegions.size} would stay (${[...stayingRegions].map((r) => `'${r}'`).join(', ')}): set survivalGoal: 'zone' first, or add a region before removing one`);
  }
  checkRemainingNodes(clusters, survival, add);
}

function checkRemainingNodes(clusters: readonly ClusterSpec[], survival: 'zone' | 'region', add: Add): void {
  const removing = clusters.some((c) => c.retiring === true || (c.scaleDownTo !== undefined && c.scaleDownTo < c.nodes));
  if (!removing || !clusters.every((c) => Number.isInteger(c.nodes))) return;
  const remaining = clusters.reduce((sum, c) => sum + remainingNodes(c), 0);
  const minimum = minimumNodesFor(survival);
  if (remaining < minimum) {
    add('clusters', `${remaining} node${remaining === 1 ? '' : 's'} would remain, fewer than the ${minimum} that ${survival} survival replicates to: a decommission would never finish`);
  }
}


function checkRenewal(tls: unknown, add: Add): void {
  if (!(tls instanceof Tls)) return;
  if (tls.kind === 'existingCa' || tls.kind === 'generated') {
    const extra = (tls.options as { additionalTrustedCaPems?: unknown }).additionalTrustedCaPems;
    if (extra !== undefined && (!Array.isArray(extra) || extra.some((pem) => pem === undefined || pem === null || pem === ''))) {
      add('tls.additionalTrustedCaPems', 'expected a list of CA certificates (PEM)');
    }
    return;
  }
  if (tls.kind !== 'certManager') return;
  const options = tls.options as { duration?: unknown; renewBefore?: unknown; trustBundle?: { configMapName?: unknown; key?: unknown } };
  const bundle = options.trustBundle;
  if (bundle !== undefined) {
    if (bundle === null || typeof bundle !== 'object' || typeof bundle.configMapName !== 'string' || !OBJECT_NAME.test(bundle.configMapName)) {
      add('tls.trustBundle.configMapName', `${show(bundle?.configMapName)} is not a ConfigMap name`);
    } else if (bundle.key !== undefined && (typeof bundle.key !== 'string' || !SECRET_KEY.test(bundle.key))) {
      add('tls.trustBundle.key', `${show(bundle.key)} is not a ConfigMap key`);
    }
  }
  // duration and renewBefore are checked with the other TLS fields (validation/tls.ts).
}
