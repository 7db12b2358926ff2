import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnBatch } from '../read/columns.ts';
import { queryRows, sqlString } from '../engine/duckdb-engine.ts';
import { DataProfiler } from '../profile/data-profiler.ts';
import { profileData } from '../run/profile-data.ts';
import { exactKsStatistics, loadReference } from '../run/reference.ts';
import { compareProfiles, MAX_LISTED_CATEGORIES } from './compare-profiles.ts';
import { dataTestSection } from '../run/report-section.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const FLIGHTS = sqlString(join(DATA, 'flights-3m.parquet'));
const dir = mkdtempSync(join(tmpdir(), 'mlship-drift-'));

/** Writes the rows of a query to a Parquet file. */
async function parquet(name: string, select: string): Promise<string> {
  const path = join(dir, `${name}.parquet`);
  await queryRows(`COPY (${select}) TO ${sqlString(path)} (FORMAT parquet)`);
  return path;
}

test('a file against itself: PSI, KS and every effect are exactly 0, every q-value 1', async () => {
  const path = join(DATA, 'seattle-weather.csv');
  const { profile: reference } = await profileData(path);
  const { profile: current } = await profileData(path, { reference });
  const report = compareProfiles(reference, current);
  for (const c of report.columns.filter((x) => x.skipped === null)) {
    assert.deepEqual([c.column, c.effect, c.measures.psi ?? 0, c.measures.ks ?? 0, c.qValue], [c.column, 0, 0, 0, 1]);
  }
  assert.deepEqual(report.findings, []);
});

// Reads and profiles 3M rows twice: seconds alone, minutes on a loaded 2-core machine.
test(
  'no change at 1.5M rows per side (odd and even rows of flights-3m): no significance, exact or bounded',
  { timeout: 900_000 },
  async () => {
    const odd = await parquet('odd', `SELECT * FROM ${FLIGHTS} WHERE file_row_number % 2 = 1`);
    const even = await parquet('even', `SELECT * FROM ${FLIGHTS} WHERE file_row_number % 2 = 0`);
    const reference = await loadReference(odd);
    const current = await profileData(even, { reference: reference.profile });
    const exact = compareProfiles(reference.profile, current.profile, {}, await exactKsStatistics(reference, current));
    const bounded = compareProfiles(reference.profile, current.profile);
    for (const report of [exact, bounded]) {
      for (const name of ['delay', 'distance']) {
        const c = report.columns.find((x) => x.column === name)!;
        assert.ok(c.qValue > 0.05, `${name} q ${c.qValue} (${c.test})`);
        assert.equal(c.drifted, false);
      }
    }
    assert.equal(exact.columns.find((c) => c.column === 'delay')!.test, 'ks-exact');
    assert.equal(bounded.columns.find((c) => c.column === 'delay')!.test, 'ks-bounded');
    // The exact statistic is what the engine computes over both files in full.
    const [row] = await queryRows(
      `WITH a AS (SELECT delay::DOUBLE AS x FROM ${sqlString(odd)}), b AS (SELECT delay::DOUBLE AS x FROM ${sqlString(even)}),
     v AS (SELECT x, 1.0 / (SELECT count(*) FROM a) AS wa, 0.0 AS wb FROM a UNION ALL SELECT x, 0.0, 1.0 / (SELECT count(*) FROM b) FROM b),
     g AS (SELECT x, sum(wa) AS wa, sum(wb) AS wb FROM v GROUP BY x)
     SELECT max(abs(fa - fb)) AS d FROM (SELECT sum(wa) OVER (ORDER BY x) AS fa, sum(wb) OVER (ORDER BY x) AS fb FROM g)`,
    );
    const d = exact.columns.find((c) => c.column === 'delay')!.measures.ks!;
    assert.ok(Math.abs(d - Number(row!.d)) < 1e-9, `${d} vs ${row!.d}`);
  },
);

test('a shift drifts in the shifted columns only, with the bounded test', async () => {
  const reference = (
    await profileData(
      await parquet('ref-half', `SELECT * FROM ${FLIGHTS} WHERE file_row_number % 4 = 0 AND file_row_number < 1000000`),
    )
  ).profile;
  const shifted = await parquet(
    'shifted',
    `SELECT date, delay + 20 AS delay, distance * 1.3 AS distance, origin, destination FROM ${FLIGHTS} WHERE file_row_number % 4 = 1 AND file_row_number < 1000000`,
  );
  const report = compareProfiles(reference, (await profileData(shifted, { reference })).profile);
  assert.deepEqual(
    report.columns.filter((c) => c.drifted).map((c) => c.column),
    ['delay', 'distance'],
  );
});

