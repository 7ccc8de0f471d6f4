// Runs a Pulumi example the way `pulumi up` starts it (`node --import tsx`, in the example's
// folder, `main: index.ts`), under the shipped mocks, and prints its outputs and which files
// `crosscluster` resolved to, and what it logged. Argument: JSON { project, config, secretKeys }.
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { CloudMocks, outputValue, settle } from '../../lib/pulumi/testing';

async function main(): Promise<void> {
  const { project, config, secretKeys } = JSON.parse(process.argv[2]) as { project: string; config: Record<string, string>; secretKeys: string[] };
  // Without an engine, pulumi.log.info writes to console.log: kept apart from the result on stdout.
  const logs: string[] = [];
  console.log = (...parts: unknown[]) => void logs.push(parts.map(String).join(' '));
  const mocks = await CloudMocks.install({ project });
  pulumi.runtime.setAllConfig(config, secretKeys);
  // As Pulumi's runner loads `main`: a synchronous require, after the mocks are in place.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.join(process.cwd(), 'index.ts'));
  const joinAddresses = await outputValue(program.joinAddresses as pulumi.Output<string[]>);
  await settle();
  const crosscluster = Object.keys(require.cache).filter((f) => /\/(lib|dist)\/pulumi\/(\w+\/)?index\.(ts|js)$/.test(f)).map((f) => path.relative(path.join(__dirname, '..', '..'), f));
  process.stdout.write(JSON.stringify({ joinAddresses, resources: mocks.resources.length, crosscluster, logs }));
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
