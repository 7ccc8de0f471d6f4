/**
 * One thing wrong with the input, located by the path of the offending field
 * (for example `clusters[1].podCidrs[0]`).
 */
export interface Problem {
  /** Path of the offending field, in the notation of the props the user wrote. */
  readonly path: string;
  /** What is wrong, naming the bad value. */
  readonly message: string;
}

/**
 * Raised before anything is created when the input has one or more problems.
 * Lists every problem at once, so a user fixes them in one pass.
 */
export class TopologyError extends Error {
  /** Every problem found, in the order the fields appear. */
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      `crosscluster: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the input:\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'TopologyError';
    this.problems = problems;
  }
}

/** Throws a {@link TopologyError} when `problems` is not empty. */
export function throwIfProblems(problems: readonly Problem[]): void {
  if (problems.length > 0) {
    throw new TopologyError(problems);
  }
}

/** Longest string {@link show} quotes in full; longer ones are cut (error messages are read, not parsed). */
const SHOWN_STRING_LENGTH = 100;

/**
 * Formats a value for an error message without ever revealing secrets or dumping structures:
 * strings are quoted (cut when long, redacted when they look like key material); numbers,
 * booleans, `null` and `undefined` as written; objects and lists only by their shape
 * (`a list of 3 items`, `an object with keys kind, options`), never by their content, because
 * an object handed in by mistake may hold a private key (a `Tls` from another copy of the
 * library, a Pulumi secret).
 */
export function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (looksLikeKeyMaterial(value)) return `a redacted string of ${value.length} characters (it looks like key material)`;
      return quoteString(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return describeObject(value as object | null);
  }
}

function quoteString(value: string): string {
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  if (printable.length <= SHOWN_STRING_LENGTH) return `'${printable}'`;
  return `'${printable.slice(0, SHOWN_STRING_LENGTH - 20)}…' (${value.length} characters)`;
}

function describeObject(value: object | null): string {
  if (value === null) return 'null';
  try {
    if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
    if (value instanceof Map) return `a Map of ${value.size} entr${value.size === 1 ? 'y' : 'ies'}`;
    const prototype = Object.getPrototypeOf(value);
    const className = prototype && prototype !== Object.prototype && typeof prototype.constructor === 'function' ? prototype.constructor.name : '';
    const keys = Object.keys(value);
    const listed = keys.slice(0, 8).map((k) => (/^[\w$.-]{1,40}$/.test(k) ? k : '…')).join(', ');
    const more = keys.length > 8 ? `, … (${keys.length} keys)` : '';
    const what = className ? `a ${className}` : 'an object';
    return keys.length === 0 ? `${what} without keys` : `${what} with keys ${listed}${more}`;
  } catch {
    // A proxy whose traps throw: say so rather than fail.
    return 'an object that cannot be read';
  }
}

/**
 * True for text that may be a private key, a certificate, a pre-shared key or a token: PEM
 * armour, or a long run of mixed-case letters and digits (base64 or hex-and-case secrets).
 * Names this library accepts (DNS labels, regions, versions, lowercase digests) never match.
 */
export function looksLikeKeyMaterial(value: string): boolean {
  if (/-----BEGIN|PRIVATE KEY|ssh-(rsa|ed25519)/i.test(value)) return true;
  for (const token of value.split(/[^A-Za-z0-9+/=_.-]+/)) {
    if (token.length >= 20 && /[A-Z]/.test(token) && /[a-z]/.test(token) && /[0-9]/.test(token)) return true;
    if (token.length >= 40 && /^[A-Za-z0-9+/=]+$/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token)) return true;
  }
  return false;
}
