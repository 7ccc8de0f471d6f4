import { Problem } from '../problems';

/** Shortest pre-shared key AWS accepts. */
export const PSK_MIN_LENGTH = 8;
/** Longest pre-shared key AWS accepts. */
export const PSK_MAX_LENGTH = 64;

/**
 * Checks one pre-shared key against AWS's rules (the stricter side; Cloud VPN accepts any
 * printable secret): 8–64 characters, only letters, digits, `.` and `_`, not starting with `0`.
 *
 * The messages never repeat the key, not even in part: a PSK must not reach logs or error
 * output. They name the field and what is wrong instead.
 * @param key the key (plain text; the caller keeps it secret)
 * @param path the field path, e.g. `presharedKeys[1]`
 */
export function validatePresharedKey(key: unknown, path: string): Problem[] {
  if (typeof key !== 'string') {
    return [{ path, message: `must be a string (got ${key === null ? 'null' : typeof key})` }];
  }
  const problems: Problem[] = [];
  if (key.length < PSK_MIN_LENGTH || key.length > PSK_MAX_LENGTH) {
    problems.push({ path, message: `is ${key.length} characters long; AWS requires ${PSK_MIN_LENGTH}–${PSK_MAX_LENGTH}` });
  }
  const bad = new Set([...key].filter((c) => !/[A-Za-z0-9._]/.test(c)));
  if (bad.size > 0) {
    problems.push({
      path,
      message: `contains ${bad.size} disallowed character kind${bad.size === 1 ? '' : 's'}; AWS allows only letters, digits, '.' and '_' (base64 '+', '/', '=' and '-' are rejected)`,
    });
  }
  if (key.startsWith('0')) {
    problems.push({ path, message: "starts with '0', which AWS rejects" });
  }
  return problems;
}

/**
 * Checks a list of per-tunnel pre-shared keys: one per tunnel, each valid, no two equal.
 * Entries that are not plain strings (for example Pulumi Outputs) are skipped here; the
 * Pulumi adapter checks them once their value is known.
 * @param keys the keys, in tunnel order
 * @param tunnels the number of tunnels
 * @param path the field path prefix (problems read `presharedKeys[1]`)
 */
export function validatePresharedKeys(keys: readonly unknown[], tunnels: number, path = 'presharedKeys'): Problem[] {
  const problems: Problem[] = [];
  if (keys.length !== tunnels) {
    problems.push({ path, message: `has ${keys.length} entries; give exactly one key per tunnel (${tunnels}) or none to let AWS generate them` });
  }
  const firstIndex = new Map<string, number>();
  keys.forEach((key, index) => {
    if (typeof key !== 'string') return;
    problems.push(...validatePresharedKey(key, `${path}[${index}]`));
    const earlier = firstIndex.get(key);
    if (earlier !== undefined) {
      problems.push({ path: `${path}[${index}]`, message: `is the same key as ${path}[${earlier}]; use a distinct key per tunnel` });
    } else {
      firstIndex.set(key, index);
    }
  });
  return problems;
}
