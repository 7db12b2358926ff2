// Drift statistics and verdicts at their edges, on inputs small enough to
// check by hand. Expected values come from SciPy 1.17 (`scipy.stats.chi2.sf`,
// `scipy.spatial.distance.jensenshannon(base=2)`) or from the formula written
// out in the comment, never from the code under test. Profiles are built in
// memory (no files, no engine), so these run in milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnBatch } from '../read/columns.ts';
import { DataProfiler } from '../profile/data-profiler.ts';
import type { Profile } from '../profile/profile-schema.ts';
import { compareProfiles, type ColumnDrift, type DriftReport } from './compare-profiles.ts';
import {
  chiSquareHomogeneity,
  chiSquareSurvival,
  jensenShannonDistance,
  ksPValue,
  populationStabilityIndex,
} from './drift-statistics.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected} ± ${tolerance}`);

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** A profile of numeric columns (NaN = null), with the exact counts the engine would add after the pass. */
function numericProfile(columns: Record<string, number[]>, reference?: Profile): Profile {
  const rowCount = Object.values(columns)[0]!.length;
  const batch: ColumnBatch = { rowCount, columns: new Map(), source: { file: 'x.csv', firstRow: 2 } };
  for (const [name, values] of Object.entries(columns)) {
    batch.columns.set(name, {
      kind: 'numeric',
      values: Float64Array.from(values, (v) => (Number.isNaN(v) ? 0 : v)),
      nulls: Uint8Array.from(values, (v) => (Number.isNaN(v) ? 1 : 0)),
      timestamp: false,
      invalid: { count: 0, samples: [] },
    });
  }
  const profiler = new DataProfiler(reference ? { reference } : {});
  profiler.update(batch);
  const points = new Map(
    [...profiler.exactCountRequest().points].map(([name, at]) => {
      const finite = columns[name]!.filter(Number.isFinite);
      const count = (keep: (v: number, x: number) => boolean) =>
        Array.from(at, (x) => finite.filter((v) => keep(v, x)).length);
      return [name, { points: at, below: count((v, x) => v < x), atOrBelow: count((v, x) => v <= x) }] as const;
    }),
  );
  return profiler.finish({ points, distinct: new Map() });
}

/** A profile of categorical columns, each given as its values' counts in row order (null: missing rows). */
function categoricalProfile(columns: Record<string, Record<string, number>>): Profile {
  const rowCount = Object.values(Object.values(columns)[0]!).reduce((a, b) => a + b, 0);
  const batch: ColumnBatch = { rowCount, columns: new Map(), source: { file: 'x.csv', firstRow: 2 } };
  for (const [name, counts] of Object.entries(columns)) {
    const dictionary = Object.keys(counts).filter((v) => v !== 'null');
    const codes = Int32Array.from(
      Object.keys(counts).flatMap((v) => Array<number>(counts[v]!).fill(v === 'null' ? -1 : dictionary.indexOf(v))),
    );
    assert.equal(codes.length, rowCount);
    batch.columns.set(name, { kind: 'categorical', codes, dictionary });
  }
  const profiler = new DataProfiler();
  profiler.update(batch);
  return profiler.finish({ points: new Map(), distinct: new Map() });
}

const column = (report: DriftReport, name: string): ColumnDrift => {
  const c = report.columns.find((x) => x.column === name);
  assert.ok(c, `no column ${name}`);
  return c;
};

test('PSI: a reference with no counts is read as uniform, 0.25 · ln 3 against [1, 3]', () => {
  // e = (½, ½), a = (¼, ¾): (¼ − ½)·ln(½) + (¾ − ½)·ln(3/2) = ¼·ln 3.
  close(populationStabilityIndex([0, 0], [1, 3]), 0.25 * Math.log(3));
  close(populationStabilityIndex([1, 3], [0, 0]), 0.25 * Math.log(3));
});

