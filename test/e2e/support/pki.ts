// A test PKI built with the openssl CLI: a CA, and certificates issued exactly as a cert-manager
// Certificate object specifies them (the job cert-manager's CA Issuer does in the cluster).
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { requireTool, run, runOk } from './processes';

/** A CA on disk. */
export interface TestCa {
  readonly name: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
}

/** A certificate and its key on disk. */
export interface IssuedCert {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** The fields of a cert-manager `Certificate.spec` this issuer understands; any other field fails. */
const KNOWN_SPEC_FIELDS = new Set(['secretName', 'commonName', 'usages', 'dnsNames', 'ipAddresses', 'duration', 'renewBefore', 'privateKey', 'issuerRef']);

/** cert-manager `usages` → X.509 keyUsage / extendedKeyUsage names (openssl config spelling). */
const KEY_USAGES: Record<string, string> = {
  'signing': 'digitalSignature',
  'digital signature': 'digitalSignature',
  'content commitment': 'nonRepudiation',
  'key encipherment': 'keyEncipherment',
  'key agreement': 'keyAgreement',
  'data encipherment': 'dataEncipherment',
  'cert sign': 'keyCertSign',
  'crl sign': 'cRLSign',
};
const EXTENDED_KEY_USAGES: Record<string, string> = {
  'server auth': 'serverAuth',
  'client auth': 'clientAuth',
  'code signing': 'codeSigning',
  'email protection': 'emailProtection',
  'timestamping': 'timeStamping',
  'ocsp signing': 'OCSPSigning',
};

/** `@pulumi/tls` allowedUses → X.509 keyUsage / extendedKeyUsage names. */
const PULUMI_KEY_USAGES: Record<string, string> = {
  digital_signature: 'digitalSignature',
  content_commitment: 'nonRepudiation',
  key_encipherment: 'keyEncipherment',
  key_agreement: 'keyAgreement',
  data_encipherment: 'dataEncipherment',
  cert_signing: 'keyCertSign',
  crl_signing: 'cRLSign',
};
const PULUMI_EXTENDED_KEY_USAGES: Record<string, string> = {
  server_auth: 'serverAuth',
  client_auth: 'clientAuth',
  code_signing: 'codeSigning',
  email_protection: 'emailProtection',
  timestamping: 'timeStamping',
  ocsp_signing: 'OCSPSigning',
};

/** Issues certificates with the real openssl CLI into one directory. */
export class OpensslPki {
  public readonly openssl = requireTool('openssl');
  private serial = 0;

  constructor(public readonly dir: string) {}

