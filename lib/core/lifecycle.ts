// Day-2 rules on plain data: CockroachDB's version sequence, the staged upgrade, scale-down and
// region removal. Sources: Cockroach Labs, "Upgrade CockroachDB self-hosted" (major versions, the
// Innovation releases that may be skipped, `cluster.preserve_downgrade_option`) and "Decommission
// nodes"; the public operator's partitioned update and decommission actors.
import { ClusterSpec, UpgradeOptions } from './topology';

/** A parsed CockroachDB release tag `vYY.R.P[-pre]`. */
export interface CockroachVersion {
  readonly year: number;
  readonly release: number;
  readonly patch: number;
  /** The pre-release suffix (`alpha.1`, `rc.2`), if any. */
  readonly preRelease?: string;
}

const VERSION_TAG = /^v(\d{2})\.(\d)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** Parses `v25.2.4` (or `v25.2.0-rc.1`); undefined for any other tag. */
export function parseCockroachVersion(tag: string): CockroachVersion | undefined {
  // A version pinned by digest (`v25.2.4@sha256:...`, also what a digest given in `image` becomes) is its tag.
  const m = VERSION_TAG.exec(tag.replace(/@sha256:[0-9a-f]{64}$/, ''));
  if (!m) return undefined;
  return { year: Number(m[1]), release: Number(m[2]), patch: Number(m[3]), preRelease: m[4] };
}

/** The major version `YY.R`, the value `cluster.preserve_downgrade_option` takes. */
export function majorOf(version: CockroachVersion): string {
  return `${version.year}.${version.release}`;
}

/** Major releases per year: two until 2023, three in 2024 (24.1-24.3), four from 2025 on. */
function releasesIn(year: number): number {
  if (year <= 23) return 2;
  return year === 24 ? 3 : 4;
}

function nextMajor(v: Pick<CockroachVersion, 'year' | 'release'>): { year: number; release: number } {
  return v.release < releasesIn(v.year) ? { year: v.year, release: v.release + 1 } : { year: v.year + 1, release: 1 };
}

function compareMajor(a: Pick<CockroachVersion, 'year' | 'release'>, b: Pick<CockroachVersion, 'year' | 'release'>): number {
  return a.year !== b.year ? a.year - b.year : a.release - b.release;
}

/**
 * From 24.1 on, every second major version is an Innovation release (24.2, 25.1, 25.3, 26.1, ...),
 * which may be skipped; the others (24.1, 24.3, 25.2, 25.4, 26.2, ...) are Regular and required.
 */
export function isInnovationRelease(v: Pick<CockroachVersion, 'year' | 'release'>): boolean {
  if (compareMajor(v, { year: 24, release: 1 }) < 0) return false;
  let offset = 0;
  for (let cursor = { year: 24, release: 1 }; compareMajor(cursor, v) < 0; cursor = nextMajor(cursor)) offset++;
  return offset % 2 === 1;
}

/**
 * Why `to` cannot follow `from` in one upgrade, or undefined when it can: a patch change, the next
 * major version, or the one after a skippable Innovation release.
 */
export function upgradeStepProblem(from: CockroachVersion, to: CockroachVersion): string | undefined {
  const order = compareMajor(to, from);
  if (order === 0) return undefined;
  if (order < 0) {
    return `is older than upgrade.from (${majorOf(from)}): a downgrade is a rollback, done by moving clusters back to upgrade.from before finalizing`;
  }
  const next = nextMajor(from);
  if (compareMajor(to, next) === 0) return undefined;
  const afterNext = nextMajor(next);
  if (compareMajor(to, afterNext) === 0 && isInnovationRelease(next)) return undefined;
  const required = isInnovationRelease(next) ? `${next.year}.${next.release} or ${afterNext.year}.${afterNext.release}` : `${next.year}.${next.release}`;
  return `skips a major version: from ${majorOf(from)} the next upgrade is to ${required}; upgrade through it first`;
}

