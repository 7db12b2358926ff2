import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readColumns } from '../read/read-columns.ts';
import type { Column, ColumnBatch } from '../read/columns.ts';
import { DataProfiler, profileBatches } from '../profile/data-profiler.ts';
import { compareProfiles } from './compare-profiles.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The rows of `batch` where keep[i] === 1, with numeric values passed through `transform`. */
function subset(
  batch: ColumnBatch,
  keep: Uint8Array,
  transform: (name: string, v: number) => number = (_n, v) => v,
): ColumnBatch {
  const rows: number[] = [];
  for (let i = 0; i < batch.rowCount; i++) if (keep[i] === 1) rows.push(i);
  const columns = new Map<string, Column>();
  for (const [name, c] of batch.columns) {
    if (c.kind === 'numeric') {
      columns.set(name, {
        ...c,
        values: Float64Array.from(rows, (i) => (c.nulls[i] ? Number.NaN : transform(name, c.values[i]!))),
        nulls: Uint8Array.from(rows, (i) => c.nulls[i]!),
      });
    } else {
      columns.set(name, { ...c, codes: Int32Array.from(rows, (i) => c.codes[i]!) });
    }
  }
  return { rowCount: rows.length, columns, source: batch.source };
}

test('false alarms: disjoint random halves of 1.09M flights do not drift; a shifted copy drifts in the shifted columns only', async () => {
  const rand = lcg(7);
  const halves: [ColumnBatch[], ColumnBatch[]] = [[], []];
  let groups = 0;
  for await (const batch of readColumns(join(DATA, 'flights-3m.parquet'), { batchRows: 272_727 })) {
    const keep = Uint8Array.from({ length: batch.rowCount }, () => (rand() < 0.5 ? 1 : 0));
    halves[0].push(subset(batch, keep));
    halves[1].push(
      subset(
        batch,
        keep.map((k) => 1 - k),
      ),
    );
    if (++groups === 4) break;
  }
  const reference = await profileBatches(
    (async function* () {
      yield* halves[0];
    })(),
  );
  assert.ok(reference.rowCount > 500_000);
  const same = new DataProfiler({ reference });
  const shifted = new DataProfiler({ reference });
  for (const batch of halves[1]) {
    same.update(batch);
    // delay + 20 minutes (about half its sd), distance x 1.3
    shifted.update(
      subset(batch, new Uint8Array(batch.rowCount).fill(1), (name, v) =>
        name === 'delay' ? v + 20 : name === 'distance' ? v * 1.3 : v,
      ),
    );
  }
  const noDrift = compareProfiles(reference, same.finish());
  assert.deepEqual(
    noDrift.columns.filter((c) => c.drifted).map((c) => c.column),
    [],
  );
  assert.equal(noDrift.datasetDrift, false);
  assert.equal(noDrift.columns.find((c) => c.column === 'date')!.skipped, 'timestamp column (time moves on)');
  for (const c of noDrift.columns.filter((x) => x.skipped === null))
    assert.ok(c.effect < c.threshold / 4, `${c.column} ${c.effect}`);

  const drift = compareProfiles(reference, shifted.finish());
  assert.deepEqual(
    drift.columns
      .filter((c) => c.drifted)
      .map((c) => c.column)
      .sort(),
    ['delay', 'distance'],
    JSON.stringify(drift.columns.map((c) => [c.column, c.measures, c.qValue])),
  );
  assert.equal(drift.comparedCount, 4);
  assert.equal(drift.datasetDrift, true, 'two of four compared columns is the default 50% share');
  const delay = drift.columns.find((c) => c.column === 'delay')!;
  assert.ok(delay.qValue < 1e-6 && delay.measures.wasserstein! > 0.3);
});

test('small samples: noise between 150-row halves is not flagged, a large shift is', async () => {
  const batches: ColumnBatch[] = [];
  for await (const b of readColumns(join(DATA, 'penguins.json'))) batches.push(b);
  const rand = lcg(3);
  const keep = Uint8Array.from({ length: batches[0]!.rowCount }, () => (rand() < 0.5 ? 1 : 0));
  const a = new DataProfiler();
  a.update(subset(batches[0]!, keep));
  const reference = a.finish();
  const b = new DataProfiler({ reference });
  b.update(
    subset(
      batches[0]!,
      keep.map((k) => 1 - k),
    ),
  );
  const report = compareProfiles(reference, b.finish());
  assert.deepEqual(
    report.columns.filter((c) => c.drifted).map((c) => c.column),
    [],
  );
  const shifted = new DataProfiler({ reference });
  shifted.update(
    subset(
      batches[0]!,
      keep.map((k) => 1 - k),
      (name, v) => (name === 'Body Mass (g)' ? v + 800 : v),
    ),
  );
  const drift = compareProfiles(reference, shifted.finish());
  assert.deepEqual(
    drift.columns.filter((c) => c.drifted).map((c) => c.column),
    ['Body Mass (g)'],
  );
});