test('Jensen-Shannon: empty sides, a zero bin on one side, symmetry', () => {
  assert.equal(jensenShannonDistance([0, 0], [0, 0]), 0, 'two empty histograms are the same');
  assert.equal(jensenShannonDistance([0, 0], [1, 1]), 1, 'an empty side is as far as can be');
  assert.equal(jensenShannonDistance([1, 1], [0, 0]), 1);
  // jensenshannon([1, 0], [0.5, 0.5], base=2) = 0.5579230452841438; the zero bin adds nothing (0 · log 0 = 0).
  close(jensenShannonDistance([1, 0], [1, 1]), 0.5579230452841438, 1e-12);
  close(jensenShannonDistance([1, 1], [1, 0]), 0.5579230452841438, 1e-12);
  close(jensenShannonDistance([2, 0], [3, 3]), 0.5579230452841438, 1e-12);
});

test('KS p-value: Stephens-corrected Kolmogorov series on hand-checked inputs', () => {
  // n1 = n2 = 8: nₑ = 4, λ = (2 + 0.12 + 0.11/2)·0.5 = 1.0875; Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²) = 0.18768427419801334.
  close(ksPValue(0.5, 8, 8), 0.18768427419801334, 1e-12);
  // n1 = n2 = 100: nₑ = 50, λ = 0.720662416105158, Q = 0.6766201497002459.
  close(ksPValue(0.1, 100, 100), 0.6766201497002459, 1e-12);
  // scipy.special.kolmogorov(0.3) = 0.9999906941986655.
  const lambdaOf = (l: number) => l / (Math.sqrt(50) + 0.12 + 0.11 / Math.sqrt(50));
  close(ksPValue(lambdaOf(0.3), 100, 100), 0.9999906941986655, 1e-12);
  // Below λ = 0.2 the p-value is 1 (the series, cut at 100 terms, gave 0.078 at λ = 0.002).
  for (const l of [0.002, 0.02, 0.19]) assert.equal(ksPValue(lambdaOf(l), 100, 100), 1, `λ = ${l}`);
  // No difference, or no rows on a side, is no evidence.
  assert.equal(ksPValue(0, 100, 100), 1);
  assert.equal(ksPValue(0.5, 0, 100), 1);
  assert.equal(ksPValue(0.5, 100, 0), 1);
  // A difference that is all there is: p underflows to 0, never below.
  assert.equal(ksPValue(1, 1_000_000, 1_000_000), 0);
});

test('chi-square survival: both branches of the incomplete gamma, odd and even degrees of freedom (scipy.stats.chi2.sf)', () => {
  assert.equal(chiSquareSurvival(0, 3), 1);
  assert.equal(chiSquareSurvival(-1, 3), 1);
  const cases: [number, number, number][] = [
    [1, 2, 0.6065306597126334], // e^(−½), series (x/2 < a + 1)
    [10, 2, 0.006737946999085468], // e^(−5), continued fraction
    [2, 4, 0.7357588823428847], // 2/e
    [12, 4, 0.01735126523666451], // 7 e^(−6)
    [1, 1, 0.31731050786291115], // erfc(√½)
    [3, 3, 0.3916251762710877],
    [0.5, 5, 0.9921232932326296],
    [30, 7, 9.495972508134177e-5],
    // Far in the tail, where 1 − (series) would cancel to nothing: the continued fraction keeps the digits.
    [100, 10, 5.4497019829205215e-17],
    [200, 2, 3.7200759760208177e-44], // e^(−100)
  ];
  // Relative to p in the tail, where an absolute 1e-12 would accept 0.
  for (const [x, df, p] of cases) close(chiSquareSurvival(x, df), p, p < 1e-9 ? 1e-9 * p : 1e-12 + 1e-9 * p);
});

