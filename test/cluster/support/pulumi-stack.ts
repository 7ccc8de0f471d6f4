// A Pulumi stack of the real-control-plane tier: each operation runs in its own process
// (pulumi-runner.ts under tsx) against a file backend in a temp directory.
import * as fs from 'fs';
import * as path from 'path';
import { PulumiJob, PulumiRunResult, RESULT_MARKER } from './pulumi-runner';
import { TOOLS_BIN, TOOLS_HOME, tool } from './tools';
import { ROOT, run } from '../../e2e/support/processes';

/** The Pulumi CLI version scripts/cluster-setup.sh builds. */
export const PULUMI_VERSION = 'v3.274.1';

/** One stack: a program module and its state directory. */
export class PulumiStack {
  private counter = 0;

  constructor(
    private readonly stateDir: string,
    private readonly programModule: string,
    private readonly options: { programExport?: string; projectName?: string; stackName?: string } = {},
  ) {
    tool('pulumi');
    tool('pulumi-resource-kubernetes');
  }

  /** Runs one operation; never throws on a failed operation (the result says `ok: false`). */
  public async run(
    operation: PulumiJob['operation'],
    extra: Partial<Pick<PulumiJob, 'config' | 'refresh' | 'expectNoChanges'>> & { env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<PulumiRunResult> {
    const job: PulumiJob = {
      operation,
      programModule: this.programModule,
      programExport: this.options.programExport,
      projectName: this.options.projectName ?? 'crosscluster-cluster-tier',
      stackName: this.options.stackName ?? 'test',
      config: extra.config,
      stateDir: this.stateDir,
      pulumiRoot: path.join(TOOLS_HOME, `pulumi-${PULUMI_VERSION}`),
      path: [TOOLS_BIN],
      refresh: extra.refresh,
      expectNoChanges: extra.expectNoChanges,
    };
    fs.mkdirSync(this.stateDir, { recursive: true });
    const jobFile = path.join(this.stateDir, `job-${++this.counter}.json`);
    fs.writeFileSync(jobFile, JSON.stringify(job));
    const result = await run('npx', ['tsx', '--tsconfig', path.join(ROOT, 'test', 'tsconfig.json'), path.join(__dirname, 'pulumi-runner.ts'), jobFile], {
      cwd: ROOT,
      timeoutMs: extra.timeoutMs ?? 600_000,
    });
    const line = result.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
    if (!line) {
      return { ok: false, error: `the runner printed no result (exit ${result.code}):\n${result.stderr.slice(-8000)}\n${result.stdout.slice(-4000)}`, durationMs: 0, steps: [], diagnostics: [] };
    }
    return JSON.parse(line.slice(RESULT_MARKER.length));
  }
}

/** Steps of a run that are not `same`/`read`, as `op type name` lines (for readable assertions). */
export function changes(result: PulumiRunResult): string[] {
  return result.steps
    .filter((s) => !['same', 'read', 'refresh'].includes(s.op))
    .map((s) => `${s.op} ${s.type} ${s.urn.split('::').pop()}`);
}