test('small samples: noise between 150-row halves is not flagged, a large shift is', async () => {
  const penguins = `read_json(${sqlString(join(DATA, 'penguins.json'))}, format = 'array')`;
  const numbered = `(SELECT *, row_number() OVER () AS i FROM ${penguins})`;
  const reference = (
    await profileData(await parquet('p-ref', `SELECT * EXCLUDE (i) FROM ${numbered} WHERE hash(i) % 2 = 0`))
  ).profile;
  const other = await parquet('p-now', `SELECT * EXCLUDE (i) FROM ${numbered} WHERE hash(i) % 2 = 1`);
  const report = compareProfiles(reference, (await profileData(other, { reference })).profile);
  assert.deepEqual(
    report.columns.filter((c) => c.drifted).map((c) => c.column),
    [],
  );
  const heavier = await parquet(
    'p-heavy',
    `SELECT * EXCLUDE (i, "Body Mass (g)"), "Body Mass (g)" + 800 AS "Body Mass (g)" FROM ${numbered} WHERE hash(i) % 2 = 1`,
  );
  const drift = compareProfiles(reference, (await profileData(heavier, { reference })).profile);
  assert.deepEqual(
    drift.columns.filter((c) => c.drifted).map((c) => c.column),
    ['Body Mass (g)'],
  );
});

test('new and vanished categories of flights, January-March against April-June, are reported with their counts', async () => {
  const quarter = (months: string) => `SELECT * FROM ${FLIGHTS} WHERE month(date) IN (${months})`;
  const reference = (await profileData(await parquet('q1', quarter('1, 2, 3')))).profile;
  const report = compareProfiles(
    reference,
    (await profileData(await parquet('q2', quarter('4, 5, 6')), { reference })).profile,
  );
  const [expected] = await queryRows(
    `WITH a AS (${quarter('1, 2, 3')}), b AS (${quarter('4, 5, 6')})
     SELECT (SELECT list(n ORDER BY n DESC) FROM (SELECT count(*) AS n FROM b WHERE origin NOT IN (SELECT origin FROM a) GROUP BY origin)) AS new_origins,
            (SELECT list(n ORDER BY n DESC) FROM (SELECT count(*) AS n FROM a WHERE destination NOT IN (SELECT destination FROM b) GROUP BY destination)) AS vanished`,
  );
  const origin = report.categoryChanges.find((c) => c.column === 'origin')!;
  assert.deepEqual(
    origin.newCategories.map((c) => c.count),
    (expected!.new_origins as bigint[]).map(Number),
  );
  assert.deepEqual(
    origin.newCategories.map((c) => c.count),
    [85, 83, 25, 21, 1],
  );
  const destination = report.categoryChanges.find((c) => c.column === 'destination')!;
  assert.deepEqual(
    destination.vanishedCategories.map((c) => c.count),
    [94],
  );
  assert.ok(
    report.findings.some((f) => /^'origin': 5 new categories, 215 rows now: \w+ \(85 rows\), \w+ \(83 rows\)/.test(f)),
  );
  assert.ok(
    report.findings.some((f) =>
      /^'destination': 1 category of the reference no longer occurs \(94 rows there\): \w+ \(94 rows\)$/.test(f),
    ),
  );
  // Information, not drift: no warning; the PR section lists them.
  assert.deepEqual(report.warnings, []);
  const section = dataTestSection({
    data: 'q2.parquet',
    expectationsFile: null,
    referenceFile: 'q1.json',
    rowCount: 1,
    columnCount: 5,
    outcome: 'pass',
    expectations: null,
    drift: report,
  });
  assert.match(section.markdown, /^- 'origin': 5 new categories, 215 rows now: /m);
  assert.match(section.markdown, /^- 'destination': 1 category of the reference no longer occurs \(94 rows there\)/m);
});