test('chi-square homogeneity: a 2 × 2 and a 2 × 3 table by hand, empty categories left out', () => {
  // [10, 20] vs [20, 10]: expected 15 everywhere, χ² = 4·25/15 = 20/3, df 1, V = √(χ²/60) = 1/3.
  const t = chiSquareHomogeneity([10, 20], [20, 10]);
  close(t.chiSquare, 20 / 3, 1e-12);
  assert.equal(t.df, 1);
  close(t.pValue, 0.009823274507519235, 1e-12);
  close(t.cramersV, 1 / 3, 1e-12);
  // A category empty on both sides is no category: the same test, no division by zero.
  assert.deepEqual(chiSquareHomogeneity([10, 20, 0], [20, 10, 0]), t);
  // [10, 20, 30] vs [30, 20, 10]: expected 20 everywhere, χ² = 4·100/20 = 20, df 2, p = e^(−10), V = √(20/120).
  const three = chiSquareHomogeneity([10, 20, 30], [30, 20, 10]);
  close(three.chiSquare, 20, 1e-12);
  assert.equal(three.df, 2);
  close(three.pValue, Math.exp(-10), 1e-15);
  close(three.cramersV, Math.sqrt(20 / 120), 1e-12);
  // No rows at all: nothing to test.
  assert.deepEqual(chiSquareHomogeneity([0, 0], [0, 0]), { chiSquare: 0, df: 1, pValue: 1, cramersV: 0 });
});

test('chi-square slack shrinks each deviation by the bound and never turns it around', () => {
  // [520, 480] vs [480, 520]: every deviation is 20; slack 10 leaves 10: χ² = 4·10²/500 = 0.8.
  const t = chiSquareHomogeneity([520, 480], [480, 520], 10);
  close(t.chiSquare, 0.8, 1e-12);
  close(t.pValue, 0.37109336952269756, 1e-12);
  // A slack beyond the deviation is no evidence, not negative evidence.
  assert.equal(chiSquareHomogeneity([520, 480], [480, 520], 25).chiSquare, 0);
});

test('numeric drift: 1..100 against 11..110, every measure by hand', () => {
  const reference = numericProfile({ x: range(1, 100) });
  const current = numericProfile({ x: range(11, 100) }, reference);
  const c = column(compareProfiles(reference, current), 'x');
  // The reference's decile cuts 10, 20, …, 90; the current puts 0 in the first bin and 20 in the last.
  assert.deepEqual(c.bins.labels, [
    '<= 10',
    '(10, 20]',
    '(20, 30]',
    '(30, 40]',
    '(40, 50]',
    '(50, 60]',
    '(60, 70]',
    '(70, 80]',
    '(80, 90]',
    '> 90',
  ]);
  assert.deepEqual(c.bins.reference, Array(10).fill(0.1));
  assert.deepEqual(c.bins.current, [0, ...Array(8).fill(0.1), 0.2]);
  assert.deepEqual([c.kind, c.skipped, c.method, c.test], ['numeric', null, 'psi', 'ks-bounded']);
  // PSI of (0.1 × 10) vs (0, 0.1 × 8, 0.2) with the empty bin lifted to 1e-4: 0.7593856779395002.
  close(c.measures.psi!, 0.7593856779395002, 1e-12);
  close(c.effect, c.measures.psi!, 0);
  assert.equal(c.threshold, 0.1);
  // The empirical CDFs differ by 10/100 from 1 to 100.
  close(c.measures.ks!, 0.1, 1e-12);
  // The shift is 10, the reference's sample σ √(100·101/12) = 29.0115: 0.34469099377285567.
  close(c.measures.wasserstein!, 0.34469099377285567, 1e-12);
  close(c.measures.jensenShannon!, 0.2495107710938078, 1e-12);
  // KS at D = 0.1 with 100 rows a side: p = 0.6766 (above); a large effect that is not significant does not drift.
  close(c.pValue, 0.6766201497002459, 1e-12);
  close(c.qValue, c.pValue, 0);
  assert.deepEqual([c.referenceCount, c.currentCount, c.drifted], [100, 100, false]);
});

test('numeric drift: each method decides with its own measure and threshold', () => {
  const reference = numericProfile({ x: range(1, 100) });
  const current = numericProfile({ x: range(11, 100) }, reference);
  const by = (numericMethod: 'psi' | 'ks' | 'wasserstein' | 'jensen-shannon') =>
    column(
      compareProfiles(reference, current, {
        numericMethod,
        thresholds: { psi: 0.5, ks: 0.05, wasserstein: 0.3, jensenShannon: 0.2 },
      }),
      'x',
    );
  assert.deepEqual(
    (['psi', 'ks', 'wasserstein', 'jensen-shannon'] as const).map((m) => [m, by(m).effect, by(m).threshold]),
    [
      ['psi', by('psi').measures.psi, 0.5],
      ['ks', by('ks').measures.ks, 0.05],
      ['wasserstein', by('wasserstein').measures.wasserstein, 0.3],
      ['jensen-shannon', by('jensen-shannon').measures.jensenShannon, 0.2],
    ],
  );
  close(by('ks').effect, 0.1, 1e-12);
  close(by('wasserstein').effect, 0.34469099377285567, 1e-12);
});

