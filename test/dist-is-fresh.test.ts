// The check-dist convention: a committed bundle that differs from what its
// sources build to would ship stale code to every workflow that uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { actionNames, bundleAction, copiedFiles, distPath, repoRoot } from '../scripts/build-actions.ts';

for (const action of actionNames()) {
  test(`actions/${action}/dist/index.js is built from the current sources`, async () => {
    assert.ok(existsSync(distPath(action)), `actions/${action}/dist/index.js is missing: run npm run build`);
    const committed = readFileSync(distPath(action), 'utf8');
    const fresh = await bundleAction(action);
    assert.ok(committed === fresh, `actions/${action}/dist/index.js is stale: run npm run build and commit it`);
  });
}

for (const action of actionNames()) {
  const copies = copiedFiles(action);
  if (copies.length === 0) continue;
  test(`actions/${action}: the files its build.json copies are committed and current`, () => {
    for (const [source, dest] of copies) {
      const shown = relative(repoRoot, dest);
      assert.ok(existsSync(dest), `${shown} is missing: run npm run build and commit it`);
      assert.ok(
        readFileSync(source).equals(readFileSync(dest)),
        `${shown} differs from ${relative(repoRoot, source)}: run npm run build and commit it`,
      );
    }
  });
}
