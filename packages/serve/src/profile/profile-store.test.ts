import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore } from './profile-store.ts';

const H0 = Date.parse('2026-03-01T10:00:00Z');
const HOUR = 3_600_000;

test('rows fold into an hourly profile; a finished hour keeps its profile and drops its rows; a window merges its hours', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-profiles-'));
  let now = H0 + 60_000;
  const store = new ProfileStore({ dir, retentionHours: 24, now: () => now });
  try {
    store.append('v1', 'inputs', now, '{"x":1,"species":"Adelie"}\n{"x":2,"species":"Gentoo"}');
    const first = await store.profile('v1', 'inputs', H0, now);
    assert.equal(first?.rowCount, 2);
    assert.deepEqual(
      first?.columns.map((c) => c.name),
      ['x', 'species'],
    );
    now = H0 + HOUR + 60_000;
    store.append('v1', 'inputs', now, '{"x":10,"species":"Adelie"}');
    await store.flush();
    assert.deepEqual((await readdir(join(dir, '2026-03-01T10', 'v1'))).sort(), ['inputs.profile.json']);
    const both = await store.profile('v1', 'inputs', H0, now);
    assert.equal(both?.rowCount, 3);
    const x = both?.columns.find((c) => c.name === 'x');
    assert.equal(x?.kind === 'numeric' ? x.max : undefined, 10);
    // A window from the second hour on sees its rows only.
    assert.equal((await store.profile('v1', 'inputs', H0 + HOUR, now))?.rowCount, 1);
    assert.equal(await store.profile('v2', 'inputs', H0, now), undefined);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
