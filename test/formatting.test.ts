// Every source, doc and workflow file is as the formatter writes it
// (`npm run format`); generated files are listed in .prettierignore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../scripts/build-actions.ts';

test('every file is formatted: run npm run format', () => {
  const prettier = join(repoRoot, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  let output = '';
  try {
    execFileSync(process.execPath, [prettier, '--list-different', '.'], { cwd: repoRoot, encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  assert.equal(output.trim(), '', `not formatted:\n${output}`);
});
