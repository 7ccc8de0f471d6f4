// Extracts the README's code snippets (each fenced block after a `<!-- snippet: <path> -->` line)
// into test/readme-snippets/<path>, where `tsc` type-checks them with everything else and
// test/readme.test.ts runs them.   npx tsx scripts/readme-snippets.ts
import * as fs from 'fs';
import * as path from 'path';

/** One fenced block of the README and the file it becomes. */
export interface Snippet {
  /** The path under the snippets directory, e.g. `cdk8s/main.ts`. */
  readonly file: string;
  /** The fence's language, e.g. `ts`, `sh`. */
  readonly language: string;
  readonly code: string;
}

export const ROOT = path.resolve(__dirname, '..');
export const SNIPPETS_DIR = path.join(ROOT, 'test', 'readme-snippets');

/** Every fenced block of `markdown`; `file` is the marker's path, or empty for an unmarked block. */
export function readmeBlocks(markdown: string): Snippet[] {
  const blocks: Snippet[] = [];
  const pattern = /(?:<!-- snippet: (\S+) -->\n)?```(\w*)[^\n]*\n([\s\S]*?)\n```/g;
  for (const m of markdown.matchAll(pattern)) blocks.push({ file: m[1] ?? '', language: m[2], code: `${m[3]}\n` });
  return blocks;
}

/** Writes the marked blocks of the README under the snippets directory (replacing what was there). */
export function extractReadmeSnippets(readme = path.join(ROOT, 'README.md')): Snippet[] {
  const snippets = readmeBlocks(fs.readFileSync(readme, 'utf8')).filter((s) => s.file !== '');
  fs.rmSync(SNIPPETS_DIR, { recursive: true, force: true });
  for (const snippet of snippets) {
    const file = path.join(SNIPPETS_DIR, snippet.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, snippet.code);
  }
  return snippets;
}

if (require.main === module) extractReadmeSnippets();
