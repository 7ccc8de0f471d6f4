// Per-pod certificates for Networking.podIps in secure mode. A pod's IP is known only once the pod
// runs, so no certificate made before can name it. cert-manager's csi-driver cannot either: it
// mounts its volume before the pod has an IP and expands only POD_NAME, POD_NAMESPACE, POD_UID and
// SERVICE_ACCOUNT_NAME (never in ip-sans; cert-manager/csi-driver#17). So each pod asks cert-manager
// itself: an init container applies a Certificate of its own (its pod IPs from the downward API, its
// names, the cluster's join load balancer) with server-side apply, waits until cert-manager has
// issued it, and writes it where cockroach reads its certificates; a small container re-reads the
// Secret every minute so renewals reach the running node (the reloader then sends SIGHUP). The
// Certificate is owned by the pod, so it goes with it. Everything runs with sh and curl.
import { resolveCertManagerOptions } from './certificates';
import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { containerSecurityContext, fixedResources } from './pod-parts';
import { CERTS_DIR, TOPOLOGY_DIR } from './scripts';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { podCertificateName, usesPodCertificates } from '../core/strategies/pod-ips';
import { CertManagerTlsOptions } from '../core/tls';

/** Where the per-pod certificate containers see the root client certificate and the trusted CA (staging for a copy). */
export const CLIENT_CERTS_DIR = '/cockroach/client-certs';
/** Where the per-pod certificate containers find the API token (the pod's projected token volume). */
export const POD_CERT_TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Topology ConfigMap keys: the cluster's join load-balancer addresses that are IPs, and those that are DNS names (comma-separated). */
export const JOIN_LB_IPS_KEY = 'join-lb-ips';
export const JOIN_LB_NAMES_KEY = 'join-lb-names';
/** The field manager the pods apply their Certificates with. */
export const POD_CERT_FIELD_MANAGER = 'crosscluster-pod-certificate';
/** How many times the init container checks whether cert-manager has issued the certificate. */
export const POD_CERT_ATTEMPTS = 90;
/** Seconds between two checks while waiting, and between two reads of the Secret by the renewer. */
export const POD_CERT_WAIT_SECONDS = 2;
export const POD_CERT_RENEW_SECONDS = 60;
/** The renewer re-applies its Certificate every this many reads (it recreates one deleted by hand). */
export const POD_CERT_REAPPLY_EVERY = 10;

/** Markers the script replaces at start. */
const POD_NAME = '@POD_NAME@';
const POD_UID = '@POD_UID@';
const POD_IPS = '@POD_IPS@';
const JOIN_IPS = '@JOIN_IPS@';
const JOIN_NAMES = '@JOIN_NAMES@';

/** Name of the Role (and RoleBinding) that lets the database pods request their certificates. */
export function podCertificateRoleName(cluster: ClusterPlan): string {
  return `${cluster.names.statefulSet}-pod-certificates`;
}

/**
 * The Certificate a pod applies, with markers for what only the pod knows (`@POD_NAME@`, `@POD_UID@`,
 * `@POD_IPS@`) and for the join load balancer's addresses, which it reads from the topology ConfigMap
 * (so the pod template never holds an address). Same key, usages and lifetime as the cluster
 * certificates: CN `node`, server and client auth, ECDSA P-256, a new key at every issuance.
 */
