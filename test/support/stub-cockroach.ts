// A stub `cockroach` (or any command) for running the container scripts with real bash: it
// records every call and answers through a bash `respond` function each test writes, which may
// keep state in files (replica counts going down, attempts so far), fail, or hang.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The outcome of {@link StubBin.run}. */
export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** A temporary directory with stub commands on a PATH of their own. */
export class StubBin {
  public readonly dir: string;
  public readonly bin: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscluster-stub-'));
    this.bin = path.join(this.dir, 'bin');
    fs.mkdirSync(this.bin);
  }

  /** Installs `name`, answering with `handler`: bash that defines `respond() { ... }` (args as "$@"). */
  public stub(name: string, handler: string): void {
    fs.writeFileSync(path.join(this.dir, `${name}.handler.sh`), handler);
    const file = path.join(this.bin, name);
    fs.writeFileSync(file, [
      '#!/usr/bin/env bash',
      `printf '%s\\n' "$*" >> ${JSON.stringify(path.join(this.dir, `${name}.calls`))}`,
      `STATE=${JSON.stringify(this.dir)}`,
      `source ${JSON.stringify(path.join(this.dir, `${name}.handler.sh`))}`,
      'respond "$@"',
    ].join('\n'));
    fs.chmodSync(file, 0o755);
  }

  /** Every call of `name`, as its argument line. */
  public calls(name: string): string[] {
    const file = path.join(this.dir, `${name}.calls`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
  }

  /** The environment that puts the stubs first on PATH. */
  public env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.bin}:${process.env.PATH}`, ...extra };
  }

  /** Runs a script with bash to its end, bounded by `timeoutMs`. */
  public run(script: string, timeoutMs = 60_000, extra: Record<string, string> = {}): ScriptRun {
    const r = spawnSync('bash', ['-c', script], { env: this.env(extra), encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' };
  }

  /** Starts a script with bash in the background; the caller kills it. */
  public start(script: string, extra: Record<string, string> = {}) {
    return spawn('bash', ['-c', script], { env: this.env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  public remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A script's waits made instant (every wait is `sleep "$poll_seconds"`) and its outer timeout short. */
export function fast(script: string, timeoutSeconds = 2): string {
  return script.replace(/^poll_seconds=\d+$/m, 'poll_seconds=0').replace(/timeout 300 /g, `timeout ${timeoutSeconds} `);
}

/** TSV as `cockroach ... --format=tsv` prints it. */
export function tsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((r) => r.join('\t')).join('\n');
}
