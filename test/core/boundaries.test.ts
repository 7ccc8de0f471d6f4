import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

const ENGINE_PACKAGE = /(?:from\s+|require\(\s*|import\(\s*)['"](cdk8s|cdk8s-plus-\d+|constructs|@pulumi\/[\w-]+)(?:\/[^'"]*)?['"]/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test.each(['lib/core', 'lib/manifests'])('%s imports no engine package', (dir) => {
  const offenders = sources(join(__dirname, '..', '..', dir)).filter((file) => ENGINE_PACKAGE.test(readFileSync(file, 'utf8')));
  expect(offenders).toEqual([]);
});

test('the core entry point only reaches core and manifests', () => {
  const index = readFileSync(join(__dirname, '..', '..', 'lib', 'index.ts'), 'utf8');
  const targets = [...index.matchAll(/from '(.+?)'/g)].map((m) => m[1]);
  expect(targets.every((t) => /^\.\/(core|manifests)/.test(t))).toBe(true);
});
