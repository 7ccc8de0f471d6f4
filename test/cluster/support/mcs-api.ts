// The Multi-Cluster Services API on the simulated clusters: its CRDs from the Go module that defines
// them (sigs.k8s.io/mcs-api, from the module proxy through `go mod download`, into the module cache),
// and a stand-in for the part of an MCS implementation that is a controller: it reads each cluster's
// ServiceExports and their EndpointSlices and writes, into every cluster, the ServiceImport and the
// labelled EndpointSlices the MCS API defines (what Cilium's and Submariner's controllers do). The DNS
// part is real: CoreDNS's `multicluster` option serves `clusterset.local` from those objects.
import * as path from 'path';
import { KubeClient, KubeResource, resourcePath } from './kube-client';
import { tool } from './tools';
import { runOk } from '../../e2e/support/processes';

/** The MCS API module version: the newest the module proxy serves, the one CoreDNS v1.15 builds with. */
export const MCS_API_VERSION = 'v0.5.2';
/** Labels the MCS API gives imported EndpointSlices (sigs.k8s.io/mcs-api, well_known_labels.go). */
export const MCS_LABELS = { serviceName: 'multicluster.kubernetes.io/service-name', sourceCluster: 'multicluster.kubernetes.io/source-cluster' } as const;
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const STAND_IN = 'mcs-stand-in.crosscluster.test';

/** The module's CRD directory (`config/crd`), downloaded into the Go module cache when missing. */
export async function mcsCrdDir(): Promise<string> {
  const download = await runOk('go', ['mod', 'download', '-json', `sigs.k8s.io/mcs-api@${MCS_API_VERSION}`], { timeoutMs: 180_000 });
  const dir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download gave no directory for sigs.k8s.io/mcs-api@${MCS_API_VERSION}: ${download.stdout}`);
  return path.join(dir, 'config', 'crd');
}

/** Applies the ServiceExport and ServiceImport CRDs (server-side) and waits until they are served. */
export async function installMcsCrds(kubeconfig: string): Promise<void> {
  const dir = await mcsCrdDir();
  const kubectl = tool('kubectl');
  await runOk(kubectl, [`--kubeconfig=${kubeconfig}`, 'apply', '--server-side', '--field-manager=crosscluster-test', '-f', dir], { timeoutMs: 60_000 });
  await runOk(kubectl, [`--kubeconfig=${kubeconfig}`, 'wait', '--for=condition=established', '--timeout=60s',
    'crd/serviceexports.multicluster.x-k8s.io', 'crd/serviceimports.multicluster.x-k8s.io'], { timeoutMs: 65_000 });
}

/** One cluster of the cluster set: its client and its id. */
export interface ClusterSetMember {
  readonly name: string;
  readonly clusterId: string;
  readonly client: KubeClient;
}

/**
 * One pass of the stand-in MCS controller: for every ServiceExport of every member, its Service's
 * EndpointSlices are copied into every member (the exporting one too: every cluster imports what it
 * exports, KEP-1645) as EndpointSlices labelled with the service name and source cluster, next to a
 * ServiceImport of the Service's type and ports. Returns how many EndpointSlices it wrote.
 */
export async function syncClusterSet(members: readonly ClusterSetMember[]): Promise<number> {
  let written = 0;
  for (const source of members) {
    for (const exported of await source.client.list('/apis/multicluster.x-k8s.io/v1alpha1/serviceexports')) {
      const ns = exported.metadata.namespace!;
      const name = exported.metadata.name;
      const service = await source.client.get(resourcePath('v1', 'services', ns, name));
      const slices = await source.client.list(resourcePath('discovery.k8s.io/v1', 'endpointslices', ns), `labelSelector=kubernetes.io%2Fservice-name%3D${name}`);
      for (const target of members) {
        await target.client.apply(resourcePath('multicluster.x-k8s.io/v1alpha1', 'serviceimports', ns, name), {
          apiVersion: 'multicluster.x-k8s.io/v1alpha1',
          kind: 'ServiceImport',
          metadata: { name, namespace: ns },
          spec: {
            type: service.spec.clusterIP === 'None' ? 'Headless' : 'ClusterSetIP',
            ports: service.spec.ports.map((p: any) => ({ name: p.name, port: p.port, protocol: p.protocol })),
          },
        }, STAND_IN);
        for (const slice of slices) {
          const copy: KubeResource = {
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: {
              name: `imported-${source.clusterId}-${slice.metadata.name}`.slice(0, 63).replace(/-+$/, ''),
              namespace: ns,
              labels: { [MCS_LABELS.serviceName]: name, [MCS_LABELS.sourceCluster]: source.clusterId, [MANAGED_BY]: STAND_IN },
            },
            addressType: slice.addressType,
            endpoints: (slice.endpoints ?? []).map((e: any) => ({ addresses: e.addresses, hostname: e.hostname, conditions: e.conditions })),
            ports: slice.ports ?? [],
          };
          await target.client.apply(resourcePath('discovery.k8s.io/v1', 'endpointslices', ns, copy.metadata.name), copy, STAND_IN, true);
          written++;
        }
      }
    }
  }
  return written;
}

/** A kubeconfig that authenticates with a bearer token (a ServiceAccount's, from the TokenRequest API). */
export function tokenKubeconfig(server: string, ca: string, token: string): string {
  return [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: c', '  cluster:', `    server: ${server}`, `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
    'users:', '- name: u', '  user:', `    token: ${token}`,
    'contexts:', '- name: c', '  context:', '    cluster: c', '    user: u',
    'current-context: c', '',
  ].join('\n');
}

/** A bound token of a ServiceAccount, as the kubelet would request it for a pod. */
export async function serviceAccountToken(client: KubeClient, namespace: string, serviceAccount: string): Promise<string> {
  const request = await client.create(resourcePath('v1', 'serviceaccounts', namespace, `${serviceAccount}/token`),
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
  return request.status.token;
}
