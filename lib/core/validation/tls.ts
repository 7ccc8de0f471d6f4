import { CheckContext } from './context';
import { goDurationNanoseconds, isDnsSubdomain } from './kubernetes-values';
import { COCKROACH_DEFAULTS } from '../defaults';
import { objectNames } from '../naming';
import { show } from '../problems';

/** cert-manager refuses certificates shorter than an hour and renewal windows under 5 minutes (its webhook's limits). */
const HOUR_NS = 3600e9;
const MIN_RENEW_BEFORE_NS = HOUR_NS;
/** Longest certificate lifetime accepted, in hours (100 years: longer is a typo, and X.509 dates end in 9999). */
export const MAX_VALIDITY_HOURS = 876_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
// Built from parts so that no complete PEM key header stands in the source (secret scanners flag one).
const KEY_LABEL = ['PRIVATE', 'KEY'].join(' ');
const PEM_PRIVATE_KEY = new RegExp(`-----BEGIN (RSA |EC |ENCRYPTED )?${KEY_LABEL}-----`);

/**
 * The TLS strategy against the engine, and its options. Messages never contain an option's value
 * when it may be key material (`caCertPem`, `caKeyPem`): they name the field and the rule only.
 */
export function checkTls(context: CheckContext): void {
  const { report, engine } = context;
  const tls = context.snapshot.tls;
  if (!tls) {
    if (context.snapshot.props.tls === undefined) report('tls', 'is required: Tls.certManager(), Tls.generated(), Tls.existingCa(...) or Tls.insecure()');
    return;
  }
  if (engine === 'cdk8s' && (tls.kind === 'generated' || tls.kind === 'existingCa')) {
    report('tls', `Tls.${tls.kind}() is not available in cdk8s: it would put private keys into the synthesized YAML, which ends up in git. Use Tls.certManager() (cert-manager issues the keys inside each cluster from a CA Secret you provision there), or the Pulumi flavour, which keeps keys as secrets`);
  }
  if (tls.kind === 'certManager') checkCertManager(context, tls.options);
  if (tls.kind === 'generated' || tls.kind === 'existingCa') checkGenerated(context, tls.kind, tls.options);
}

function checkCertManager(context: CheckContext, options: Record<string, unknown>): void {
  const { report } = context;
  for (const field of ['caSecretName', 'issuerName']) {
    if (options[field] !== undefined && !isDnsSubdomain(options[field])) {
      report(`tls.${field}`, `${show(options[field])} is not an object name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253)`);
    }
  }
  const base = context.snapshot.props.name ?? COCKROACH_DEFAULTS.name;
  if (typeof base === 'string' && typeof options.caSecretName === 'string') {
    const names = objectNames(base, 'x');
    if (options.caSecretName === names.nodeSecret || options.caSecretName === names.clientSecret) {
      report('tls.caSecretName', `${show(options.caSecretName)} is the Secret cert-manager writes the ${options.caSecretName === names.nodeSecret ? 'node' : 'client'} certificate into: the CA would be overwritten; use a Secret of its own`);
    }
  }
  const durations: Record<string, number | undefined> = {};
  for (const field of ['duration', 'renewBefore']) {
    if (options[field] === undefined) continue;
    durations[field] = goDurationNanoseconds(options[field]);
    if (durations[field] === undefined) report(`tls.${field}`, `${show(options[field])} is not a duration such as '8760h' or '1h30m' (Go syntax)`);
  }
  const duration = options.duration === undefined ? 8760 * HOUR_NS : durations.duration;
  const renewBefore = options.renewBefore === undefined ? 720 * HOUR_NS : durations.renewBefore;
  if (durations.duration !== undefined && durations.duration < HOUR_NS) report('tls.duration', `${show(options.duration)} is shorter than 1h, which cert-manager refuses`);
  // cert-manager refuses under 5m; and a renewed certificate needs time to reach the pods (the kubelet
  // updates the mounted Secret within about a minute, the reloader polls it), so at least an hour.
  if (durations.renewBefore !== undefined && durations.renewBefore < MIN_RENEW_BEFORE_NS) {
    report('tls.renewBefore', `${show(options.renewBefore)} leaves under an hour between renewal and expiry; renewed certificates reach the pods within minutes, so give at least '1h'`);
  }
  if (duration !== undefined && renewBefore !== undefined && renewBefore >= duration) {
    report('tls.renewBefore', `${show(options.renewBefore ?? '720h')} is not shorter than the certificate duration ${show(options.duration ?? '8760h')}: cert-manager would renew forever`);
  }
}

function checkGenerated(context: CheckContext, kind: 'generated' | 'existingCa', options: Record<string, unknown>): void {
  const { report } = context;
  if (options.algorithm !== undefined && options.algorithm !== 'ECDSA' && options.algorithm !== 'RSA') {
    report('tls.algorithm', `${show(options.algorithm)} is not one of 'ECDSA', 'RSA'`);
  }
  const hours: Record<string, boolean> = {};
  for (const field of ['caValidityHours', 'validityHours', 'earlyRenewalHours']) {
    const v = options[field];
    hours[field] = v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_VALIDITY_HOURS);
    if (!hours[field]) report(`tls.${field}`, `${show(v)} must be a whole number of hours from 1 to ${MAX_VALIDITY_HOURS}`);
  }
  const validity = (options.validityHours as number | undefined) ?? 8760;
  const early = (options.earlyRenewalHours as number | undefined) ?? 720;
  const caValidity = (options.caValidityHours as number | undefined) ?? 43800;
  if (hours.validityHours && hours.earlyRenewalHours && early >= validity) {
    report('tls.earlyRenewalHours', `${early} must be less than validityHours (${validity})`);
  }
  if (kind === 'generated' && hours.validityHours && hours.caValidityHours && validity > caValidity) {
    report('tls.validityHours', `${validity} is longer than the CA's validity (caValidityHours ${caValidity}): node certificates would outlive the CA that signs them`);
  }
  if (kind === 'existingCa') {
    checkPem(context, 'caCertPem', options.caCertPem, PEM_CERTIFICATE, 'a PEM certificate (-----BEGIN CERTIFICATE-----)');
    checkPem(context, 'caKeyPem', options.caKeyPem, PEM_PRIVATE_KEY, `a PEM private key (a BEGIN ${KEY_LABEL} block)`);
  }
}

/** A required PEM option: a string is checked for its armour; anything else that is not empty may be an engine output. */
function checkPem(context: CheckContext, field: string, value: unknown, armour: RegExp, what: string): void {
  if (value === undefined || value === null || value === '') {
    context.report(`tls.${field}`, 'is required');
  } else if (typeof value === 'string' && (value.length > 100_000 || !armour.test(value))) {
    context.report(`tls.${field}`, `is not ${what}; its value is not shown`);
  } else if (typeof value !== 'string' && typeof value !== 'object') {
    context.report(`tls.${field}`, `expected ${what} or an engine output, got a ${typeof value}; its value is not shown`);
  }
}
