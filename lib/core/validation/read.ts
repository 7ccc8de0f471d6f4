import { show } from '../problems';

/**
 * Reading untrusted props once, safely. Every value a user hands in may be anything: `null`, a
 * string where a map is expected, an array where an object is, a frozen object, a proxy or a
 * getter that throws, an object from another copy of the library. These readers copy what they
 * read into plain data (so a getter runs once and cannot answer differently later) and report
 * what cannot be read instead of throwing.
 */

/** Reports one problem at a field path. */
export type Report = (path: string, message: string) => void;

/** The most items a list of the props may hold; beyond that the input is a mistake, not a topology. */
export const MAX_LIST_LENGTH = 10_000;

/** Keys that are never names of anything: writing them into a plain object changes its prototype. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

const UNREADABLE = 'could not be read (a getter or proxy threw); pass plain data';

/**
 * The fields of an object as a null-prototype copy: its own enumerable string keys, plus the
 * `known` keys read through the prototype chain (a class instance may define them as getters).
 * Returns undefined, after reporting, when the value is not an object.
 */
export function readObject(
  value: unknown,
  path: string,
  report: Report,
  what: string,
  known: readonly string[] = [],
): Record<string, unknown> | undefined {
  const copy: Record<string, unknown> = Object.create(null);
  try {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Map) {
      report(path, `expected ${what}, got ${show(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      copy[key] = (value as Record<string, unknown>)[key];
    }
    for (const key of known) {
      if (!(key in copy)) {
        const field = (value as Record<string, unknown>)[key];
        if (field !== undefined) copy[key] = field;
      }
    }
  } catch {
    report(path, UNREADABLE);
    return undefined;
  }
  return copy;
}

/** The items of a list as a plain array copy; undefined, after reporting, when it is not a list. */
export function readList(value: unknown, path: string, report: Report, what: string): unknown[] | undefined {
  try {
    if (!Array.isArray(value)) {
      report(path, `expected ${what}, got ${show(value)}`);
      return undefined;
    }
    if (value.length > MAX_LIST_LENGTH) {
      report(path, `has ${value.length} items; at most ${MAX_LIST_LENGTH} are accepted`);
      return undefined;
    }
    return Array.from({ length: value.length }, (_, i) => value[i]);
  } catch {
    report(path, UNREADABLE);
    return undefined;
  }
}

/** {@link readList} for an optional field: undefined stays undefined without a report. */
export function readOptionalList(value: unknown, path: string, report: Report, what: string): unknown[] | undefined {
  return value === undefined ? undefined : readList(value, path, report, what);
}

/**
 * A map keyed by user-chosen names (cluster names), from a plain object or a `Map`: only own
 * keys count, so a cluster named `constructor` or `toString` is an ordinary key and inherited
 * properties never are. `__proto__` and keys that are not strings are reported.
 */
export function readKeyedMap(value: unknown, path: string, report: Report, what: string): Map<string, unknown> | undefined {
  const result = new Map<string, unknown>();
  try {
    if (value instanceof Map) {
      for (const [key, item] of value) {
        if (typeof key !== 'string') report(path, `has the key ${show(key)}; keys are cluster names (strings)`);
        else if (FORBIDDEN_KEYS.has(key)) report(`${path}.${key}`, `${show(key)} cannot be a cluster name`);
        else result.set(key, item);
      }
      return result;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      report(path, `expected ${what}, got ${show(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) report(`${path}.${key}`, `${show(key)} cannot be a cluster name`);
      else result.set(key, (value as Record<string, unknown>)[key]);
    }
    if (result.size > MAX_LIST_LENGTH) {
      report(path, `has ${result.size} keys; at most ${MAX_LIST_LENGTH} are accepted`);
      return undefined;
    }
    return result;
  } catch {
    report(path, UNREADABLE);
    return undefined;
  }
}

/** `Array.isArray(value)`, false instead of a throw for a revoked proxy. */
export function isList(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** `value instanceof type`, false instead of a throw for a proxy whose prototype trap throws. */
export function isInstance<T>(value: unknown, type: { prototype: T }): value is T {
  try {
    return value instanceof (type as unknown as new () => T);
  } catch {
    return false;
  }
}

/** A null-prototype record of a map's entries: lookups see own keys only. */
export function toLookup<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record: Record<string, T> = Object.create(null);
  for (const [key, value] of entries) record[key] = value;
  return record;
}

/** The value under an own key of a user-keyed record, never an inherited one. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `a.b` for identifier-like keys, `a['odd key']` otherwise, so a path names exactly one field. */
export function keyPath(base: string, key: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(key) ? `${base}.${key}` : `${base}[${show(key)}]`;
}