test('categories: new and vanished categories are findings; thresholds can be overridden', async () => {
  const batches: ColumnBatch[] = [];
  for await (const b of readColumns(join(DATA, 'seattle-weather.csv'))) batches.push(b);
  const batch = batches[0]!;
  const reference = await profileBatches(
    (async function* () {
      yield batch;
    })(),
  );
  const weather = batch.columns.get('weather')!;
  assert.ok(weather.kind === 'categorical');
  const snow = weather.dictionary.indexOf('snow');
  const rain = weather.dictionary.indexOf('rain');
  const rand = lcg(5);
  // No snow any more, and a quarter of the rain is now labelled 'hail'.
  const keep = Uint8Array.from(weather.codes, (c) => (c === snow ? 0 : 1));
  const current = subset(batch, keep);
  const codes = (current.columns.get('weather') as typeof weather).codes;
  const dictionary = [...weather.dictionary, 'hail'];
  current.columns.set('weather', {
    kind: 'categorical',
    dictionary,
    codes: codes.map((c) => (c === rain && rand() < 0.25 ? dictionary.length - 1 : c)),
  });
  const profiler = new DataProfiler({ reference });
  profiler.update(current);
  const report = compareProfiles(reference, profiler.finish());
  const w = report.columns.find((c) => c.column === 'weather')!;
  assert.deepEqual(
    w.newCategories.map((n) => n.value),
    ['hail'],
  );
  assert.deepEqual(
    w.vanishedCategories.map((n) => n.value),
    ['snow'],
  );
  // hail: 159 of 1,435 rows = 11.1%; snow: 26 of 1,461 reference rows = 1.8%.
  assert.deepEqual(report.findings, [
    "'weather': 1 new category in 11.1% of rows (hail)",
    "'weather': snow (1.8% of reference rows) no longer occurs",
  ]);
  assert.equal(report.columns.find((c) => c.column === 'date')!.skipped, 'identifier-like (most values distinct)');
  // Reference rain 641, sun 640, fog 101, drizzle 53, snow 26 (1,461 rows); now sun 640, rain 482, hail 159, fog 101,
  // drizzle 53 (1,435 rows). Jensen-Shannon distance over the six categories, base 2: 0.2631931 (bc -l) ≥ 0.1.
  const now = profiler.finish().columns.find((c) => c.name === 'weather')!;
  assert.ok(now.kind === 'categorical');
  assert.deepEqual(now.topValues.items, [
    ['sun', 640],
    ['rain', 482],
    ['hail', 159],
    ['fog', 101],
    ['drizzle', 53],
  ]);
  assert.ok(Math.abs(w.measures.jensenShannon! - 0.2631931) < 1e-6, String(w.measures.jensenShannon));
  assert.equal(w.drifted, true);
  const lenient = compareProfiles(reference, profiler.finish(), { thresholds: { jensenShannon: 0.3 } });
  assert.equal(lenient.columns.find((c) => c.column === 'weather')!.drifted, false, '0.263 < 0.3');
  assert.equal(lenient.options.thresholds.psi, 0.1, 'other thresholds keep their defaults');
});

test('a column that is entirely null now, or changed type, drifts as a finding of its own', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mlship-drift-'));
  writeFileSync(join(dir, 'ref.csv'), `a,b\n${Array.from({ length: 50 }, (_, i) => `${i},${i}`).join('\n')}\n`);
  writeFileSync(join(dir, 'now.csv'), `a,b\n${Array.from({ length: 50 }, (_, i) => `,x${i % 3}`).join('\n')}\n`);
  const reference = await profileBatches(readColumns(join(dir, 'ref.csv')));
  const report = compareProfiles(reference, await profileBatches(readColumns(join(dir, 'now.csv'))));
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [
      ['a', 'entirely null now', true],
      ['b', 'type changed to categorical', true],
    ],
  );
  assert.deepEqual(report.findings, [
    "column 'a' is entirely null now",
    "column 'b' changed type: numeric in the reference, categorical now",
  ]);
  assert.equal(report.datasetDrift, true);
});

test('dates as text (CSV) are a timestamp column: a new day is no drift', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mlship-drift-'));
  const rand = lcg(11);
  const rows = (days: string[], n: number) =>
    Array.from({ length: n }, () => `${days[Math.floor(rand() * days.length)]},${(100 + 30 * rand()).toFixed(2)}`).join(
      '\n',
    );
  writeFileSync(
    join(dir, 'ref.csv'),
    `event_date,amount\n${rows(
      Array.from({ length: 30 }, (_, d) => `2024-01-${String(d + 1).padStart(2, '0')}`),
      3000,
    )}\n`,
  );
  writeFileSync(join(dir, 'now.csv'), `event_date,amount\n${rows(['2024-03-05'], 1000)}\n`);
  const reference = await profileBatches(readColumns(join(dir, 'ref.csv')));
  const report = compareProfiles(reference, await profileBatches(readColumns(join(dir, 'now.csv')), { reference }));
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [
      ['event_date', 'timestamp column (time moves on)', false],
      ['amount', null, false],
    ],
  );
  assert.deepEqual(report.findings, []);
  assert.equal(report.datasetDrift, false);
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
  const reference = new DataProfiler();
  reference.update(batch(false, Date.UTC(2024, 0, 1)));
  const current = new DataProfiler();
  current.update(batch(true, Date.UTC(2024, 5, 1)));
  const report = compareProfiles(reference.finish(), current.finish());
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
  return profiler.finish();
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