  /** A self-signed ECDSA P-256 CA (what the `cockroachdb-ca` Secret holds in every cluster). */
  public async createCa(name: string): Promise<TestCa> {
    const base = path.join(this.dir, `ca-${name}`);
    fs.writeFileSync(`${base}.cnf`, [
      '[req]', 'distinguished_name = dn', 'prompt = no', 'x509_extensions = v3_ca',
      '[dn]', 'O = crosscluster-e2e', `CN = ${name}`,
      '[v3_ca]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash', '',
    ].join('\n'));
    await runOk(this.openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${base}.key`]);
    await runOk(this.openssl, ['req', '-x509', '-new', '-config', `${base}.cnf`, '-key', `${base}.key`, '-days', '30', '-sha256', '-out', `${base}.crt`]);
    return { name, certFile: `${base}.crt`, keyFile: `${base}.key`, certPem: fs.readFileSync(`${base}.crt`, 'utf8') };
  }

  /**
   * Issues a certificate from `ca` exactly as a cert-manager `Certificate.spec` says: subject CN,
   * key algorithm and size, keyUsage and extendedKeyUsage from `usages`, dNSName and iPAddress SANs,
   * validity from `duration`. A spec field this issuer does not implement throws, so a new field in
   * the renderers is never silently ignored.
   */
  public async issueFromCertificate(ca: TestCa, spec: Record<string, any>, fileName: string): Promise<IssuedCert> {
    const unknown = Object.keys(spec).filter((k) => !KNOWN_SPEC_FIELDS.has(k));
    if (unknown.length > 0) throw new Error(`Certificate spec has fields the test issuer does not implement: ${unknown.join(', ')}`);
    const usages: string[] = spec.usages ?? ['digital signature', 'key encipherment'];
    const keyUsage: string[] = [];
    const extendedKeyUsage: string[] = [];
    for (const usage of usages) {
      if (KEY_USAGES[usage]) keyUsage.push(KEY_USAGES[usage]);
      else if (EXTENDED_KEY_USAGES[usage]) extendedKeyUsage.push(EXTENDED_KEY_USAGES[usage]);
      else throw new Error(`unknown cert-manager usage '${usage}'`);
    }
    return this.issue(ca, {
      commonName: spec.commonName,
      dnsNames: spec.dnsNames ?? [],
      ipAddresses: spec.ipAddresses ?? [],
      keyUsage,
      extendedKeyUsage,
      algorithm: spec.privateKey?.algorithm ?? 'RSA',
      size: spec.privateKey?.size,
      days: goDurationDays(spec.duration ?? '2160h'),
    }, fileName);
  }

  /**
   * Issues a certificate from `ca` exactly as the Pulumi path asks `@pulumi/tls` for it: the
   * `PrivateKey` inputs (algorithm, curve or bits), the `CertRequest` inputs (subject, dnsNames,
   * ipAddresses) and the `LocallySignedCert` inputs (allowedUses, validityPeriodHours).
   */
  public async issueFromPulumi(
    ca: TestCa, key: Record<string, any>, csr: Record<string, any>, signed: Record<string, any>, fileName: string,
  ): Promise<IssuedCert> {
    const keyUsage: string[] = [];
    const extendedKeyUsage: string[] = [];
    for (const use of signed.allowedUses as string[]) {
      if (PULUMI_KEY_USAGES[use]) keyUsage.push(PULUMI_KEY_USAGES[use]);
      else if (PULUMI_EXTENDED_KEY_USAGES[use]) extendedKeyUsage.push(PULUMI_EXTENDED_KEY_USAGES[use]);
      else throw new Error(`unknown @pulumi/tls allowed use '${use}'`);
    }
    const unknownSubject = Object.keys(csr.subject ?? {}).filter((k) => k !== 'commonName' && k !== 'organization');
    if (unknownSubject.length > 0) throw new Error(`CertRequest subject fields the test issuer does not implement: ${unknownSubject.join(', ')}`);
    return this.issue(ca, {
      commonName: csr.subject?.commonName,
      organization: csr.subject?.organization,
      dnsNames: csr.dnsNames ?? [],
      ipAddresses: csr.ipAddresses ?? [],
      keyUsage,
      extendedKeyUsage,
      algorithm: key.algorithm,
      size: key.algorithm === 'ECDSA' ? Number(String(key.ecdsaCurve ?? 'P224').slice(1)) : key.rsaBits,
      days: Math.max(1, Math.ceil(Number(signed.validityPeriodHours) / 24)),
    }, fileName);
  }

  /** Issues a leaf certificate with the given subject, SANs and usages. */
  public async issue(ca: TestCa, c: {
    commonName?: string;
    organization?: string;
    dnsNames: readonly string[];
    ipAddresses: readonly string[];
    keyUsage: readonly string[];
    extendedKeyUsage: readonly string[];
    algorithm: string;
    size?: number;
    days: number;
  }, fileName: string): Promise<IssuedCert> {
    const base = path.join(this.dir, fileName);
    const keyArgs = c.algorithm === 'ECDSA'
      ? ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${ecCurve(c.size ?? 256)}`]
      : c.algorithm === 'RSA'
        ? ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${c.size ?? 2048}`]
        : ['-algorithm', 'ED25519'];
    await runOk(this.openssl, ['genpkey', ...keyArgs, '-out', `${base}.key`]);
    const sans = [...c.dnsNames.map((n, i) => `DNS.${i + 1} = ${n}`), ...c.ipAddresses.map((ip, i) => `IP.${i + 1} = ${ip}`)];
    fs.writeFileSync(`${base}.cnf`, [
      '[req]', 'distinguished_name = dn', 'prompt = no',
      '[dn]', ...(c.organization ? [`O = ${c.organization}`] : []), c.commonName ? `CN = ${c.commonName}` : 'O = crosscluster-e2e',
      '[leaf]', 'basicConstraints = critical, CA:FALSE',
      ...(c.keyUsage.length > 0 ? [`keyUsage = critical, ${c.keyUsage.join(', ')}`] : []),
      ...(c.extendedKeyUsage.length > 0 ? [`extendedKeyUsage = ${c.extendedKeyUsage.join(', ')}`] : []),
      'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
      ...(sans.length > 0 ? ['subjectAltName = @san', '[san]', ...sans] : []),
      '',
    ].join('\n'));
    await runOk(this.openssl, ['req', '-new', '-config', `${base}.cnf`, '-key', `${base}.key`, '-out', `${base}.csr`]);
    const serial = `0x${randomBytes(8).toString('hex')}${(++this.serial).toString(16).padStart(4, '0')}`;
    await runOk(this.openssl, [
      'x509', '-req', '-in', `${base}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', serial,
      '-days', String(c.days), '-sha256', '-extfile', `${base}.cnf`, '-extensions', 'leaf', '-out', `${base}.crt`,
    ]);
    return { certFile: `${base}.crt`, keyFile: `${base}.key`, certPem: fs.readFileSync(`${base}.crt`, 'utf8'), keyPem: fs.readFileSync(`${base}.key`, 'utf8') };
  }

  /** `openssl verify` of a certificate against a CA for a purpose (`sslserver`, `sslclient`). */
  public async verify(ca: TestCa, certFile: string, purpose: 'sslserver' | 'sslclient'): Promise<{ ok: boolean; output: string }> {
    const result = await run(this.openssl, ['verify', '-x509_strict', '-CAfile', ca.certFile, '-purpose', purpose, certFile]);
    return { ok: result.code === 0 && /: OK\s*$/.test(result.stdout), output: result.stdout + result.stderr };
  }

  /** The extensions as openssl prints them (`openssl x509 -ext`). */
  public async describe(certFile: string): Promise<string> {
    const result = await runOk(this.openssl, ['x509', '-in', certFile, '-noout', '-subject', '-ext', 'basicConstraints,keyUsage,extendedKeyUsage,subjectAltName']);
    return result.stdout;
  }
}

function ecCurve(size: number): string {
  switch (size) {
    case 256: return 'P-256';
    case 384: return 'P-384';
    case 521: return 'P-521';
    default: throw new Error(`ECDSA size ${size} is not one cert-manager supports`);
  }
}

/** Days covered by a Go duration such as `8760h` or `2160h30m` (rounded up). */
export function goDurationDays(duration: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!m || duration === '') throw new Error(`not a Go duration: ${duration}`);
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return Math.max(1, Math.ceil(seconds / 86400));
}