export function podCertificateTemplate(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject {
  const o = resolveCertManagerOptions(plan.tls.options as CertManagerTlsOptions);
  const headless = cluster.names.headlessService;
  const publicService = cluster.names.publicService;
  const name = podCertificateName(POD_NAME);
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: {
      name,
      namespace: cluster.namespace,
      labels: { ...commonLabels(cluster), 'crosscluster.io/pod': POD_NAME },
      // Owned by the pod: deleted with it (a rescheduled pod applies its own again).
      ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: POD_NAME, uid: POD_UID }],
    } as KubeObject['metadata'],
    spec: {
      secretName: name,
      commonName: 'node',
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
      dnsNames: [
        'localhost',
        publicService,
        `${publicService}.${cluster.namespace}`,
        `${publicService}.${cluster.namespace}.svc`,
        `${publicService}.${cluster.serviceDomain}`,
        `${POD_NAME}.${headless}`,
        `${POD_NAME}.${headless}.${cluster.namespace}`,
        `${POD_NAME}.${headless}.${cluster.namespace}.svc`,
        `${POD_NAME}.${headless}.${cluster.serviceDomain}`,
        JOIN_NAMES,
      ],
      ipAddresses: [POD_IPS, '127.0.0.1', '::1', JOIN_IPS],
      duration: o.duration,
      renewBefore: o.renewBefore,
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { name: o.issuerName, kind: 'Issuer', group: 'cert-manager.io' },
    },
  };
}

/**
 * The Certificate a pod with this name, UID and IPs applies in a cluster whose join load balancer has
 * these addresses: what the script sends, computed here for tests and documentation.
 */
export function podCertificateFor(
  plan: DeploymentPlan,
  cluster: ClusterPlan,
  pod: { name: string; uid: string; ips: readonly string[] },
  join: { ips: readonly string[]; names: readonly string[] },
): KubeObject {
  const text = JSON.stringify(podCertificateTemplate(plan, cluster))
    .split(POD_NAME).join(pod.name)
    .split(POD_UID).join(pod.uid);
  const object = JSON.parse(text);
  const expand = (list: string[], marker: string, values: readonly string[]) => list.flatMap((v) => (v === marker ? [...values] : [v]));
  object.spec.dnsNames = expand(object.spec.dnsNames, JOIN_NAMES, join.names);
  object.spec.ipAddresses = expand(expand(object.spec.ipAddresses, POD_IPS, pod.ips), JOIN_IPS, join.ips);
  return object;
}

/** The Role and RoleBinding the per-pod certificates need: apply Certificates, read exactly the pods' Secrets. */
export function renderPodCertificateAccess(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  if (!usesPodCertificates(plan)) return [];
  const labels = commonLabels(cluster);
  const name = podCertificateRoleName(cluster);
  const certificates = cluster.pods.map((p) => podCertificateName(p.name));
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: cluster.namespace, labels },
      rules: [
        // Server-side apply of a Certificate that does not exist yet is a create.
        { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['create'] },
        { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['get', 'patch'], resourceNames: certificates },
        // Only the pods' own Secrets: never the CA Secret next to them.
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: certificates },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: cluster.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: cluster.names.serviceAccount, namespace: cluster.namespace }],
    },
  ];
}

function quote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/**
 * Functions both containers share: `kube` (curl with the pod's token), `apply_certificate` (the
 * pod's Certificate by server-side apply; sets `generation`) and `write_certs <secret JSON>`.
 */