/** The upgrade in progress, as the renderers and both engines need it. */
export interface UpgradePlan {
  /** The version every node ran before. */
  readonly from: string;
  /** The target version (the deployment's `version`). */
  readonly to: string;
  /** `cluster.preserve_downgrade_option` while the upgrade is open: the major version of `from`. */
  readonly preserveDowngradeOption: string;
  /** The target's major version, which the cluster version reaches once finalized. */
  readonly targetMajor: string;
  /** Whether this step finalizes (resets `preserve_downgrade_option`). */
  readonly finalize: boolean;
  /** The clusters that run `to` in this step, in topology order. */
  readonly upgradedClusters: readonly string[];
}

/**
 * The version a cluster runs: its own `version`; otherwise, during an open upgrade, `upgrade.from`
 * (so starting an upgrade rolls nothing), and the deployment's `version` in every other case.
 */
export function clusterVersionOf(cluster: Pick<ClusterSpec, 'version'>, version: string, upgrade: UpgradeOptions | undefined): string {
  if (cluster.version !== undefined) return cluster.version;
  return upgrade && !upgrade.finalize ? upgrade.from : version;
}

/** The upgrade plan, when an upgrade is in progress and the versions parse (validation checked it). */
export function planUpgrade(
  clusters: readonly Pick<ClusterSpec, 'name' | 'version'>[],
  version: string,
  upgrade: UpgradeOptions | undefined,
): UpgradePlan | undefined {
  if (!upgrade) return undefined;
  const from = parseCockroachVersion(upgrade.from);
  const to = parseCockroachVersion(version);
  if (!from || !to) return undefined;
  return {
    from: upgrade.from,
    to: version,
    preserveDowngradeOption: majorOf(from),
    targetMajor: majorOf(to),
    finalize: upgrade.finalize === true,
    upgradedClusters: clusters.filter((c) => clusterVersionOf(c, version, upgrade) === version).map((c) => c.name),
  };
}

/** The ordinals a cluster decommissions: from `scaleDownTo` (or 0 when retiring) up to `nodes - 1`. */
export function decommissionOrdinals(cluster: Pick<ClusterSpec, 'nodes' | 'scaleDownTo' | 'retiring'>): number[] {
  const from = cluster.retiring ? 0 : cluster.scaleDownTo;
  if (from === undefined || from >= cluster.nodes) return [];
  return Array.from({ length: cluster.nodes - from }, (_, i) => from + i);
}

/** The nodes a cluster keeps once its decommission is done. */
export function remainingNodes(cluster: Pick<ClusterSpec, 'nodes' | 'scaleDownTo' | 'retiring'>): number {
  if (cluster.retiring) return 0;
  return Math.min(cluster.nodes, cluster.scaleDownTo ?? cluster.nodes);
}

/**
 * The regions to drop from the managed databases: the regions of retiring clusters that no
 * remaining cluster shares.
 */
export function droppedRegions(clusters: readonly Pick<ClusterSpec, 'region' | 'retiring'>[]): string[] {
  const kept = new Set(clusters.filter((c) => !c.retiring).map((c) => c.region));
  return [...new Set(clusters.filter((c) => c.retiring && !kept.has(c.region)).map((c) => c.region))];
}

/** The fewest nodes a survival goal needs: 3 replicas for zone survival, 5 for region survival. */
export function minimumNodesFor(survivalGoal: 'zone' | 'region'): number {
  return survivalGoal === 'region' ? 5 : 3;
}

/** Names of the day-2 objects of one cluster. */
export interface LifecycleNames {
  /** ServiceAccount, Role and RoleBinding of the decommission Job's recorder. */
  readonly decommission: string;
  /** ConfigMap where the decommission Job records what it verified; the guard's parameter. */
  readonly decommissionedConfigMap: string;
  /** ValidatingAdmissionPolicy and its binding (cluster-scoped, so the namespace is in the name). */
  readonly scaleDownGuard: string;
  /** ConfigMap with CockroachDB's log configuration. */
  readonly logConfigMap: string;
}

/** The day-2 object names, from the base name and the namespace. */
export function lifecycleNames(baseName: string, namespace: string): LifecycleNames {
  return {
    decommission: `${baseName}-decommission`,
    decommissionedConfigMap: `${baseName}-decommissioned`,
    scaleDownGuard: `${baseName}-${namespace}-scale-down-guard`,
    logConfigMap: `${baseName}-log-config`,
  };
}
