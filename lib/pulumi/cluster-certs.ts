import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as tls from '@pulumi/tls';
import { PulumiClusterSpec, toClusterSpecs } from './cluster-spec';
import { registerKubeObject } from './kube-resource';
import { requireArgs, validatePulumiTopology } from './validation';
import { SqlEndpoints } from '../core/endpoints/sql-endpoints';
import { resolveGeneratedTlsOptions } from '../core/generated-tls';
import { TopologyInput } from '../core/input';
import { Networking } from '../core/networking';
import { ClusterPlan, planDeployment } from '../core/plan';
import { Problem } from '../core/problems';
import { ExistingCaOptions, GeneratedTlsOptions, KeyAlgorithm, Tls } from '../core/tls';
import { ownValue } from '../core/validation/read';
import { renderCertificates } from '../manifests/certificates';
import { KubeObject } from '../manifests/kube-object';
import { renderTlsSecret } from '../manifests/secrets';

/** Usages of node certificates: cockroach nodes are servers to each other and clients of each other. */
export const NODE_CERT_USES = ['digital_signature', 'key_encipherment', 'server_auth', 'client_auth'];
/** Usages of client certificates. */
export const CLIENT_CERT_USES = ['digital_signature', 'key_encipherment', 'client_auth'];
/** Usages of the generated CA. */
export const CA_CERT_USES = ['cert_signing', 'crl_signing', 'digital_signature'];

/** Arguments of {@link ClusterCerts}. */
export interface ClusterCertsArgs {
  /** The clusters, each with its provider. Each gets a node certificate and the root client certificate. */
  readonly clusters: readonly PulumiClusterSpec[];
  /**
   * `Tls.generated(...)` (a new CA), `Tls.existingCa({ caCertPem, caKeyPem })` (PEM inputs; pass
   * the key as a secret), or `Tls.certManager(...)`: cert-manager in each cluster issues the
   * certificates from the CA Secret you provisioned there, and no key passes through Pulumi.
   * @default Tls.generated()
   */
  readonly tls?: Tls;
  /**
   * The networking strategy, which decides the per-pod addresses in the node certificates' SANs.
   * @default - `Networking.perPodLoadBalancers()` when `podAddresses` is given, else `Networking.dnsChain()`
   */
  readonly networking?: Networking;
  /**
   * Base name of the StatefulSet and Services (the SANs name them).
   * @default 'cockroachdb'
   */
  readonly name?: string;
  /**
   * Per cluster name, per pod ordinal: the pods' load-balancer addresses as they resolve
   * (e.g. `PerPodLoadBalancers.addresses`). They become SANs of their cluster's node certificate.
   * @default - the addresses given in `networking`, if any
   */
  readonly podAddresses?: pulumi.Input<Record<string, pulumi.Input<pulumi.Input<string>[]>>>;
  /**
   * The client endpoints (`GlobalSqlEndpoints`): each node certificate covers its region's SQL name,
   * the global name when its region is behind it, and the SQL load balancer's addresses.
   * @default - no SQL endpoint
   */
  readonly sqlEndpoints?: SqlEndpoints;
  /**
   * Per cluster name: the SQL load balancer's addresses as they resolve (`GlobalSqlEndpoints.addresses`).
   * @default - the pinned addresses of `sqlEndpoints` only
   */
  readonly sqlAddresses?: pulumi.Input<Record<string, string[]>>;
  /**
   * Per cluster name, the resource that creates the database namespace when the same program
   * creates it; the cluster's Secrets wait for it.
   * @default - the namespaces exist already
   */
  readonly namespaces?: Readonly<Record<string, pulumi.Resource>>;
}

/** The certificate Secrets of one cluster. */
export interface ClusterSecretNames {
  /** Secret with the node certificate (`ca.crt`, `tls.crt`, `tls.key`). */
  readonly nodeSecret: string;
  /** Secret with the root client certificate (`ca.crt`, `tls.crt`, `tls.key`). */
  readonly clientSecret: string;
}