test('categories: new and vanished categories are findings with counts; thresholds can be overridden', async () => {
  const seattle = `read_csv(${sqlString(join(DATA, 'seattle-weather.csv'))}, types = {'date': 'VARCHAR'})`;
  const reference = (await profileData(join(DATA, 'seattle-weather.csv'))).profile;
  // No snow any more, and the first 159 rain days are now labelled 'hail'.
  const current = await parquet(
    'hail',
    `SELECT * EXCLUDE (weather, i), CASE WHEN weather = 'rain' AND rain_rank <= 159 THEN 'hail' ELSE weather END AS weather
     FROM (SELECT *, row_number() OVER () AS i, row_number() OVER (PARTITION BY weather ORDER BY date) AS rain_rank FROM ${seattle})
     WHERE weather <> 'snow' ORDER BY i`,
  );
  const now = (await profileData(current, { reference })).profile;
  const report = compareProfiles(reference, now);
  const w = report.columns.find((c) => c.column === 'weather')!;
  assert.deepEqual(report.findings, [
    "'weather': 1 new category, 159 rows now: hail (159 rows)",
    "'weather': 1 category of the reference no longer occurs (26 rows there): snow (26 rows)",
  ]);
  assert.equal(report.columns.find((c) => c.column === 'date')!.skipped, 'timestamp column (time moves on)');
  // Reference rain 641, sun 640, fog 101, drizzle 53, snow 26 (1,461 rows); now sun 640, rain 482, hail 159, fog 101,
  // drizzle 53 (1,435 rows). Jensen-Shannon distance over the six categories, base 2: 0.2631931 (bc -l) ≥ 0.1.
  const weather = now.columns.find((c) => c.name === 'weather')!;
  assert.ok(weather.kind === 'categorical');
  assert.deepEqual(weather.topValues.items, [
    ['sun', 640],
    ['rain', 482],
    ['hail', 159],
    ['fog', 101],
    ['drizzle', 53],
  ]);
  assert.ok(Math.abs(w.measures.jensenShannon! - 0.2631931) < 1e-6, String(w.measures.jensenShannon));
  assert.equal(w.drifted, true);
  const lenient = compareProfiles(reference, now, { thresholds: { jensenShannon: 0.3 } });
  assert.equal(lenient.columns.find((c) => c.column === 'weather')!.drifted, false, '0.263 < 0.3');
  assert.equal(lenient.options.thresholds.psi, 0.1, 'other thresholds keep their defaults');
});

test('many new categories are listed up to the cap and summarised with their rows', async () => {
  const ref = join(dir, 'few.csv');
  const now = join(dir, 'many.csv');
  writeFileSync(ref, `c\n${Array.from({ length: 100 }, (_, i) => `old${i % 5}`).join('\n')}\n`);
  const fresh = Array.from({ length: 30 }, (_, i) => Array.from({ length: 30 - i }, () => `new${i}`)).flat();
  writeFileSync(now, `c\n${[...Array.from({ length: 100 }, (_, i) => `old${i % 5}`), ...fresh].join('\n')}\n`);
  const reference = (await profileData(ref)).profile;
  const report = compareProfiles(reference, (await profileData(now, { reference })).profile);
  const line = report.findings.find((f) => f.startsWith("'c': 30 new categories"))!;
  assert.equal(line.match(/new\d+ \(/g)!.length, MAX_LISTED_CATEGORIES);
  const rest = fresh.filter((v) => Number(v.slice(3)) >= MAX_LISTED_CATEGORIES).length;
  assert.match(line, new RegExp(`, and 20 more \\(${rest} rows\\)$`));
  assert.match(line, /^'c': 30 new categories, 465 rows now: new0 \(30 rows\), new1 \(29 rows\)/);
});

test('a column that is entirely null now, or changed type, drifts as a warning of its own', async () => {
  writeFileSync(join(dir, 'ref.csv'), `a,b\n${Array.from({ length: 50 }, (_, i) => `${i},${i}`).join('\n')}\n`);
  writeFileSync(join(dir, 'now.csv'), `a,b\n${Array.from({ length: 50 }, (_, i) => `,x${i % 3}`).join('\n')}\n`);
  const reference = (await profileData(join(dir, 'ref.csv'))).profile;
  const report = compareProfiles(reference, (await profileData(join(dir, 'now.csv'))).profile);
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [
      ['a', 'entirely null now', true],
      ['b', 'type changed to categorical', true],
    ],
  );
  assert.deepEqual(report.warnings, [
    "column 'a' is entirely null now",
    "column 'b' changed type: numeric in the reference, categorical now",
  ]);
  assert.equal(report.datasetDrift, true);
});