function sharedFunctions(template: string): string[] {
  return [
    `sa=${POD_CERT_TOKEN_DIR}`,
    'api=https://kubernetes.default.svc',
    'certificate="${api}/apis/cert-manager.io/v1/namespaces/${POD_NAMESPACE}/certificates/${POD_NAME}-node"',
    'secret="${api}/api/v1/namespaces/${POD_NAMESPACE}/secrets/${POD_NAME}-node"',
    'kube() { curl -sS --fail-with-body --max-time 10 --retry 5 --retry-all-errors --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }',
    // A JSON string field of a flat document, spaces and newlines removed (base64 has neither).
    'field() { printf \'%s\' "$1" | tr -d \'\\n \' | sed -n "s/.*\\"$2\\":\\"\\([^\\"]*\\)\\".*/\\1/p"; }',
    // "a","b", for a JSON array, from a comma-separated list.
    'json_items() { for item in $(printf \'%s\' "$1" | tr \',\' \' \'); do printf \'"%s",\' "$item"; done; }',
    // The pod IPs from the downward API; the join addresses from the topology ConfigMap.
    'apply_certificate() {',
    '  pod_ips="$(json_items "$POD_IPS")"',
    `  join_ips="$(json_items "$(cat ${TOPOLOGY_DIR}/${JOIN_LB_IPS_KEY} 2>/dev/null || true)")"`,
    `  join_names="$(json_items "$(cat ${TOPOLOGY_DIR}/${JOIN_LB_NAMES_KEY} 2>/dev/null || true)")"`,
    `  body="$(printf '%s' ${quote(template)} | sed -e "s/${POD_NAME}/\${POD_NAME}/g" -e "s/${POD_UID}/\${POD_UID}/g" \\`,
    `    -e "s/\\"${POD_IPS}\\",/\${pod_ips}/" -e "s/,\\"${JOIN_IPS}\\"/,\${join_ips%,}/" -e "s/,\\"${JOIN_NAMES}\\"/,\${join_names%,}/" -e 's/,\\]/]/g')"`,
    `  applied="$(kube -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data-binary "$body" "\${certificate}?fieldManager=${POD_CERT_FIELD_MANAGER}&force=true")" || return 1`,
    '  generation="$(printf \'%s\' "$applied" | tr -d \'\\n\' | sed -n \'s/.*"generation": *\\([0-9][0-9]*\\).*/\\1/p\')"',
    '}',
    // Writes the issued key pair, the trusted CA and the root client certificate; each file replaced
    // whole (rename), so cockroach and the reloader never see half a file.
    'write_certs() {',
    '  crt="$(field "$1" \'tls\\.crt\')"; key="$(field "$1" \'tls\\.key\')"',
    '  [ -n "$crt" ] && [ -n "$key" ] || return 1',
    `  printf '%s' "$crt" | base64 -d > ${CERTS_DIR}/node.crt.new || return 1`,
    `  printf '%s' "$key" | base64 -d > ${CERTS_DIR}/node.key.new || return 1`,
    `  for f in ca.crt client.root.crt client.root.key; do cat ${CLIENT_CERTS_DIR}/$f > ${CERTS_DIR}/$f.new || return 1; done`,
    `  for f in node.key node.crt ca.crt client.root.crt client.root.key; do mv -f ${CERTS_DIR}/$f.new ${CERTS_DIR}/$f; done`,
    '}',
  ];
}

/**
 * The init container's script: applies the pod's Certificate (server-side apply, idempotent: a
 * restarted pod with the same IP changes nothing), waits until cert-manager reports it Ready for
 * that very generation, then writes the key pair. Bounded: fails (and the kubelet retries) after
 * {@link POD_CERT_ATTEMPTS} checks, with cert-manager's reason.
 */
export function podCertificateScript(plan: DeploymentPlan, cluster: ClusterPlan): string {
  return [
    'set -eu',
    'umask 077',
    ...sharedFunctions(JSON.stringify(podCertificateTemplate(plan, cluster))),
    '[ -n "${POD_IPS:-}" ] || { echo "the pod has no IP yet (status.podIPs is empty)" >&2; exit 1; }',
    'apply_certificate',
    'echo "applied Certificate ${POD_NAME}-node (generation ${generation:-?}) for ${POD_IPS}"',
    `for attempt in $(seq 1 ${POD_CERT_ATTEMPTS}); do`,
    '  current="$(kube "$certificate")" || current=""',
    // The Ready condition (conditions are flat objects: split on braces) and the generation it saw.
    '  ready="$(printf \'%s\' "$current" | tr -d \'\\n\' | tr \'{}\' \'\\n\\n\' | grep \'"type": *"Ready"\' || true)"',
    '  seen="$(printf \'%s\' "$ready" | sed -n \'s/.*"observedGeneration": *\\([0-9][0-9]*\\).*/\\1/p\')"',
    '  if printf \'%s\' "$ready" | grep -q \'"status": *"True"\' && [ -n "$seen" ] && [ "$seen" -ge "${generation:-0}" ]; then',
    '    if write_certs "$(kube "$secret")"; then echo "certificate of ${POD_NAME} issued for ${POD_IPS}"; exit 0; fi',
    '  fi',
    `  if [ "$attempt" = ${POD_CERT_ATTEMPTS} ]; then`,
    '    echo "cert-manager did not issue Certificate ${POD_NAME}-node: $(printf \'%s\' "$ready" | sed -n \'s/.*"message": *"\\([^"]*\\)".*/\\1/p\')" >&2',
    '    exit 1',
    '  fi',
    `  sleep ${POD_CERT_WAIT_SECONDS}`,
    'done',
  ].join('\n');
}