test('numeric drift: the exact KS statistic decides the test when given; without it the bounded one', () => {
  const reference = numericProfile({ x: range(1, 100) });
  const current = numericProfile({ x: range(11, 100) }, reference);
  const exact = column(compareProfiles(reference, current, { numericMethod: 'ks' }, new Map([['x', 0.5]])), 'x');
  assert.equal(exact.test, 'ks-exact');
  assert.equal(exact.measures.ks, 0.5);
  assert.equal(exact.effect, 0.5);
  // λ = (√50 + 0.12 + 0.11/√50)·0.5 = 3.60331: Q(λ) = 2e^(−2λ²) − … = 1.1226e-11.
  close(exact.pValue, ksPValue(0.5, 100, 100), 0);
  assert.ok(exact.pValue < 1e-10, String(exact.pValue));
  assert.equal(exact.drifted, true);
  // An exact statistic for another column changes nothing here.
  assert.equal(column(compareProfiles(reference, current, {}, new Map([['y', 0.5]])), 'x').test, 'ks-bounded');
});

test('numeric drift: a constant reference has no spread; any shift is an infinite Wasserstein, none is 0', () => {
  const reference = numericProfile({ x: Array(50).fill(7) });
  const same = column(compareProfiles(reference, numericProfile({ x: Array(50).fill(7) }, reference)), 'x');
  assert.equal(same.measures.wasserstein, 0);
  assert.deepEqual(same.bins.labels, ['<= 7', '> 7']);
  const moved = column(compareProfiles(reference, numericProfile({ x: Array(50).fill(8) }, reference)), 'x');
  assert.equal(moved.measures.wasserstein, Number.POSITIVE_INFINITY);
});

test('numeric drift: cuts that are not integers are labelled with four significant digits', () => {
  const reference = numericProfile({ x: range(1, 100).map((v) => v / 3) });
  const c = column(compareProfiles(reference, numericProfile({ x: range(1, 100).map((v) => v / 3) }, reference)), 'x');
  // Deciles of k/3: 10/3, 20/3, …
  assert.equal(c.bins.labels[0], '<= 3.333');
  assert.equal(c.bins.labels[1], '(3.333, 6.667]');
  assert.equal(c.bins.labels.at(-1), '> 30');
  assert.equal(c.measures.psi, 0);
});

test('numeric drift: a column without finite values on either side is not compared', () => {
  const reference = numericProfile({ x: range(1, 20), y: [...Array(19).fill(Number.NaN), 1] });
  const current = numericProfile({ x: [...Array(19).fill(Number.NaN), 1], y: range(1, 20) }, reference);
  // One finite value on a side is enough to compare.
  assert.deepEqual(
    compareProfiles(reference, current).columns.map((c) => [c.column, c.skipped]),
    [
      ['x', null],
      ['y', null],
    ],
  );
  const infinite = numericProfile({ x: Array(20).fill(Number.POSITIVE_INFINITY) });
  assert.deepEqual(
    compareProfiles(reference, infinite).columns.map((c) => [c.column, c.kind, c.skipped, c.drifted]),
    [['x', 'numeric', 'no finite values to compare', false]],
  );
  assert.deepEqual(
    compareProfiles(infinite, reference).columns.map((c) => [c.column, c.skipped, c.drifted]),
    [['x', 'no finite values to compare', false]],
  );
});