test('dates as text (CSV) are a timestamp column, also past 1,000 distinct days: a new day is no drift', async () => {
  let s = 11;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const rows = (days: string[], n: number) =>
    Array.from({ length: n }, () => `${days[Math.floor(rand() * days.length)]},${(100 + 30 * rand()).toFixed(2)}`).join(
      '\n',
    );
  const days = Array.from({ length: 1500 }, (_, d) => new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10));
  writeFileSync(join(dir, 'ref-days.csv'), `event_date,amount\n${rows(days, 6000)}\n`);
  writeFileSync(join(dir, 'now-days.csv'), `event_date,amount\n${rows(['2024-03-05'], 1000)}\n`);
  const reference = (await profileData(join(dir, 'ref-days.csv'))).profile;
  const report = compareProfiles(reference, (await profileData(join(dir, 'now-days.csv'), { reference })).profile);
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [
      ['event_date', 'timestamp column (time moves on)', false],
      ['amount', null, false],
    ],
  );
  assert.deepEqual(report.findings, []);
});

test('a column that is a timestamp in the current data is not compared, even if the older reference said number', () => {
  const batch = (timestamp: boolean, start: number): ColumnBatch => ({
    rowCount: 500,
    columns: new Map([
      [
        't',
        {
          kind: 'numeric',
          values: Float64Array.from({ length: 500 }, (_, i) => start + i * 60_000),
          nulls: new Uint8Array(500),
          timestamp,
          invalid: { count: 0, samples: [] },
        },
      ],
    ]),
    source: { file: 'x.parquet', firstRow: 1 },
  });
  const none = { points: new Map(), distinct: new Map() };
  const reference = new DataProfiler();
  reference.update(batch(false, Date.UTC(2024, 0, 1)));
  const current = new DataProfiler();
  current.update(batch(true, Date.UTC(2024, 5, 1)));
  const report = compareProfiles(reference.finish(none), current.finish(none));
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [['t', 'timestamp column (time moves on)', false]],
  );
});

/** A profile of categorical columns, each given as its values' counts in row order. */
function categoricalProfile(columns: Record<string, Record<string, number>>) {
  const rowCount = Object.values(Object.values(columns)[0]!).reduce((a, b) => a + b, 0);
  const batch: ColumnBatch = { rowCount, columns: new Map(), source: { file: 'x.csv', firstRow: 2 } };
  for (const [name, counts] of Object.entries(columns)) {
    const dictionary = Object.keys(counts);
    const codes = Int32Array.from(dictionary.flatMap((v, code) => Array<number>(counts[v]!).fill(code)));
    assert.equal(codes.length, rowCount);
    batch.columns.set(name, { kind: 'categorical', codes, dictionary });
  }
  const profiler = new DataProfiler();
  profiler.update(batch);
  return profiler.finish({ points: new Map(), distinct: new Map() });
}

test('a column drifts on its q-value, not its raw p: 15/15 → 23/7 beside an unchanged column is not drifted', () => {
  const reference = categoricalProfile({ plan: { basic: 15, pro: 15 }, region: { north: 15, south: 15 } });
  const current = categoricalProfile({ plan: { basic: 23, pro: 7 }, region: { north: 15, south: 15 } });
  const report = compareProfiles(reference, current);
  const plan = report.columns.find((c) => c.column === 'plan')!;
  // Chi-square of [15, 15] vs [23, 7]: expected 19 and 11 on each side,
  // χ² = 2·16/19 + 2·16/11 = 4.5933014, df 1, p = erfc(√(χ²/2)) = 0.0320971 (bc -l, series for erf).
  assert.ok(Math.abs(plan.measures.chiSquare! - 4.5933014) < 1e-6, String(plan.measures.chiSquare));
  assert.ok(Math.abs(plan.pValue - 0.0320971) < 1e-6, String(plan.pValue));
  // The effect is large: Jensen-Shannon distance of (½, ½) and (23/30, 7/30) = √0.0561898 = 0.2370438 ≥ 0.1.
  assert.ok(Math.abs(plan.effect - 0.2370438) < 1e-6, String(plan.effect));
  // Benjamini-Hochberg over the two compared columns (the other has p = 1): q = 2·0.0320971 = 0.0641943 > 0.05.
  assert.ok(Math.abs(plan.qValue - 0.0641943) < 1e-6, String(plan.qValue));
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.drifted]),
    [
      ['plan', false],
      ['region', false],
    ],
  );
  // With the FDR at 0.1 the same evidence is a discovery.
  const lenient = compareProfiles(reference, current, { alpha: 0.1 });
  assert.equal(lenient.columns.find((c) => c.column === 'plan')!.drifted, true);
  assert.equal(lenient.driftedCount, 1);
});
