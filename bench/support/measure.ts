// Sampling, statistics and child processes for the benchmarks.
import { spawnSync } from 'child_process';
import * as path from 'path';

/** The marker a child prints in front of its one JSON result line. */
export const RESULT_MARKER = '@@bench-result ';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Median, min and max of samples, in the samples' unit. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** `median (min–max)` in ms. */
export function fmtMs(s: Stats): string {
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}

/** Runs `fn` warm-up times unmeasured, then `samples` times, and returns the durations in ms. */
export function sample(warmup: number, samples: number, fn: () => void): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Async {@link sample}. */
export async function sampleAsync(warmup: number, samples: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Peak resident set size of this process so far, in MiB. */
export function maxRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function rssMiB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

/** Prints a child's result for the parent. */
export function report(result: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** Reads a child's JSON argument. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/**
 * Runs `bench/<script>` in a fresh Node process through tsx (with test/tsconfig.json, so
 * `crosscluster/*` resolves to lib/*), and returns the JSON it reported.
 */
export function runChild<T>(script: string, args: unknown, nodeFlags: readonly string[] = []): T {
  const result = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(ROOT, 'bench', script), JSON.stringify(args)], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'test', 'tsconfig.json') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  const line = (result.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (result.status !== 0 || !line) {
    throw new Error(`bench/${script} ${JSON.stringify(args)} failed (status ${result.status}, signal ${result.signal}):\n${result.stderr}\n${result.stdout}`);
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as T;
}