/**
 * The renewer's script: every {@link POD_CERT_RENEW_SECONDS} s it reads the pod's Secret and rewrites
 * the files when cert-manager renewed it (or the trusted CA or client certificate changed), and now
 * and then re-applies the Certificate (one deleted by hand comes back). Never exits on a failed call.
 */
export function podCertificateRenewScript(plan: DeploymentPlan, cluster: ClusterPlan): string {
  return [
    'set -u',
    'umask 077',
    ...sharedFunctions(JSON.stringify(podCertificateTemplate(plan, cluster))),
    `client_signature() { cksum ${CLIENT_CERTS_DIR}/ca.crt ${CLIENT_CERTS_DIR}/client.root.crt ${CLIENT_CERTS_DIR}/client.root.key 2>/dev/null || true; }`,
    'last=""',
    'round=0',
    'while :; do',
    `  sleep ${POD_CERT_RENEW_SECONDS}`,
    '  round=$((round + 1))',
    `  if [ $((round % ${POD_CERT_REAPPLY_EVERY})) = 0 ]; then apply_certificate >/dev/null || echo "re-applying Certificate \${POD_NAME}-node failed; retrying later" >&2; fi`,
    '  current="$(kube "$secret")" || continue',
    '  signature="$(field "$current" \'resourceVersion\')|$(client_signature)"',
    '  [ "$signature" = "$last" ] && continue',
    '  if write_certs "$current"; then',
    '    [ -n "$last" ] && echo "certificate files of ${POD_NAME} rewritten (renewed key pair, CA or client certificate)"',
    '    last="$signature"',
    '  fi',
    'done',
  ].join('\n');
}

/** The downward-API environment of the certificate containers. */
function certificateEnv(): Record<string, unknown>[] {
  return [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
    { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
  ];
}

/** The volume the key pair lives in: memory only, the pod's own, gone with the pod. */
export const NODE_CERT_VOLUME = 'node-cert';

function certificateMounts(): Record<string, unknown>[] {
  return [
    { name: NODE_CERT_VOLUME, mountPath: CERTS_DIR },
    { name: 'certs', mountPath: CLIENT_CERTS_DIR, readOnly: true },
    { name: 'topology', mountPath: TOPOLOGY_DIR, readOnly: true },
    { name: 'node-reader-token', mountPath: POD_CERT_TOKEN_DIR, readOnly: true },
  ];
}

/** The init container that obtains the pod's certificate before cockroach starts. */
export function podCertificateInitContainer(plan: DeploymentPlan, cluster: ClusterPlan): Record<string, unknown> {
  return {
    name: 'node-certificate',
    image: plan.cockroach.localityImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', podCertificateScript(plan, cluster)],
    env: certificateEnv(),
    resources: fixedResources('10m', '32Mi'),
    securityContext: containerSecurityContext(),
    volumeMounts: certificateMounts(),
  };
}

/** The container that keeps the pod's certificate files current. */
export function podCertificateRenewContainer(plan: DeploymentPlan, cluster: ClusterPlan): Record<string, unknown> {
  return {
    name: 'node-certificate-renewer',
    image: plan.cockroach.localityImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', podCertificateRenewScript(plan, cluster)],
    env: certificateEnv(),
    resources: fixedResources('10m', '32Mi'),
    securityContext: containerSecurityContext(),
    volumeMounts: certificateMounts(),
  };
}