test('categorical drift: 15/15 → 23/7 by each method, with the pooled "other" bin', () => {
  const reference = categoricalProfile({ plan: { basic: 15, pro: 15 } });
  const current = categoricalProfile({ plan: { basic: 23, pro: 7 } });
  const c = column(compareProfiles(reference, current, { alpha: 0.1 }), 'plan');
  assert.deepEqual([c.kind, c.skipped, c.method, c.test], ['categorical', null, 'jensen-shannon', 'chi-square']);
  // Counts [15, 15, 0] vs [23, 7, 0] (the last is "other", beyond the top values: none here).
  close(c.measures.jensenShannon!, 0.23704381420225862, 1e-12);
  close(c.measures.psi!, 0.3171906987631467, 1e-12);
  close(c.measures.chiSquare!, 4.5933014354066986, 1e-12);
  close(c.measures.cramersV!, 0.27668578554642986, 1e-12);
  close(c.pValue, 0.032097132262014126, 1e-9);
  // One column: q = p.
  close(c.qValue, c.pValue, 0);
  assert.deepEqual([c.referenceCount, c.currentCount, c.drifted], [30, 30, true]);
  assert.deepEqual(c.bins, { labels: ['basic', 'pro'], reference: [0.5, 0.5], current: [23 / 30, 7 / 30] });
  // No category came or went: no change to list.
  assert.deepEqual(compareProfiles(reference, current).categoryChanges, []);
  const psi = column(compareProfiles(reference, current, { categoricalMethod: 'psi', alpha: 0.1 }), 'plan');
  assert.deepEqual([psi.method, psi.effect, psi.threshold], ['psi', psi.measures.psi, 0.1]);
  const v = column(
    compareProfiles(reference, current, { categoricalMethod: 'cramers-v', thresholds: { cramersV: 0.3 }, alpha: 0.1 }),
    'plan',
  );
  assert.deepEqual([v.method, v.effect, v.threshold, v.drifted], ['cramers-v', v.measures.cramersV, 0.3, false]);
});

test('a column drifts at exactly its threshold and at exactly alpha, not a hair beyond either', () => {
  const reference = categoricalProfile({ plan: { basic: 15, pro: 15 } });
  const current = categoricalProfile({ plan: { basic: 23, pro: 7 } });
  const measured = column(compareProfiles(reference, current, { alpha: 0.1 }), 'plan');
  const at = (jensenShannon: number, alpha: number) =>
    column(compareProfiles(reference, current, { thresholds: { jensenShannon }, alpha }), 'plan').drifted;
  assert.equal(at(measured.effect, 0.1), true, 'effect = threshold drifts');
  assert.equal(at(measured.effect * (1 + 1e-12), 0.1), false, 'effect below the threshold does not');
  assert.equal(at(0.1, measured.qValue), true, 'q = alpha drifts');
  assert.equal(at(0.1, measured.qValue * (1 - 1e-12)), false, 'q above alpha does not');
});

test('data set drift at exactly the share of drifted columns, counted over compared columns only', () => {
  const moved = { basic: 23, pro: 7 };
  const still = { basic: 15, pro: 15 };
  const reference = categoricalProfile({ a: still, b: still, c: still, id: still });
  const current = categoricalProfile({ a: moved, b: moved, c: still, id: moved });
  // a and b drift, c does not, id is ignored.
  const report = compareProfiles(reference, current, { alpha: 0.2, ignore: ['id'], datasetDriftShare: 2 / 3 });
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [
      ['a', null, true],
      ['b', null, true],
      ['c', null, false],
      ['id', 'ignored by configuration', false],
    ],
  );
  assert.deepEqual([report.comparedCount, report.driftedCount], [3, 2]);
  close(report.driftedShare, 2 / 3, 0);
  assert.equal(report.datasetDrift, true, '2 of 3 at a share of 2/3');
  assert.equal(
    compareProfiles(reference, current, { alpha: 0.2, ignore: ['id'], datasetDriftShare: 0.67 }).datasetDrift,
    false,
  );
  // Benjamini-Hochberg over three p-values: p(a) = p(b) = 0.0321, p(c) = 1: q(a) = q(b) = 0.0321 · 3/2.
  close(column(report, 'a').qValue, 0.032097132262014126 * 1.5, 1e-9);
  assert.equal(column(report, 'c').qValue, 1);
  // A column not compared carries no measure and no verdict.
  assert.deepEqual(column(report, 'id'), {
    column: 'id',
    kind: 'categorical',
    skipped: 'ignored by configuration',
    method: '',
    effect: 0,
    threshold: 0,
    measures: {},
    pValue: 1,
    test: 'none',
    qValue: 1,
    drifted: false,
    referenceCount: 0,
    currentCount: 0,
    newCategories: [],
    newCategoryShare: 0,
    vanishedCategories: [],
    bins: { labels: [], reference: [], current: [] },
  });
  // Nothing compared: no share, no data set drift.
  const none = compareProfiles(reference, current, { ignore: ['a', 'b', 'c', 'id'] });
  assert.deepEqual([none.comparedCount, none.driftedCount, none.driftedShare, none.datasetDrift], [0, 0, 0, false]);
});

