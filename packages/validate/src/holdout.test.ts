import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHoldout } from './holdout.ts';

test('a numeric column missing throughout its first batch stays numeric (feature and slice column)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-holdout-')), 'holdout.csv');
  writeFileSync(path, 'y,a,g\n0,,\n1,,\n0,3,1\n1,4,2\n');
  const holdout = await readHoldout({ path, task: 'classification', label: 'y', features: ['a'], groupColumns: ['g'], feeds: [], batchRows: 2 });
  assert.deepEqual(holdout.batches.flatMap((b) => [...b.features.get('a')!]), [Number.NaN, Number.NaN, 3, 4]);
  const g = holdout.groups.get('g')!;
  assert.equal(g.kind, 'numeric');
  assert.ok(g.kind === 'numeric' && [...(g.nulls ?? [])].join() === '1,1,0,0' && g.values[3] === 2);
});
