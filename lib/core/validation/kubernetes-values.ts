/**
 * The value rules a Kubernetes API server applies to names, label values, quantities, and the
 * Go durations cert-manager parses, so an object the library emits is never refused at apply time.
 * Sources: k8s.io/apimachinery/pkg/util/validation/validation.go (IsDNS1123Label,
 * IsDNS1123Subdomain, IsDNS1035Label, IsValidLabelValue), k8s.io/apimachinery/pkg/api/resource
 * (Quantity grammar) and Go's time.ParseDuration. Every length is checked before any pattern,
 * so no pattern runs on unbounded text.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63. */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 63 && DNS1123_LABEL.test(value);
}

/** DNS-1035 label (Service names): a DNS-1123 label that starts with a letter. */
export function isDns1035Label(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 63 && DNS1035_LABEL.test(value);
}

/** DNS-1123 subdomain (most object names): DNS-1123 labels joined by dots, at most 253 in all (no per-label limit). */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 253 && value.split('.').every((l) => l.length > 0 && DNS1123_LABEL.test(l));
}

/** A label value: empty, or at most 63 of alphanumerics, '-', '_', '.', starting and ending alphanumeric. */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

const DNS_NAME_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/**
 * A DNS name as resolvers take it (RFC 1123 host names, any case, one optional trailing dot):
 * labels of at most 63 characters, at most 253 in all.
 */
export function isDnsName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 254) return false;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => l.length <= 63 && DNS_NAME_LABEL.test(l));
}

/** The one spelling of a DNS name: lower case, without the trailing dot (DNS names are case-insensitive). */
export function canonicalDnsName(value: string): string {
  const lower = value.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d{1,3})?$/;
const QUANTITY_SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/**
 * The value of a non-negative Kubernetes quantity (`'8Gi'`, `'500m'`, `'1e3'`) in base units
 * (bytes, cores), or undefined when the text is not one. Precise enough for bounds checks.
 */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 40) return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const suffix = match[3] ?? '';
  const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : QUANTITY_SUFFIX[suffix];
  const result = Number(match[1]) * scale;
  return Number.isFinite(result) ? result : undefined;
}

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const DURATION_UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};
/** The longest Go duration (int64 nanoseconds, about 2562047 h). */
const MAX_DURATION_NS = 2 ** 63 - 1;

/**
 * A Go duration (`'8760h'`, `'1h30m'`) in nanoseconds, or undefined when Go's
 * `time.ParseDuration` would refuse it (no sign accepted: a certificate lifetime is positive).
 */
export function goDurationNanoseconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  let total = 0;
  let consumed = 0;
  for (const match of value.matchAll(DURATION_PART)) {
    if (match.index !== consumed) return undefined;
    consumed += match[0].length;
    total += Number(match[1]) * DURATION_UNIT_NS[match[2]];
  }
  if (consumed !== value.length || !Number.isFinite(total) || total > MAX_DURATION_NS) return undefined;
  return total;
}
