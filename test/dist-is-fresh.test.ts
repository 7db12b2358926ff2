// The check-dist convention: a committed bundle that differs from what its
// sources build to would ship stale code to every workflow that uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { actionNames, bundleAction, distPath } from '../scripts/build-actions.ts';

for (const action of actionNames()) {
  test(`actions/${action}/dist/index.js is built from the current sources`, async () => {
    assert.ok(existsSync(distPath(action)), `actions/${action}/dist/index.js is missing: run npm run build`);
    const committed = readFileSync(distPath(action), 'utf8');
    const fresh = await bundleAction(action);
    assert.ok(committed === fresh, `actions/${action}/dist/index.js is stale: run npm run build and commit it`);
  });
}
