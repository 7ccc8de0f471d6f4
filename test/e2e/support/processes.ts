// Process helpers for the e2e suites: every command runs with a timeout, every wait is bounded,
// and every long-running process is registered in a ProcessGroup that the suite stops in afterAll.
import { ChildProcess, execFile, spawn } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The project root (the e2e tools live in `<root>/.e2e`). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where scripts/e2e-setup.sh installs project-local tools. */
export const E2E_HOME = process.env.CROSSCLUSTER_E2E_HOME ?? path.join(ROOT, '.e2e');

/** Result of a finished command. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly cwd?: string;
}

/** Runs a command to completion (bounded by `timeoutMs`); never throws on a non-zero exit. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      [...args],
      { timeout: options.timeoutMs ?? 20_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, cwd: options.cwd, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(new Error(`${command} is not installed (run scripts/e2e-setup.sh)`));
            return;
          }
          if (error.killed) {
            reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 20_000} ms\n${stderr}`));
            return;
          }
        }
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
    // A command that exits without reading stdin must not fail the write (EPIPE).
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs a command and throws with its output unless it exits 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stderr}${result.stdout}`);
  }
  return result;
}

/**
 * Finds a required tool or throws with the reason and the fix. A missing tool fails the suite:
 * it never skips.
 */
export function requireTool(name: string, dirs: readonly string[] = []): string {
  const searched = [...dirs, ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/sbin'];
  for (const dir of searched) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  throw new Error(`required tool '${name}' is not installed; run scripts/e2e-setup.sh (searched ${searched.join(':')})`);
}

/** A long-running process with its output captured (bounded). */
export class ManagedProcess {
  public output = '';
  public exitCode: number | null = null;
  public exited: Promise<void>;

  constructor(public readonly name: string, public readonly child: ChildProcess) {
    const append = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 1);
        resolve();
      });
      child.on('error', (error) => {
        this.output += `\n${String(error)}`;
        this.exitCode = this.exitCode ?? 127;
        resolve();
      });
    });
  }

  /** True while the process runs. */
  public get running(): boolean {
    return this.exitCode === null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited (bounded). */
  public async stop(graceMs = 2_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const kill = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, graceMs + 2_000);
    })]);
    clearTimeout(kill);
    clearTimeout(giveUp);
  }
}

/** The processes of one suite; `stopAll` in afterAll stops exactly these, by their handles. */
export class ProcessGroup {
  private readonly processes: ManagedProcess[] = [];

  /** Starts a process (never through a shell) and registers it. */
  public start(name: string, command: string, args: readonly string[], options: { cwd?: string } = {}): ManagedProcess {
    const child = spawn(command, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const managed = new ManagedProcess(name, child);
    this.processes.push(managed);
    return managed;
  }

  /** Stops every process that is still running. */
  public async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }

  /** The processes that died (for failure messages). */
  public deaths(): string[] {
    return this.processes.filter((p) => !p.running).map((p) => `${p.name} exited ${p.exitCode}:\n${p.output}`);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns true, the process dies, or `timeoutMs` passes; throws with the
 * process output in the two failure cases.
 */
export async function waitFor(
  what: string, check: () => Promise<boolean>, options: { timeoutMs?: number; process?: ManagedProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (options.process && !options.process.running) {
      throw new Error(`${what}: ${options.process.name} exited with ${options.process.exitCode} before it was ready:\n${options.process.output}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not ready within ${options.timeoutMs ?? 10_000} ms${options.process ? `\n${options.process.output}` : ''}`);
    }
    await sleep(50);
  }
}

/** True when a TCP connection to host:port succeeds within `timeoutMs`. */
export function tcpOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when this process can bind `port` on `host` (UDP and TCP); used to choose port 53 or a high port. */
export async function canBind(host: string, port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
  if (!udp) return false;
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * The port every simulated DNS server listens on: 53 where this process may bind it (root, as in
 * CI), otherwise 10053; `CROSSCLUSTER_E2E_DNS_PORT` forces one.
 */
export async function dnsPort(probeHost: string): Promise<number> {
  if (process.env.CROSSCLUSTER_E2E_DNS_PORT) return Number(process.env.CROSSCLUSTER_E2E_DNS_PORT);
  return (await canBind(probeHost, 53)) ? 53 : 10053;
}

/** A fresh temporary directory (removed by {@link removeDir}). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `crosscluster-e2e-${prefix}-`));
}

/** Removes a directory tree made by {@link tempDir}. */
export function removeDir(dir: string | undefined): void {
  if (dir && dir.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A loopback /16 for one suite: `127.<octet>.0.0`, chosen from the process id so that two suites
 * (or two engineers) running at once do not collide.
 */
export function loopbackBase(suiteOffset: number): number {
  return 20 + ((process.pid + suiteOffset * 37) % 200);
}
