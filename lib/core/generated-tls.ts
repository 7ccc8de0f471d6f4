import { GeneratedTlsOptions, KeyAlgorithm } from './tls';

/** The defaults of {@link GeneratedTlsOptions}: the validity periods of cockroach's own `cert` commands. */
export const GENERATED_TLS_DEFAULTS = {
  algorithm: 'ECDSA' as KeyAlgorithm,
  caValidityHours: 43800,
  validityHours: 8760,
  earlyRenewalHours: 720,
} as const;

/** Generated-certificate options with every default filled in. */
export function resolveGeneratedTlsOptions(options: GeneratedTlsOptions): Required<GeneratedTlsOptions> {
  return {
    algorithm: options.algorithm ?? GENERATED_TLS_DEFAULTS.algorithm,
    caValidityHours: options.caValidityHours ?? GENERATED_TLS_DEFAULTS.caValidityHours,
    validityHours: options.validityHours ?? GENERATED_TLS_DEFAULTS.validityHours,
    earlyRenewalHours: options.earlyRenewalHours ?? GENERATED_TLS_DEFAULTS.earlyRenewalHours,
  };
}
