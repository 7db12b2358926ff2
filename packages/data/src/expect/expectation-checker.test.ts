import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData } from '../run/profile-data.ts';
import type { Profile } from '../profile/profile-schema.ts';
import { parseExpectations } from './load-expectations.ts';
import { ExpectationChecker } from './expectation-checker.ts';
import type { CheckResult, ExpectationReport } from './check-result.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const NOW = new Date('2016-01-02T00:00:00Z');

async function check(path: string, yaml: string, reference?: Profile, batchRows = 100): Promise<ExpectationReport> {
  const loaded = parseExpectations(yaml, 'e.yml');
  const checker = new ExpectationChecker(loaded.expectations, {
    lineOf: loaded.lineOf,
    file: loaded.file,
    now: NOW,
    ...(reference ? { reference } : {}),
  });
  const { profile } = await profileData(path, { batchRows, onBatch: (batch) => checker.update(batch) });
  return checker.finish(profile);
}

function result(report: ExpectationReport, id: string): CheckResult {
  const r = report.checks.find((c) => c.id === id);
  assert.ok(r, `no result ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return r;
}

const penguins = JSON.parse(readFileSync(join(DATA, 'penguins.json'), 'utf8')) as Record<
  string,
  number | string | null
>[];

test('penguins: notNull and between count failing rows as an independent count does, nulls skipped', async () => {
  const report = await check(
    join(DATA, 'penguins.json'),
    `schemaVersion: 1
columns:
  Body Mass (g):
    notNull: { mostly: 0.99 }
    between: { min: 3000, max: 6000, mostly: 0.9 }
  Sex:
    notNull: true
    inSet: { values: [MALE, FEMALE], severity: warn }
`,
  );
  const mass = penguins.map((r) => r['Body Mass (g)']);
  const nulls = mass.filter((v) => v === null).length;
  const outside = mass.filter((v) => typeof v === 'number' && (v < 3000 || v > 6000)).length;
  const notNull = result(report, 'columns.Body Mass (g).notNull');
  assert.deepEqual([notNull.failingCount, notNull.checkedCount, notNull.passed], [nulls, 344, true]);
  const between = result(report, 'columns.Body Mass (g).between');
  assert.deepEqual([between.failingCount, between.checkedCount], [outside, 344 - nulls]);
  assert.equal(between.passed, outside / (344 - nulls) <= 0.1);
  assert.equal(between.line, 5);
  const sexNull = result(report, 'columns.Sex.notNull');
  assert.equal(sexNull.failingCount, penguins.filter((r) => r.Sex === null).length);
  assert.equal(sexNull.passed, false);
  const sexSet = result(report, 'columns.Sex.inSet');
  assert.equal(
    sexSet.failingCount,
    penguins.filter((r) => r.Sex !== null && r.Sex !== 'MALE' && r.Sex !== 'FEMALE').length,
  );
  assert.deepEqual(sexSet.samples, ['.']); // penguins has one row with sex '.'
  assert.equal(sexSet.severity, 'warn');
  assert.equal(report.outcome, 'fail');
});

test('seattle-weather: categories, regex, type, unique, length, aggregates and freshness', async () => {
  const lines = readFileSync(join(DATA, 'seattle-weather.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const wind = lines.map((l) => Number(l[4]));
  const mean = wind.reduce((s, v) => s + v, 0) / wind.length;
  const report = await check(
    join(DATA, 'seattle-weather.csv'),
    `schemaVersion: 1
table:
  columns: { present: [date, precipitation, temp_max, temp_min, wind, weather], ordered: true }
  rowCount: { min: 1000, max: 2000 }
  duplicateRows: true
  freshness: { column: date, maxAgeHours: 48 }
columns:
  date: { type: timestamp, unique: true, regex: '^201[2-5]-' }
  weather: { inSet: [sun, rain, fog, drizzle], length: { max: 4 } }
  wind:
    type: integer
    mean: { min: ${(mean - 0.001).toFixed(3)}, max: ${(mean + 0.001).toFixed(3)} }
    quantiles:
      - { q: 0.5, min: 0, max: 100 }
`,
  );
  assert.equal(result(report, 'table.columns').passed, true);
  assert.equal(result(report, 'table.rowCount').observed, `${lines.length} rows`);
  assert.equal(result(report, 'table.duplicateRows').failingCount, 0);
  // The last date is 2015-12-31: 48 hours before NOW.
  const freshness = result(report, 'table.freshness');
  assert.equal(freshness.passed, true);
  assert.match(freshness.observed, /2015-12-31/);
  assert.equal(result(report, 'columns.date.type').failingCount, 0);
  assert.equal(result(report, 'columns.date.unique').failingCount, 0);
  assert.equal(result(report, 'columns.date.regex').failingCount, 0);
  const weather = result(report, 'columns.weather.inSet');
  assert.equal(weather.failingCount, lines.filter((l) => l[5] === 'snow').length);
  assert.deepEqual(weather.samples, ['snow']);
  assert.equal(result(report, 'columns.weather.length').failingCount, lines.filter((l) => l[5]!.length > 4).length);
  assert.equal(result(report, 'columns.wind.type').failingCount, wind.filter((v) => !Number.isInteger(v)).length);
  assert.equal(
    result(report, 'columns.wind.mean').passed,
    true,
    result(report, 'columns.wind.mean').observed + ' ' + mean,
  );
  assert.equal(result(report, 'columns.wind.quantiles[0]').passed, true);
});

test('cars: unique counts every row of a repeated value; duplicates and a missing column are findings', async () => {
  const cars = JSON.parse(readFileSync(join(DATA, 'cars.json'), 'utf8')) as Record<string, unknown>[];
  const report = await check(
    join(DATA, 'cars.json'),
    `schemaVersion: 1
table:
  columns: { absent: [Origin] }
columns:
  Name: { unique: true }
  Horsepower: { type: number, notNull: true }
  Price: { between: { min: 0 } }
`,
  );
  const counts = new Map<unknown, number>();
  for (const c of cars) counts.set(c.Name, (counts.get(c.Name) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1).reduce((s, n) => s + n, 0);
  assert.equal(result(report, 'columns.Name.unique').failingCount, repeated);
  assert.equal(
    result(report, 'columns.Horsepower.notNull').failingCount,
    cars.filter((c) => c.Horsepower === null).length,
  );
  const absent = result(report, 'table.columns');
  assert.equal(absent.passed, false);
  assert.match(absent.observed, /unexpected Origin/);
  const price = result(report, 'columns.Price');
  assert.equal(price.passed, false);
  assert.equal(price.check, 'exists');
  assert.equal(price.line, 7);
});

test('text in a numeric CSV column fails the type check with samples; new categories need a reference', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mlship-expect-'));
  const path = join(dir, 'x.csv');
  writeFileSync(
    path,
    `x,c\n${Array.from({ length: 150 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`).join('\n')}\nseven,c\n`,
  );
  const { profile: reference } = await profileData(join(DATA, 'seattle-weather.csv'));
  const report = await check(
    path,
    `schemaVersion: 1
columns:
  x: { type: number }
`,
  );
  const type = result(report, 'columns.x.type');
  assert.deepEqual([type.failingCount, type.checkedCount, type.samples], [1, 151, ['seven']]);
  await assert.rejects(
    check(path, 'schemaVersion: 1\ncolumns:\n  c:\n    newCategoryShare: { max: 0.1 }\n'),
    /e\.yml:4: columns\.c\.newCategoryShare needs a reference profile/,
  );
  const withRef = await check(
    join(DATA, 'seattle-weather.csv'),
    'schemaVersion: 1\ncolumns:\n  weather:\n    newCategoryShare: { max: 0 }\n',
    reference,
  );
  assert.equal(result(withRef, 'columns.weather.newCategoryShare').passed, true);
});

test('newCategoryShare is not judged against a reference whose value counts are incomplete', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-newcat-'));
  // 1,000 values three times and 500 more once: beyond the 1,000-value capacity, so the profile keeps only the frequent ones.
  const values = [
    ...Array.from({ length: 1000 }, (_, i) => [`v${i}`, `v${i}`, `v${i}`]).flat(),
    ...Array.from({ length: 500 }, (_, i) => `v${1000 + i}`),
  ];
  writeFileSync(join(dir, 'ref.csv'), `c\n${values.join('\n')}\n`);
  const { profile: reference } = await profileData(join(dir, 'ref.csv'));
  // Every current value occurs in the reference, only rarely.
  writeFileSync(join(dir, 'cur.csv'), `c\n${Array.from({ length: 100 }, (_, i) => `v${1000 + i}`).join('\n')}\n`);
  const r = result(
    await check(
      join(dir, 'cur.csv'),
      'schemaVersion: 1\ncolumns:\n  c:\n    newCategoryShare: { max: 0.5 }\n',
      reference,
    ),
    'columns.c.newCategoryShare',
  );
  assert.equal(r.passed, false);
  assert.match(r.observed, /^cannot be judged: the reference profile keeps only its 1,000 most frequent values/);
  assert.equal(r.line, 4);
});

test('between gives the same result whether a stray word lands in the first batch (text column) or a later one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-between-'));
  const values = Array.from({ length: 40 }, (_, i) => String(i * 5));
  const early = join(dir, 'early.csv');
  const late = join(dir, 'late.csv');
  writeFileSync(early, `x\nunknown\n${values.join('\n')}\n`);
  writeFileSync(late, `x\n${values.join('\n')}\nunknown\n`);
  const yaml = 'schemaVersion: 1\ncolumns:\n  x:\n    between: { min: 0, max: 150 }\n';
  const counts = async (path: string) => {
    const r = result(await check(path, yaml, undefined, 10), 'columns.x.between');
    return [r.failingCount, r.checkedCount, r.samples];
  };
  // 155..195 fail; 'unknown' is skipped (it fails the type check instead).
  assert.deepEqual(await counts(early), [9, 40, ['155', '160', '165', '170', '175']]);
  assert.deepEqual(await counts(late), [9, 40, ['155', '160', '165', '170', '175']]);
});
