import { CockroachOptions, ResolvedCockroachOptions } from './topology';

/** The defaults a CockroachDB operator expects (see the Cockroach Labs manifests and Helm chart). */
export const COCKROACH_DEFAULTS = {
  image: 'cockroachdb/cockroach',
  version: 'v25.2.4',
  name: 'cockroachdb',
  storageSize: '100Gi',
  cpu: '2',
  memory: '8Gi',
  survivalGoal: 'zone',
  database: 'defaultdb',
  terminationGracePeriodSeconds: 300,
  localityImage: 'curlimages/curl:8.11.1',
  zoneSpread: 'DoNotSchedule',
  livenessProbe: false,
  separateSqlPort: false,
  scaleDownGuard: true,
} as const;

/** Fills every default; `firstCluster` is the init cluster and `regionOf` finds its region. */
export function resolveCockroachOptions(
  options: CockroachOptions,
  firstCluster: string,
  regionOf: (cluster: string) => string | undefined,
): ResolvedCockroachOptions {
  const initCluster = options.initCluster ?? firstCluster;
  return {
    image: options.image ?? COCKROACH_DEFAULTS.image,
    version: options.version ?? COCKROACH_DEFAULTS.version,
    name: options.name ?? COCKROACH_DEFAULTS.name,
    storageSize: options.storageSize ?? COCKROACH_DEFAULTS.storageSize,
    storageClass: options.storageClass,
    cpu: options.cpu ?? COCKROACH_DEFAULTS.cpu,
    memory: options.memory ?? COCKROACH_DEFAULTS.memory,
    extraStartFlags: options.extraStartFlags ?? [],
    initCluster,
    survivalGoal: options.survivalGoal ?? COCKROACH_DEFAULTS.survivalGoal,
    database: options.database ?? COCKROACH_DEFAULTS.database,
    primaryRegion: options.primaryRegion ?? regionOf(initCluster) ?? '',
    terminationGracePeriodSeconds:
      options.terminationGracePeriodSeconds ?? COCKROACH_DEFAULTS.terminationGracePeriodSeconds,
    localityImage: options.localityImage ?? COCKROACH_DEFAULTS.localityImage,
    databases: options.databases ?? [options.database ?? COCKROACH_DEFAULTS.database],
    upgrade: options.upgrade,
    zoneSpread: options.zoneSpread ?? COCKROACH_DEFAULTS.zoneSpread,
    livenessProbe: options.livenessProbe ?? COCKROACH_DEFAULTS.livenessProbe,
    separateSqlPort: options.separateSqlPort ?? COCKROACH_DEFAULTS.separateSqlPort,
    walFailover: options.walFailover,
    encryptionAtRest: options.encryptionAtRest,
    logConfig: options.logConfig,
    scaleDownGuard: options.scaleDownGuard ?? COCKROACH_DEFAULTS.scaleDownGuard,
  };
}