interface KeyPair {
  readonly key: tls.PrivateKey;
  readonly keyPem: pulumi.Output<string>;
}

/**
 * One CA for every cluster (generated with `@pulumi/tls`, or yours), a node certificate per
 * cluster (CN `node`, server and client auth, the cluster's complete SAN plan including its
 * load-balancer addresses as they resolve) and a root client certificate (CN `root`), written to
 * `kubernetes.io/tls` Secrets in every cluster. Every private key is a Pulumi secret end to end.
 * With `Tls.certManager(...)` it creates cert-manager's Issuer and Certificates instead (the same
 * objects as the cdk8s flavour) and cert-manager writes the Secrets; the PEM outputs are then absent.
 */
export class ClusterCerts extends pulumi.ComponentResource {
  /** The CA certificate (public); absent with `Tls.certManager()`, whose CA lives in your CA Secrets. */
  public readonly caCertPem?: pulumi.Output<string>;
  /** The CA private key (secret): sign further client certificates with it. Absent with `Tls.certManager()`. */
  public readonly caPrivateKeyPem?: pulumi.Output<string>;
  /** Per cluster name, the node certificate (none with `Tls.certManager()`). */
  public readonly nodeCertPems: Readonly<Record<string, pulumi.Output<string>>>;
  /** Per cluster name, the node private key (secret; none with `Tls.certManager()`). */
  public readonly nodeKeyPems: Readonly<Record<string, pulumi.Output<string>>>;
  /** Per cluster name, the SANs the node certificate was requested with. */
  public readonly nodeSans: Readonly<Record<string, pulumi.Output<{ dnsNames: string[]; ipAddresses: string[] }>>>;
  /** The root client certificate; absent with `Tls.certManager()`. */
  public readonly clientCertPem?: pulumi.Output<string>;
  /** The root client private key (secret); absent with `Tls.certManager()`. */
  public readonly clientKeyPem?: pulumi.Output<string>;
  /** Per cluster name, the names of its certificate Secrets. */
  public readonly secretNames: pulumi.Output<Record<string, ClusterSecretNames>>;
  /** Per cluster name, the Secrets (node, then client); none with `Tls.certManager()`, where cert-manager writes them. */
  public readonly secrets: Readonly<Record<string, readonly k8s.core.v1.Secret[]>>;
  /** Per cluster name, cert-manager's Issuer and Certificates (node, then client); none unless `Tls.certManager()`. */
  public readonly certificates: Readonly<Record<string, readonly pulumi.CustomResource[]>>;

  constructor(name: string, args: ClusterCertsArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'ClusterCerts');
    const certTls = args.tls ?? Tls.generated();
    const topology: TopologyInput = {
      clusters: toClusterSpecs(args.clusters),
      name: args.name,
      networking: args.networking ?? (args.podAddresses !== undefined ? Networking.perPodLoadBalancers() : Networking.dnsChain()),
      tls: certTls,
      ...(args.sqlEndpoints !== undefined ? { sqlEndpoints: args.sqlEndpoints } : {}),
    };
    const tlsProblems: Problem[] = certTls instanceof Tls && certTls.kind === 'insecure'
      ? [{ path: 'tls', message: 'ClusterCerts issues certificates: use Tls.generated(), Tls.existingCa(...) or Tls.certManager(), or leave ClusterCerts out with Tls.insecure()' }]
      : [];
    // The certificates do not depend on the DNS addresses, so no engine-specific address checks.
    validatePulumiTopology(topology, args.clusters, 'none', tlsProblems);
    const skeleton = planDeployment(topology, { placeholders: args.podAddresses !== undefined });
    super('crosscluster:index:ClusterCerts', name, {}, opts);

