/** Options of {@link Tls.certManager}. */
export interface CertManagerTlsOptions {
  /**
   * Secret (in each database namespace) holding the shared CA as `tls.crt`/`tls.key`.
   * Provision the same CA in every cluster: all nodes must trust one CA.
   * @default 'cockroachdb-ca'
   */
  readonly caSecretName?: string;
  /**
   * Name of the cert-manager CA Issuer created in each database namespace.
   * @default 'cockroachdb-ca'
   */
  readonly issuerName?: string;
  /**
   * Lifetime of node and client certificates (Go duration).
   * @default '8760h'
   */
  readonly duration?: string;
  /**
   * How long before expiry cert-manager renews (Go duration); shorter than `duration`. The renewed
   * Secret reaches the running nodes within minutes and is reloaded without a restart.
   * @default '720h'
   */
  readonly renewBefore?: string;
  /**
   * Trust the CA certificates of this ConfigMap (in every database namespace; e.g. written by a
   * trust-manager `Bundle`) instead of the issuing CA alone. During a CA rotation it holds the old
   * and the new CA until every node has a certificate of the new one (docs/day-2.md).
   * @default - the issuing CA (the `ca.crt` cert-manager writes into each Secret)
   */
  readonly trustBundle?: TrustBundle;
}

/** A ConfigMap with the PEM bundle of every CA the nodes trust. */
export interface TrustBundle {
  /** The ConfigMap's name. */
  readonly configMapName: string;
  /** Its key holding the PEM bundle. @default 'ca.crt' */
  readonly key?: string;
}

/** Key algorithm of generated certificates. */
export type KeyAlgorithm = 'ECDSA' | 'RSA';

/** Options of {@link Tls.generated} and {@link Tls.existingCa}. */
export interface GeneratedTlsOptions {
  /**
   * Key algorithm (ECDSA P-256, or RSA 2048).
   * @default 'ECDSA'
   */
  readonly algorithm?: KeyAlgorithm;
  /**
   * Validity of the generated CA, in hours (ignored with an existing CA).
   * @default 43800
   */
  readonly caValidityHours?: number;
  /**
   * Validity of node and client certificates, in hours.
   * @default 8760
   */
  readonly validityHours?: number;
  /**
   * Renew a certificate this many hours before it expires (on the next `pulumi up` after that
   * moment); less than `validityHours`. The new Secret reaches the running nodes and is reloaded
   * without a restart.
   * @default 720
   */
  readonly earlyRenewalHours?: number;
}

/**
 * Options of {@link Tls.existingCa}. The type parameter lets an engine accept its own
 * wrapped values (Pulumi: `pulumi.Input<string>`, kept secret).
 */
export interface ExistingCaOptions<T = string> extends GeneratedTlsOptions {
  /** PEM of the CA certificate. */
  readonly caCertPem: T;
  /** PEM of the CA private key (pass it as a secret). */
  readonly caKeyPem: T;
  /**
   * More CA certificates every node trusts besides `caCertPem`, for a CA rotation: first the new CA
   * here while still signing with the old one, then sign with the new one and keep the old one
   * here, then drop it (docs/day-2.md).
   * @default []
   */
  readonly additionalTrustedCaPems?: readonly T[];
}

/** The TLS strategy kinds. */
export type TlsKind = 'certManager' | 'generated' | 'existingCa' | 'insecure';

/** How node and client certificates are issued. Choose with a static factory. */
export class Tls {
  /**
   * cert-manager issues the certificates in-cluster from a CA Secret you provision identically in
   * every cluster; no private key is ever in the manifests. The cdk8s default.
   */
  public static certManager(options: CertManagerTlsOptions = {}): Tls {
    return new Tls('certManager', options);
  }

  /** Pulumi generates a CA, node and client certificates with `@pulumi/tls` (keys are secrets). The Pulumi default. */
  public static generated(options: GeneratedTlsOptions = {}): Tls {
    return new Tls('generated', options);
  }

  /** Pulumi signs node and client certificates with your existing CA. */
  public static existingCa<T>(options: ExistingCaOptions<T>): Tls {
    return new Tls('existingCa', options);
  }

  /** No TLS at all (`--insecure`). For tests only: anyone who reaches a pod owns the database. */
  public static insecure(): Tls {
    return new Tls('insecure', {});
  }

  private constructor(
    /** The strategy. */
    public readonly kind: TlsKind,
    /** The strategy's options. */
    public readonly options: CertManagerTlsOptions | GeneratedTlsOptions | ExistingCaOptions<unknown>,
  ) {}

  /** True unless the strategy is {@link Tls.insecure}. */
  public get secure(): boolean {
    return this.kind !== 'insecure';
  }
}
