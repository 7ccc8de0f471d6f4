// Where the real-control-plane tier finds its binaries: scripts/cluster-setup.sh builds them from the
// Go module proxy into a cache outside the clone. A missing binary fails the suite with the fix.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The cache scripts/cluster-setup.sh builds into. */
export const TOOLS_HOME = process.env.CROSSCLUSTER_TOOLS_HOME ?? path.join(os.homedir(), '.cache', 'crosscluster-tools');
/** The directory with every binary of the tier. */
export const TOOLS_BIN = path.join(TOOLS_HOME, 'bin');

/** The binaries of the tier. */
export type ClusterTool =
  | 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'kwok'
  | 'pulumi' | 'pulumi-resource-kubernetes' | 'cert-manager-controller';

/** The path of a tool, or an error that says how to build it. */
export function tool(name: ClusterTool): string {
  const file = path.join(TOOLS_BIN, name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    throw new Error(`${name} is not built: run scripts/cluster-setup.sh (it builds the real-control-plane tools into ${TOOLS_HOME})`);
  }
}

/** The kwok stage files the setup script copied from the kwok module. */
export function kwokStageDir(): string {
  const dir = path.join(TOOLS_HOME, 'kwok-stages');
  if (!fs.existsSync(dir)) throw new Error(`kwok stages missing in ${dir}: run scripts/cluster-setup.sh`);
  return fs.realpathSync(dir);
}

/** The cert-manager CRDs the setup script copied from the cert-manager module. */
export function certManagerCrdDir(): string {
  const dir = path.join(TOOLS_HOME, 'cert-manager-crds');
  if (!fs.existsSync(dir)) throw new Error(`cert-manager CRDs missing in ${dir}: run scripts/cluster-setup.sh`);
  // kubectl does not descend into a symlinked directory.
  return fs.realpathSync(dir);
}