test('columns missing now and new columns are listed; a missing one is a warning', () => {
  const reference = categoricalProfile({ a: { x: 5 }, gone: { x: 5 } });
  const current = categoricalProfile({ a: { x: 5 }, fresh: { y: 5 } });
  const report = compareProfiles(reference, current);
  assert.deepEqual(report.missingColumns, ['gone']);
  assert.deepEqual(report.newColumns, ['fresh']);
  assert.deepEqual(report.warnings, ["column 'gone' of the reference is missing"]);
  assert.deepEqual(report.findings, ["column 'gone' of the reference is missing"]);
  assert.deepEqual(
    report.columns.map((c) => c.column),
    ['a'],
  );
});

test('a column null in both, or null only in the reference, is not "entirely null now"', () => {
  const reference = categoricalProfile({ a: { null: 10 }, b: { null: 10 }, c: { x: 10 } });
  const current = categoricalProfile({ a: { null: 10 }, b: { x: 10 }, c: { null: 10 } });
  const report = compareProfiles(reference, current);
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.kind, c.skipped, c.drifted]),
    [
      ['a', 'categorical', 'no values to compare', false],
      ['b', 'categorical', 'no values to compare', false],
      ['c', 'categorical', 'entirely null now', true],
    ],
  );
  assert.deepEqual(report.warnings, ["column 'c' is entirely null now"]);
  // The drifted skipped column counts as compared: 1 of 1.
  assert.deepEqual([report.comparedCount, report.driftedCount, report.datasetDrift], [1, 1, true]);
});

test('identifier-like columns: skipped only past 100 distinct values and half the rows', () => {
  const distinct = (n: number, extra: number) =>
    Object.fromEntries([...range(0, n).map((i) => [`id${i}`, 1]), ['id0', 1 + extra]]);
  // 101 distinct values in 202 rows: not more than half; in 201 rows: more than half.
  const half = categoricalProfile({ c: distinct(101, 101) });
  const most = categoricalProfile({ c: distinct(101, 100) });
  const few = categoricalProfile({ c: distinct(100, 0) });
  assert.equal(half.columns[0]!.kind === 'categorical' && half.columns[0]!.distinctEstimate, 101);
  assert.equal(column(compareProfiles(half, half), 'c').skipped, null);
  assert.deepEqual(
    [column(compareProfiles(most, most), 'c').kind, column(compareProfiles(most, most), 'c').skipped],
    ['categorical', 'identifier-like (most values distinct)'],
  );
  assert.equal(column(compareProfiles(few, few), 'c').skipped, null, '100 distinct values of 100 rows');
});

test('dates as text are skipped only when every value of the reference is one', () => {
  const dates = categoricalProfile({ d: { '2024-01-01': 3, '2024-01-02': 3 } });
  const mixed = categoricalProfile({ d: { '2024-01-01': 3, soon: 3 } });
  assert.deepEqual(
    [column(compareProfiles(dates, dates), 'd').kind, column(compareProfiles(dates, dates), 'd').skipped],
    ['categorical', 'timestamp column (time moves on)'],
  );
  assert.equal(column(compareProfiles(mixed, mixed), 'd').skipped, null);
});

