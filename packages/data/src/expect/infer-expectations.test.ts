import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { profileData } from '../run/profile-data.ts';
import { inferExpectations } from './infer-expectations.ts';
import { parseExpectations } from './load-expectations.ts';
import { ExpectationChecker } from './expectation-checker.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');

for (const file of ['penguins.json', 'seattle-weather.csv', 'cars.json']) {
  test(`inferred expectations for ${file} are valid and pass on the data they came from`, async () => {
    const path = join(DATA, file);
    const yaml = inferExpectations((await profileData(path)).profile, { source: file });
    const loaded = parseExpectations(yaml, 'inferred.yml');
    const checker = new ExpectationChecker(loaded.expectations, { now: new Date(), lineOf: loaded.lineOf });
    const again = await profileData(path, { batchRows: 97, onBatch: (b) => checker.update(b) });
    const report = checker.finish(again.profile);
    assert.deepEqual(
      report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.observed}`),
      [],
    );
    assert.ok(report.checks.length > 10);
  });
}

test('inferred expectations name the types, domains and ranges of penguins', async () => {
  const { profile } = await profileData(join(DATA, 'penguins.json'));
  const { expectations } = parseExpectations(inferExpectations(profile), 'inferred.yml');
  assert.deepEqual(expectations.columns.Species!.inSet!.values, ['Adelie', 'Chinstrap', 'Gentoo']);
  assert.equal(expectations.columns.Species!.notNull!.mostly, 1);
  assert.equal(expectations.columns['Body Mass (g)']!.type!.is, 'integer');
  assert.deepEqual(
    [expectations.columns['Body Mass (g)']!.between!.min, expectations.columns['Body Mass (g)']!.between!.max],
    [2700, 6300],
  );
  // 2 of 344 masses are missing: 99.4% non-null, so mostly 0.98.
  assert.equal(expectations.columns['Body Mass (g)']!.notNull!.mostly, 0.98);
  assert.equal(expectations.columns['Beak Length (mm)']!.type!.is, 'number');
});

test('NaN, infinities and unparsable text get a mostly, so the inferred file passes on its own data', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-infer-')), 'x.csv');
  // 'oops' past the first 65,536 rows, so it arrives after the column is known to be numeric.
  const rows = Array.from({ length: 70_000 }, (_, i) => `${i % 60},${i % 60}.5`);
  writeFileSync(path, `x,n\n${rows.join('\n')}\n${'NaN,inf\n'.repeat(2000)}oops,2\n`);
  const yaml = inferExpectations((await profileData(path)).profile);
  const loaded = parseExpectations(yaml, 'inferred.yml');
  assert.deepEqual(
    [loaded.expectations.columns.x!.type!.mostly, loaded.expectations.columns.x!.between!.mostly],
    [0.96, 0.96],
  );
  const checker = new ExpectationChecker(loaded.expectations, { now: new Date(), lineOf: loaded.lineOf });
  const again = await profileData(path, { batchRows: 20_000, onBatch: (b) => checker.update(b) });
  const report = checker.finish(again.profile);
  assert.deepEqual(
    report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.observed}`),
    [],
  );
});

test('a text date column with more than 1,000 distinct values keeps its timestamp type and unique', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-infer-')), 'days.jsonl');
  const day = (i: number) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
  writeFileSync(path, Array.from({ length: 1500 }, (_, i) => JSON.stringify({ day: day(i), n: i % 7 })).join('\n'));
  for (const file of [path, join(DATA, 'seattle-weather.csv')]) {
    const { expectations } = parseExpectations(inferExpectations((await profileData(file)).profile), 'inferred.yml');
    const column = file === path ? 'day' : 'date';
    assert.equal(expectations.columns[column]!.type!.is, 'timestamp', file);
    assert.equal(expectations.columns[column]!.unique?.mostly, 1, file);
  }
});

test('data without rows is refused: expectations inferred from it would fail on that same data', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'mlship-infer-')), 'header.csv');
  writeFileSync(path, 'id,species\n');
  const { profile } = await profileData(path);
  assert.equal(profile.rowCount, 0);
  assert.throws(
    () => inferExpectations(profile, { source: 'header.csv' }),
    (e: unknown) =>
      e instanceof InputError &&
      /^header\.csv has no rows, so there is nothing to infer expectations from/.test(e.message),
  );
});
