import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { readColumns } from '../read/read-columns.ts';
import { DataProfiler } from '../profile/data-profiler.ts';
import { inferExpectations } from './infer-expectations.ts';
import { parseExpectations } from './load-expectations.ts';
import { ExpectationChecker } from './expectation-checker.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');

for (const file of ['penguins.json', 'seattle-weather.csv', 'cars.json']) {
  test(`inferred expectations for ${file} are valid and pass on the data they came from`, async () => {
    const path = join(DATA, file);
    const profiler = new DataProfiler();
    for await (const b of readColumns(path)) profiler.update(b);
    const yaml = inferExpectations(profiler.finish(), { source: file });
    const loaded = parseExpectations(yaml, 'inferred.yml');
    const checker = new ExpectationChecker(loaded.expectations, { now: new Date(), lineOf: loaded.lineOf });
    const again = new DataProfiler();
    for await (const b of readColumns(path, { batchRows: 97 })) {
      checker.update(b);
      again.update(b);
    }
    const report = checker.finish(again.finish());
    assert.deepEqual(
      report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.observed}`),
      [],
    );
    assert.ok(report.checks.length > 10);
  });
}

test('inferred expectations name the types, domains and ranges of penguins', async () => {
  const profiler = new DataProfiler();
  for await (const b of readColumns(join(DATA, 'penguins.json'))) profiler.update(b);
  const { expectations } = parseExpectations(inferExpectations(profiler.finish()), 'inferred.yml');
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
  writeFileSync(path, `x,n\n${Array.from({ length: 60 }, (_, i) => `${i},${i}.5`).join('\n')}\nNaN,inf\noops,2\n`);
  const profiler = new DataProfiler();
  // In batches of 20, so 'oops' arrives after the column is known to be numeric.
  for await (const b of readColumns(path, { batchRows: 20 })) profiler.update(b);
  const yaml = inferExpectations(profiler.finish());
  const loaded = parseExpectations(yaml, 'inferred.yml');
  assert.deepEqual(
    [loaded.expectations.columns.x!.type!.mostly, loaded.expectations.columns.x!.between!.mostly],
    [0.95, 0.97],
  );
  const checker = new ExpectationChecker(loaded.expectations, { now: new Date(), lineOf: loaded.lineOf });
  const again = new DataProfiler();
  for await (const b of readColumns(path, { batchRows: 20 })) {
    checker.update(b);
    again.update(b);
  }
  const report = checker.finish(again.finish());
  assert.deepEqual(
    report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.observed}`),
    [],
  );
});

test('data without rows is refused: expectations inferred from it would fail on that same data', () => {
  const profiler = new DataProfiler();
  profiler.update({ rowCount: 0, columns: new Map(), source: { file: 'header.csv', firstRow: 2 } });
  assert.throws(
    () => inferExpectations(profiler.finish(), { source: 'header.csv' }),
    (e: unknown) =>
      e instanceof InputError &&
      /^header\.csv has no rows, so there is nothing to infer expectations from/.test(e.message),
  );
});