    // The SANs wait on the addresses that resolve later: the pods' and the SQL load balancers'.
    const waits = args.podAddresses !== undefined || args.sqlAddresses !== undefined;
    const resolved = waits
      ? pulumi.all([pulumi.output(args.podAddresses), pulumi.output(args.sqlAddresses)]).apply(([podAddresses, sqlAddresses]) =>
        planDeployment(topology, {
          resolved: {
            ...(podAddresses !== undefined ? { podAddresses: podAddresses as Record<string, string[]> } : {}),
            ...(sqlAddresses !== undefined ? { sqlAddresses } : {}),
          },
        }))
      : pulumi.output(skeleton);
    const sansOf = (i: number) => resolved.apply((p) => ({
      dnsNames: [...p.clusters[i].nodeCertSans.dnsNames],
      ipAddresses: [...p.clusters[i].nodeCertSans.ipAddresses],
    }));
    this.secretNames = pulumi.output(Object.fromEntries(skeleton.clusters.map((c) => [
      c.name, { nodeSecret: c.names.nodeSecret, clientSecret: c.names.clientSecret },
    ])));

    if (certTls.kind === 'certManager') {
      // The same objects as the cdk8s flavour; only the node Certificate's SANs wait on addresses.
      const certificates: Record<string, pulumi.CustomResource[]> = {};
      const nodeSans: Record<string, pulumi.Output<{ dnsNames: string[]; ipAddresses: string[] }>> = {};
      skeleton.clusters.forEach((cluster, i) => {
        nodeSans[cluster.name] = sansOf(i);
        certificates[cluster.name] = renderCertificates(skeleton, cluster).map((object) => {
          const isNodeCertificate = object.kind === 'Certificate' && object.metadata.name === cluster.names.nodeSecret;
          const live = isNodeCertificate && waits
            ? resolved.apply((p) => renderCertificates(p, p.clusters[i]).find((o) => sameObject(o, object))!)
            : undefined;
          return registerKubeObject(`${name}-${cluster.name}-${object.kind.toLowerCase()}-${object.metadata.name}`, { skeleton: object, live }, {
            parent: this,
            provider: args.clusters[i].provider,
            deleteBeforeReplace: true,
            dependsOn: ownValue(args.namespaces, cluster.name) ? [ownValue(args.namespaces, cluster.name)!] : [],
          });
        });
      });
      this.nodeCertPems = {};
      this.nodeKeyPems = {};
      this.nodeSans = nodeSans;
      this.secrets = {};
      this.certificates = certificates;
      this.registerOutputs({ secretNames: this.secretNames });
      return;
    }

    const options = resolveGeneratedTlsOptions(certTls.options as GeneratedTlsOptions);
    const child = { parent: this };
    let caCertPem: pulumi.Output<string>;
    let caKeyPem: pulumi.Output<string>;
    if (certTls.kind === 'existingCa') {
      const existing = certTls.options as ExistingCaOptions<pulumi.Input<string>>;
      caCertPem = pulumi.output(existing.caCertPem);
      caKeyPem = pulumi.secret(existing.caKeyPem);
    } else {
      const ca = newKey(`${name}-ca-key`, options.algorithm, child);
      caKeyPem = ca.keyPem;
      caCertPem = new tls.SelfSignedCert(`${name}-ca`, {
        privateKeyPem: ca.keyPem,
        isCaCertificate: true,
        allowedUses: CA_CERT_USES,
        subject: { commonName: 'Cockroach CA', organization: 'Cockroach' },
        validityPeriodHours: options.caValidityHours,
        // No early renewal: a new CA replaces every node's trust at once, a rotation to plan.
      }, child).certPem;
    }
    const sign = (prefix: string, csr: tls.CertRequest, uses: string[]) => new tls.LocallySignedCert(prefix, {
      certRequestPem: csr.certRequestPem,
      caCertPem,
      caPrivateKeyPem: caKeyPem,
      allowedUses: uses,
      validityPeriodHours: options.validityHours,
      earlyRenewalHours: options.earlyRenewalHours,
    }, child);

    const client = newKey(`${name}-client-root-key`, options.algorithm, child);
    const clientCsr = new tls.CertRequest(`${name}-client-root-csr`, {
      privateKeyPem: client.keyPem,
      subject: { commonName: 'root', organization: 'Cockroach' },
    }, child);
    const clientCertPem = sign(`${name}-client-root-cert`, clientCsr, CLIENT_CERT_USES).certPem;
    this.clientCertPem = clientCertPem;
    this.clientKeyPem = client.keyPem;

