import { Problem, show } from '../problems';

/** Encryption algorithms, in AWS's spelling (`tunnelNPhaseNEncryptionAlgorithms`). */
export type IkeEncryption = 'AES128' | 'AES256' | 'AES128-GCM-16' | 'AES256-GCM-16';
/** Integrity (and, in phase 1, PRF) algorithms, in AWS's spelling. SHA1 is deliberately not offered. */
export type IkeIntegrity = 'SHA2-256' | 'SHA2-384' | 'SHA2-512';

/**
 * One IKEv2 transform per role, used for phase 1 and phase 2 on both clouds.
 *
 * Only one transform per role keeps AWS's IKE proposal small: Cloud VPN cannot reassemble
 * fragmented IKE messages, and AWS's default all-algorithms proposal can make rekeys fail
 * (GCP "Connect HA VPN to AWS" known issue).
 */
export interface IkeCipherSet {
  /**
   * Encryption for phase 1 and phase 2.
   * @default 'AES256'
   */
  readonly encryption?: IkeEncryption;
  /**
   * Integrity for phase 1 and phase 2; also the phase-1 PRF on GCP (`PRF-HMAC-…`).
   * With a GCM encryption GCP gets no integrity (AEAD), AWS keeps it as its PRF.
   * @default 'SHA2-256'
   */
  readonly integrity?: IkeIntegrity;
  /**
   * Diffie-Hellman group for phase 1 and the phase-2 PFS group.
   * @default 14
   */
  readonly dhGroup?: number;
}

/** The default transform set: AES-256-CBC, HMAC-SHA2-256, DH group 14 (MODP 2048), IKEv2. */
export const DEFAULT_IKE_CIPHER_SET: Required<IkeCipherSet> = { encryption: 'AES256', integrity: 'SHA2-256', dhGroup: 14 };

/** The IKE version on both sides. IKEv1 is never offered. */
export const IKE_VERSION = 2;

/** DH groups both AWS (phase 1 and 2) and Cloud VPN accept; group 2 (MODP 1024) is left out as too weak. */
export const SUPPORTED_DH_GROUPS: readonly number[] = [14, 15, 16, 19, 20, 21];

const GCP_ENCRYPTION: Record<IkeEncryption, string> = {
  'AES128': 'AES-CBC-128',
  'AES256': 'AES-CBC-256',
  'AES128-GCM-16': 'AES-GCM-16-128',
  'AES256-GCM-16': 'AES-GCM-16-256',
};
const GCP_INTEGRITY: Record<IkeIntegrity, string> = {
  'SHA2-256': 'HMAC-SHA2-256-128',
  'SHA2-384': 'HMAC-SHA2-384-192',
  'SHA2-512': 'HMAC-SHA2-512-256',
};
const GCP_PRF: Record<IkeIntegrity, string> = {
  'SHA2-256': 'PRF-HMAC-SHA2-256',
  'SHA2-384': 'PRF-HMAC-SHA2-384',
  'SHA2-512': 'PRF-HMAC-SHA2-512',
};

/** Fills in the defaults of a cipher set. */
export function resolveIkeCipherSet(set: IkeCipherSet = {}): Required<IkeCipherSet> {
  return {
    encryption: set.encryption ?? DEFAULT_IKE_CIPHER_SET.encryption,
    integrity: set.integrity ?? DEFAULT_IKE_CIPHER_SET.integrity,
    dhGroup: set.dhGroup ?? DEFAULT_IKE_CIPHER_SET.dhGroup,
  };
}

/** Checks a cipher set; every value must be one both clouds accept. */
export function validateIkeCipherSet(set: IkeCipherSet | undefined, path = 'cipher'): Problem[] {
  if (set === undefined) return [];
  const problems: Problem[] = [];
  if (set.encryption !== undefined && !(typeof set.encryption === 'string' && Object.hasOwn(GCP_ENCRYPTION, set.encryption))) {
    problems.push({ path: `${path}.encryption`, message: `${show(set.encryption)} is not one of ${Object.keys(GCP_ENCRYPTION).join(', ')}` });
  }
  if (set.integrity !== undefined && !(typeof set.integrity === 'string' && Object.hasOwn(GCP_INTEGRITY, set.integrity))) {
    problems.push({ path: `${path}.integrity`, message: `${show(set.integrity)} is not one of ${Object.keys(GCP_INTEGRITY).join(', ')}` });
  }
  if (set.dhGroup !== undefined && !SUPPORTED_DH_GROUPS.includes(set.dhGroup)) {
    problems.push({ path: `${path}.dhGroup`, message: `${show(set.dhGroup)} is not one of ${SUPPORTED_DH_GROUPS.join(', ')}` });
  }
  return problems;
}

/** The AWS tunnel options for one tunnel (without the `tunnelN` prefix). */
export interface AwsTunnelCipherOptions {
  /** `['ikev2']`. */
  readonly ikeVersions: readonly string[];
  readonly phase1EncryptionAlgorithms: readonly string[];
  readonly phase1IntegrityAlgorithms: readonly string[];
  readonly phase1DhGroupNumbers: readonly number[];
  readonly phase2EncryptionAlgorithms: readonly string[];
  readonly phase2IntegrityAlgorithms: readonly string[];
  readonly phase2DhGroupNumbers: readonly number[];
}

/** The AWS `aws.ec2.VpnConnection` tunnel options pinning IKEv2 and exactly one transform per role. */
export function awsTunnelCipherOptions(set: IkeCipherSet = {}): AwsTunnelCipherOptions {
  const s = resolveIkeCipherSet(set);
  return {
    ikeVersions: ['ikev2'],
    phase1EncryptionAlgorithms: [s.encryption],
    phase1IntegrityAlgorithms: [s.integrity],
    phase1DhGroupNumbers: [s.dhGroup],
    phase2EncryptionAlgorithms: [s.encryption],
    phase2IntegrityAlgorithms: [s.integrity],
    phase2DhGroupNumbers: [s.dhGroup],
  };
}

/** The GCP `VPNTunnel.cipherSuite`, field for field (`phase1.{encryptions,integrities,prves,dhs}`, `phase2.{encryptions,integrities,pfs}`). */
export interface GcpCipherSuite {
  /** IKE SA transforms. */
  readonly phase1: {
    readonly encryptions: readonly string[];
    readonly integrities?: readonly string[];
    readonly prves: readonly string[];
    readonly dhs: readonly string[];
  };
  /** Child SA transforms. */
  readonly phase2: {
    readonly encryptions: readonly string[];
    readonly integrities?: readonly string[];
    readonly pfs: readonly string[];
  };
}

/**
 * The Cloud VPN `cipherSuite` matching {@link awsTunnelCipherOptions} for the same set.
 * With AES-GCM (an AEAD cipher) the integrity lists are left out on GCP.
 */
export function gcpCipherSuite(set: IkeCipherSet = {}): GcpCipherSuite {
  const s = resolveIkeCipherSet(set);
  const aead = s.encryption.includes('GCM');
  const integrities = aead ? undefined : [GCP_INTEGRITY[s.integrity]];
  return {
    phase1: {
      encryptions: [GCP_ENCRYPTION[s.encryption]],
      ...(integrities ? { integrities } : {}),
      prves: [GCP_PRF[s.integrity]],
      dhs: [`Group-${s.dhGroup}`],
    },
    phase2: {
      encryptions: [GCP_ENCRYPTION[s.encryption]],
      ...(integrities ? { integrities } : {}),
      pfs: [`Group-${s.dhGroup}`],
    },
  };
}