test('one new and one vanished category: singular wording, counts and shares', () => {
  const reference = categoricalProfile({ c: { a: 6, b: 3, gone: 1 } });
  const current = categoricalProfile({ c: { a: 6, b: 2, fresh: 1, null: 1 } });
  const report = compareProfiles(reference, current);
  const c = column(report, 'c');
  assert.deepEqual(c.newCategories, [{ value: 'fresh', count: 1, share: 1 / 9 }]);
  close(c.newCategoryShare, 1 / 9, 0);
  assert.deepEqual(c.vanishedCategories, [{ value: 'gone', count: 1, share: 1 / 10 }]);
  assert.deepEqual(report.findings, [
    "'c': 1 new category, 1 row now: fresh (1 row)",
    "'c': 1 category of the reference no longer occurs (1 row there): gone (1 row)",
  ]);
  assert.deepEqual(report.categoryChanges, [
    {
      column: 'c',
      newCategories: c.newCategories,
      newRows: 1,
      vanishedCategories: c.vanishedCategories,
      vanishedRows: 1,
    },
  ]);
  assert.deepEqual(report.warnings, [], 'new and vanished categories are information, not warnings');
  // Bins: the top categories by their count on both sides, shares of each side's non-null rows.
  assert.deepEqual(c.bins.labels, ['a', 'b', 'gone', 'fresh']);
  assert.deepEqual(c.bins.reference, [0.6, 0.3, 0.1, 0]);
  assert.deepEqual(c.bins.current, [6 / 9, 2 / 9, 0, 1 / 9]);
});

test('two vanished categories: plural wording and their rows summed', () => {
  const reference = categoricalProfile({ c: { a: 10, x: 2, y: 3 } });
  const current = categoricalProfile({ c: { a: 10 } });
  assert.deepEqual(compareProfiles(reference, current).findings, [
    "'c': 2 categories of the reference no longer occur (5 rows there): y (3 rows), x (2 rows)",
  ]);
  const back = compareProfiles(current, reference);
  assert.deepEqual(back.findings, ["'c': 2 new categories, 5 rows now: y (3 rows), x (2 rows)"]);
});

test('current data with no rows at all is not "entirely null now": there is nothing to compare', () => {
  const reference = numericProfile({ x: range(1, 20) });
  const empty = numericProfile({ x: [] }, reference);
  const report = compareProfiles(reference, empty);
  assert.deepEqual(
    report.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [['x', 'no finite values to compare', false]],
  );
  assert.deepEqual(report.warnings, []);
  const categories = compareProfiles(categoricalProfile({ c: { a: 3 } }), categoricalProfile({ c: { a: 0 } }));
  assert.deepEqual(
    categories.columns.map((c) => [c.column, c.skipped, c.drifted]),
    [['c', 'no values to compare', false]],
  );
});

test('one category on both sides is one degree of freedom and no evidence', () => {
  assert.deepEqual(chiSquareHomogeneity([5, 0], [7, 0]), { chiSquare: 0, df: 1, pValue: 1, cramersV: 0 });
});

test('without shared cuts, the current bins are counted from its own summary at the reference cuts', () => {
  const reference = numericProfile({ x: range(1, 100) });
  const alone = numericProfile({ x: range(11, 100) });
  assert.notDeepEqual(
    alone.columns[0]!.kind === 'numeric' && alone.columns[0]!.histogram!.cuts,
    [10, 20, 30, 40, 50, 60, 70, 80, 90],
  );
  const c = column(compareProfiles(reference, alone), 'x');
  assert.deepEqual(c.bins.current, [0, ...Array(8).fill(0.1), 0.2]);
  close(c.measures.psi!, 0.7593856779395002, 1e-12);
});

