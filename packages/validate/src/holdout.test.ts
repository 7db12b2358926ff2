import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '@mlship/errors';
import { readHoldout } from './holdout.ts';

test('a numeric column missing throughout its first batch stays numeric (feature and slice column)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-holdout-')), 'holdout.csv');
  writeFileSync(path, 'y,a,g\n0,,\n1,,\n0,3,1\n1,4,2\n');
  const holdout = await readHoldout({
    path,
    task: 'classification',
    label: 'y',
    features: ['a'],
    groupColumns: ['g'],
    feeds: [],
    batchRows: 2,
  });
  assert.deepEqual(
    holdout.batches.flatMap((b) => [...b.features.get('a')!]),
    [Number.NaN, Number.NaN, 3, 4],
  );
  const g = holdout.groups.get('g')!;
  assert.equal(g.kind, 'numeric');
  assert.ok(g.kind === 'numeric' && [...(g.nulls ?? [])].join() === '1,1,0,0' && g.values[3] === 2);
});

test('JSON Lines: a feature and a slice key first seen in a later batch are read, null before it', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-holdout-')), 'holdout.jsonl');
  writeFileSync(path, '{"y":0}\n{"y":1}\n{"y":0,"a":3,"g":"x"}\n{"y":1,"a":4}\n');
  const holdout = await readHoldout({
    path,
    task: 'classification',
    label: 'y',
    features: ['a'],
    groupColumns: ['g'],
    feeds: [],
    batchRows: 2,
  });
  assert.deepEqual(
    holdout.batches.flatMap((b) => [...b.features.get('a')!]),
    [Number.NaN, Number.NaN, 3, 4],
  );
  const g = holdout.groups.get('g')!;
  assert.ok(g.kind === 'categorical' && [...g.codes].join() === '-1,-1,0,-1' && g.dictionary[0] === 'x');
});

test('JSON Lines: a regression label key absent from a whole batch is a missing label', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-holdout-')), 'late-label.jsonl');
  writeFileSync(path, '{"a":1}\n{"a":2}\n{"a":3,"y":1.5}\n');
  await assert.rejects(
    readHoldout({ path, task: 'regression', label: 'y', features: ['a'], groupColumns: [], feeds: [], batchRows: 2 }),
    (e: unknown) => e instanceof FileFormatError && /late-label\.jsonl: row 1: label 'y' is missing/.test(e.message),
  );
});

test('a regression label that is NaN or infinite fails naming the file and row', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-holdout-')), 'reg.csv');
  writeFileSync(path, 'y,a\n1.5,1\nNaN,2\n');
  await assert.rejects(
    readHoldout({ path, task: 'regression', label: 'y', features: ['a'], groupColumns: [], feeds: [] }),
    (e: unknown) =>
      e instanceof FileFormatError &&
      /reg\.csv: row 3: label 'y' is NaN, not a finite number; drop or fix the row/.test(e.message),
  );
});

test('a text label in a column whose first batch was numbers is named, not called missing', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-holdout-')), 'mixed.csv');
  // Past the first 65,536 rows, which decide that the column holds numbers.
  writeFileSync(path, `y,a\n${Array.from({ length: 70_000 }, (_, i) => `${i % 2},${i}`).join('\n')}\nyes,3\n`);
  await assert.rejects(
    readHoldout({
      path,
      task: 'classification',
      label: 'y',
      features: ['a'],
      groupColumns: [],
      feeds: [],
    }),
    (e: unknown) =>
      e instanceof FileFormatError &&
      /mixed\.csv: row 70002: label 'y' is missing, or is text such as 'yes' in a column whose first rows are numbers/.test(
        e.message,
      ),
  );
});

test('fractional numbers as classification labels fail pointing at the regression task', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-holdout-')), 'prices.csv');
  writeFileSync(path, 'y,a\n1,1\n2.75,2\n');
  await assert.rejects(
    readHoldout({ path, task: 'classification', label: 'y', features: ['a'], groupColumns: [], feeds: [] }),
    (e: unknown) =>
      e instanceof FileFormatError &&
      /prices\.csv: row 3: label 'y' is 2\.75, not a class: .*use --task regression/.test(e.message),
  );
});
