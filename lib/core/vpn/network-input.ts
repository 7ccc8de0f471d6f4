import { Problem, show } from '../problems';
import { ClusterSpec } from '../topology';
import { isDnsLabel } from '../validation/kubernetes-values';
import { readList, readObject } from '../validation/read';

/**
 * Reading the untrusted input of the VPN and peering planners into plain copies, so every
 * planner sees lists where it expects lists and objects where it expects objects, and anything
 * else becomes a problem with its path instead of an exception.
 */

/** A report function over a problem list. */
export function reporter(problems: Problem[]): (path: string, message: string) => void {
  return (path, message) => problems.push({ path, message });
}

/** An optional object field: undefined stays undefined; anything else must be an object. */
export function readOptionalObject(
  value: unknown, path: string, problems: Problem[], what: string, known: readonly string[] = [],
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  return readObject(value, path, reporter(problems), what, known);
}

/** An optional list field, copied: undefined stays undefined; anything else must be a list. */
export function readOptionalItems(value: unknown, path: string, problems: Problem[], what: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  return readList(value, path, reporter(problems), what);
}

/** An optional list of strings (CIDRs, ids), copied; a non-string item is reported and dropped. */
export function readStrings(value: unknown, path: string, problems: Problem[], what: string): string[] | undefined {
  const items = readOptionalItems(value, path, problems, `a list of ${what}`);
  if (items === undefined) return undefined;
  return items.flatMap((item, i) => {
    if (typeof item === 'string') return [item];
    problems.push({ path: `${path}[${i}]`, message: `${show(item)} is not ${what.replace(/s$/, '')}` });
    return [];
  });
}

const CLUSTER_FIELDS = ['name', 'cloud', 'region', 'nodes', 'namespace', 'podCidrs', 'serviceCidrs', 'nodeCidrs'];

/**
 * A cluster as the network planners read it: a name that can label cloud resources (a DNS
 * label), a cloud, a region, and its CIDR lists as lists of strings.
 */
export function readNetworkCluster(value: unknown, path: string, problems: Problem[]): ClusterSpec | undefined {
  const fields = readObject(value, path, reporter(problems), 'a cluster object', CLUSTER_FIELDS);
  if (!fields) return undefined;
  let ok = true;
  if (!isDnsLabel(fields.name)) {
    problems.push({ path: `${path}.name`, message: `${show(fields.name)} is not a DNS-1123 label (it names cloud resources)` });
    ok = false;
  }
  if (typeof fields.cloud !== 'string') {
    problems.push({ path: `${path}.cloud`, message: `${show(fields.cloud)} is not a cloud` });
    ok = false;
  }
  if (typeof fields.region !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(fields.region)) {
    problems.push({ path: `${path}.region`, message: `${show(fields.region)} is not a cloud region (lower-case letters, digits and '-')` });
    ok = false;
  }
  const lists: Record<string, string[]> = {};
  for (const field of ['podCidrs', 'serviceCidrs', 'nodeCidrs']) {
    const list = readStrings(fields[field], `${path}.${field}`, problems, 'CIDR blocks');
    if (fields[field] !== undefined && list === undefined) ok = false;
    lists[field] = list ?? [];
  }
  return ok ? ({ ...fields, ...lists } as unknown as ClusterSpec) : undefined;
}

/** A list of clusters for a planner; undefined when the list itself is bad. Bad entries are reported and left out. */
export function readNetworkClusters(value: unknown, path: string, problems: Problem[]): ClusterSpec[] | undefined {
  const items = readList(value, path, reporter(problems), 'a list of clusters');
  if (items === undefined) return undefined;
  const clusters = items.map((item, i) => readNetworkCluster(item, `${path}[${i}]`, problems));
  return clusters.every((c) => c !== undefined) ? clusters as ClusterSpec[] : undefined;
}
