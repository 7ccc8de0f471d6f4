// Runs ONE Pulumi operation (up, preview, refresh, destroy) of an inline program through the Node.js
// Automation API, driving the real `pulumi` CLI and the real Kubernetes provider built by
// scripts/cluster-setup.sh. A fresh process per operation, so the program's modules load afresh as
// they would in `pulumi up`. Reads a job (JSON file path in argv[2]); prints one result line
// prefixed with RESULT_MARKER.
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { EngineEvent, LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';

/** What to run. */
export interface PulumiJob {
  readonly operation: 'up' | 'preview' | 'refresh' | 'destroy';
  /** The program: a module whose default export (or `export`) builds the stack and returns its outputs. */
  readonly programModule: string;
  readonly programExport?: string;
  readonly projectName: string;
  readonly stackName: string;
  /** Stack configuration: `{ key: { value, secret?, path? } }` as `pulumi config set [--secret] [--path]` would set it. */
  readonly config?: Readonly<Record<string, { value: string; secret?: boolean; path?: boolean }>>;
  /** The state backend, PULUMI_HOME and work directory live here. */
  readonly stateDir: string;
  /** The directory holding bin/pulumi. */
  readonly pulumiRoot: string;
  /** Directories prepended to PATH (the provider binary). */
  readonly path: readonly string[];
  /** `preview --refresh` / `up --refresh`. */
  readonly refresh?: boolean;
  /** Expect no changes (`--expect-no-changes`). */
  readonly expectNoChanges?: boolean;
}

/** One resource step the engine reported. */
export interface ResourceStep {
  readonly urn: string;
  readonly type: string;
  readonly op: string;
  readonly diffs?: readonly string[];
  readonly keys?: readonly string[];
  readonly detailedDiff?: Record<string, unknown>;
  /** When the engine started and finished the step, in ms since the operation started. */
  readonly startMs: number;
  endMs?: number;
}

/** What the runner prints. */
export interface PulumiRunResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly durationMs: number;
  readonly steps: readonly ResourceStep[];
  readonly summary?: Record<string, number>;
  readonly outputs?: Record<string, { value: unknown; secret: boolean }>;
  readonly diagnostics: readonly string[];
}

export const RESULT_MARKER = 'CROSSCLUSTER_PULUMI_RESULT ';

async function main(): Promise<void> {
  const job: PulumiJob = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const started = Date.now();
  const steps: ResourceStep[] = [];
  const diagnostics: string[] = [];
  const open = new Map<string, ResourceStep>();
  const onEvent = (event: EngineEvent) => {
    const at = Date.now() - started;
    const pre = event.resourcePreEvent?.metadata;
    if (pre) {
      const step: ResourceStep = {
        urn: pre.urn,
        type: pre.type,
        op: pre.op,
        diffs: pre.diffs,
        keys: pre.keys,
        detailedDiff: pre.detailedDiff as Record<string, unknown> | undefined,
        startMs: at,
      };
      steps.push(step);
      open.set(pre.urn, step);
    }
    const done = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
    if (done && open.has(done.urn)) open.get(done.urn)!.endMs = at;
    const diag = event.diagnosticEvent;
    if (diag && (diag.severity === 'error' || diag.severity === 'warning')) diagnostics.push(`${diag.severity}: ${diag.message.trim()}`.slice(0, 2000));
  };
  const env = {
    PULUMI_BACKEND_URL: `file://${path.join(job.stateDir, 'backend')}`,
    PULUMI_CONFIG_PASSPHRASE: 'crosscluster-test-only',
    PULUMI_HOME: path.join(job.stateDir, 'home'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
    PATH: [...job.path, process.env.PATH ?? ''].join(path.delimiter),
  };
  for (const dir of ['backend', 'home', 'work']) fs.mkdirSync(path.join(job.stateDir, dir), { recursive: true });
  Object.assign(process.env, env);
  let result: PulumiRunResult;
  try {
    const pulumiCommand = await PulumiCommand.get({ root: job.pulumiRoot, skipVersionCheck: true });
    const program = async () => {
      const module = await import(job.programModule);
      const build = module[job.programExport ?? 'default'];
      if (typeof build === 'function') return build();
      // A program like a user's index.ts: it builds the stack when loaded, its exported Outputs are the stack outputs.
      return Object.fromEntries(Object.entries(module).filter(([, value]) => pulumi.Output.isInstance(value)));
    };
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: job.projectName, stackName: job.stackName, program },
      { workDir: path.join(job.stateDir, 'work'), pulumiHome: env.PULUMI_HOME, envVars: env, pulumiCommand },
    );
    for (const [key, entry] of Object.entries(job.config ?? {})) {
      await stack.setConfig(key, { value: entry.value, secret: entry.secret ?? false }, entry.path ?? false);
    }
    let summary: Record<string, number> | undefined;
    switch (job.operation) {
      case 'up': {
        const up = await stack.up({ onEvent, refresh: job.refresh, color: 'never' });
        summary = up.summary.resourceChanges as Record<string, number>;
        break;
      }
      case 'preview': {
        const preview = await stack.preview({ onEvent, refresh: job.refresh, expectNoChanges: job.expectNoChanges, color: 'never', diff: true });
        summary = preview.changeSummary as Record<string, number>;
        break;
      }
      case 'refresh': {
        const refresh = await stack.refresh({ onEvent, color: 'never', expectNoChanges: job.expectNoChanges });
        summary = refresh.summary.resourceChanges as Record<string, number>;
        break;
      }
      case 'destroy': {
        const destroy = await stack.destroy({ onEvent, color: 'never' });
        summary = destroy.summary.resourceChanges as Record<string, number>;
        break;
      }
    }
    const outputs = job.operation === 'destroy' ? {} : await stack.outputs();
    result = { ok: true, durationMs: Date.now() - started, steps, summary, outputs, diagnostics };
  } catch (error) {
    result = { ok: false, error: String((error as Error)?.message ?? error).slice(-20_000), durationMs: Date.now() - started, steps, diagnostics };
  }
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

if (require.main === module) void main();