test('bins: at most 20 categories, the most frequent on both sides together first', () => {
  // v_i has 10 + i rows before and 40 − i now, 50 together: a tie everywhere keeps the first-seen order.
  const reference = categoricalProfile({ c: Object.fromEntries(range(0, 25).map((i) => [`v${i}`, 10 + i])) });
  const current = categoricalProfile({ c: Object.fromEntries(range(0, 25).map((i) => [`v${i}`, 40 - i])) });
  const tied = column(compareProfiles(reference, current), 'c').bins.labels;
  assert.equal(tied.length, 20);
  assert.deepEqual(new Set(tied).size, 20);
  // By rows on both sides together (r 10, p 8, q 6), not by the reference's order (p, q, r).
  const before = categoricalProfile({ c: { p: 6, q: 5, r: 1 } });
  const after = categoricalProfile({ c: { r: 9, p: 2, q: 1 } });
  assert.deepEqual(column(compareProfiles(before, after), 'c').bins.labels, ['r', 'p', 'q']);
  // p has 1 + 9 rows, q 9 + 0: p first, though the reference lists q first.
  const rare = categoricalProfile({ c: { p: 1, q: 9 } });
  const common = categoricalProfile({ c: { p: 9 } });
  assert.deepEqual(column(compareProfiles(rare, common), 'c').bins.labels, ['p', 'q']);
  const skewed = categoricalProfile({ c: Object.fromEntries(range(0, 25).map((i) => [`v${i}`, i + 1])) });
  const labels = column(compareProfiles(skewed, skewed), 'c').bins.labels;
  assert.deepEqual(
    labels,
    range(0, 20).map((i) => `v${24 - i}`),
  );
  assert.deepEqual(column(compareProfiles(skewed, skewed), 'c').bins.reference.slice(0, 2), [25 / 325, 24 / 325]);
});

test('a reference beyond its top values’ capacity: no category is called new, and the test allows for the sketch’s error', () => {
  // 1,100 values twice each: more than the 1,000 the profile keeps exactly, not identifier-like (1,100 of 2,200 rows).
  const many = Object.fromEntries(range(0, 1100).map((i) => [`v${i}`, 2]));
  const reference = categoricalProfile({ c: many });
  const current = categoricalProfile({ c: { v0: 2, brand_new: 2 } });
  const c = column(compareProfiles(reference, current), 'c');
  assert.equal(c.test, 'chi-square-bounded');
  // The sketch kept none of 1,100 equal values: all 2,200 reference rows are pooled as "other",
  // [0, 0, 2200] against [2, 2, 0]: disjoint, and PSI (empty bins lifted to 1e-4) 17.722216189540564.
  assert.equal(c.measures.jensenShannon, 1);
  close(c.measures.psi!, 17.722216189540564, 1e-9);
  assert.deepEqual(c.newCategories, [], 'a value the reference dropped is not new');
  assert.equal(c.newCategoryShare, 0);
  const back = column(compareProfiles(current, reference), 'c');
  assert.deepEqual(back.vanishedCategories, [], 'the current keeps only some values: none is known to have vanished');
  assert.equal(back.test, 'chi-square-bounded');
  // PSI is symmetric in its sides: the current's pooled "other" bin gives the same value.
  close(back.measures.psi!, 17.722216189540564, 1e-9);
});

test('row counts in findings are written with thousands separators', () => {
  const reference = categoricalProfile({ c: { a: 1500, gone: 1500 } });
  const current = categoricalProfile({ c: { a: 1500 } });
  assert.deepEqual(compareProfiles(reference, current).findings, [
    "'c': 1 category of the reference no longer occurs (1,500 rows there): gone (1,500 rows)",
  ]);
});

test('a timestamp column is skipped as a numeric column whose time moves on', () => {
  const stamps = (start: number): Profile => {
    const profiler = new DataProfiler();
    const values = Float64Array.from(range(0, 10), (i) => start + i * 60_000);
    profiler.update({
      rowCount: 10,
      columns: new Map([
        [
          't',
          { kind: 'numeric', values, nulls: new Uint8Array(10), timestamp: true, invalid: { count: 0, samples: [] } },
        ],
      ]),
      source: { file: 'x.parquet', firstRow: 1 },
    });
    return profiler.finish({ points: new Map(), distinct: new Map() });
  };
  const c = column(compareProfiles(stamps(Date.UTC(2024, 0, 1)), stamps(Date.UTC(2024, 5, 1))), 't');
  assert.deepEqual([c.kind, c.skipped, c.drifted], ['numeric', 'timestamp column (time moves on)', false]);
});