    // What every node trusts: the signing CA, plus the other CA of a rotation in progress.
    const extraCas = (certTls.options as ExistingCaOptions<pulumi.Input<string>>).additionalTrustedCaPems ?? [];
    const trustedCas = extraCas.length === 0
      ? caCertPem
      : pulumi.all([caCertPem, ...extraCas]).apply((pems) => pems.map((pem) => pem.trimEnd()).join('\n') + '\n');

    const nodeCertPems: Record<string, pulumi.Output<string>> = {};
    const nodeKeyPems: Record<string, pulumi.Output<string>> = {};
    const nodeSans: Record<string, pulumi.Output<{ dnsNames: string[]; ipAddresses: string[] }>> = {};
    const secrets: Record<string, k8s.core.v1.Secret[]> = {};
    skeleton.clusters.forEach((cluster: ClusterPlan, i) => {
      const sans = sansOf(i);
      const node = newKey(`${name}-${cluster.name}-node-key`, options.algorithm, child);
      const csr = new tls.CertRequest(`${name}-${cluster.name}-node-csr`, {
        privateKeyPem: node.keyPem,
        subject: { commonName: 'node', organization: 'Cockroach' },
        dnsNames: sans.apply((s) => s.dnsNames),
        ipAddresses: sans.apply((s) => s.ipAddresses),
      }, child);
      const nodeCertPem = sign(`${name}-${cluster.name}-node-cert`, csr, NODE_CERT_USES).certPem;
      nodeCertPems[cluster.name] = nodeCertPem;
      nodeKeyPems[cluster.name] = node.keyPem;
      nodeSans[cluster.name] = sans;

      const secretOpts: pulumi.CustomResourceOptions = {
        parent: this,
        provider: args.clusters[i].provider,
        deleteBeforeReplace: true,
        dependsOn: ownValue(args.namespaces, cluster.name) ? [ownValue(args.namespaces, cluster.name)!] : [],
      };
      secrets[cluster.name] = [
        renderTlsSecret(cluster, cluster.names.nodeSecret, { caCrt: trustedCas, tlsCrt: nodeCertPem, tlsKey: node.keyPem }),
        renderTlsSecret(cluster, cluster.names.clientSecret, { caCrt: trustedCas, tlsCrt: clientCertPem, tlsKey: client.keyPem }),
      ].map((object) => registerKubeObject(`${name}-${cluster.name}-${object.metadata.name}`, { skeleton: object }, secretOpts) as k8s.core.v1.Secret);
    });
    this.caCertPem = caCertPem;
    this.caPrivateKeyPem = caKeyPem;
    this.nodeCertPems = nodeCertPems;
    this.nodeKeyPems = nodeKeyPems;
    this.nodeSans = nodeSans;
    this.secrets = secrets;
    this.certificates = {};
    this.registerOutputs({
      caCertPem: this.caCertPem,
      nodeCertPems: this.nodeCertPems,
      clientCertPem: this.clientCertPem,
      secretNames: this.secretNames,
    });
  }
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return a.kind === b.kind && a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace;
}

/** A private key of the chosen algorithm (ECDSA P-256, or RSA 2048); its PEM is kept secret. */
function newKey(name: string, algorithm: KeyAlgorithm, opts: pulumi.CustomResourceOptions): KeyPair {
  const key = new tls.PrivateKey(name, algorithm === 'RSA' ? { algorithm: 'RSA', rsaBits: 2048 } : { algorithm: 'ECDSA', ecdsaCurve: 'P256' }, {
    ...opts,
    additionalSecretOutputs: ['privateKeyPem', 'privateKeyPemPkcs8', 'privateKeyOpenssh'],
  });
  return { key, keyPem: pulumi.secret(key.privateKeyPem) };
}
