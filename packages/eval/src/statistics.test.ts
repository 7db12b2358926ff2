import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discordantPairs, mcnemarTest } from './mcnemar.ts';
import { rejectedHypotheses } from './multiple-testing.ts';
import { pairedBootstrap, quantile, DEFAULT_BOOTSTRAP } from './bootstrap.ts';
import { buildPairedCache, pairedMetrics } from './paired-data.ts';
import type { PairedClassification, PairedData } from './paired-data.ts';
import type { BootstrapOptions } from './bootstrap.ts';
import { seededRandom } from './random.ts';
import { rowsToDecide } from './gates.ts';

test('McNemar: exact binomial for few discordant pairs (10 vs 0 → p = 2·0.5¹⁰)', () => {
  const r = mcnemarTest(10, 0);
  assert.equal(r.method, 'exact');
  assert.ok(Math.abs(r.pValue - 2 * 0.5 ** 10) < 1e-12);
  assert.equal(mcnemarTest(3, 3).pValue, 1);
});

test('McNemar: the exact tail sums every term up to the smaller count (2 vs 8 → p = 2·56/1024, R binom.test)', () => {
  // P(X ≤ 2), X ~ Binomial(10, ½) = (1 + 10 + 45)/1024; two-sided: 0.109375.
  assert.deepEqual(mcnemarTest(2, 8), { baselineOnly: 2, candidateOnly: 8, method: 'exact', pValue: 112 / 1024 });
  assert.equal(mcnemarTest(8, 2).pValue, 112 / 1024);
  assert.deepEqual(mcnemarTest(0, 0), { baselineOnly: 0, candidateOnly: 0, method: 'exact', pValue: 1 });
  // 24 discordant pairs are still exact; 25 switch to chi-square.
  assert.equal(mcnemarTest(12, 12).method, 'exact');
  assert.equal(mcnemarTest(12, 13).method, 'chi-square');
});

test('McNemar counts only the rows where one model is right and the other wrong', () => {
  const truth = Int32Array.of(0, 1, 1, 0, 2, 2, 1);
  const baseline = Int32Array.of(0, 1, 0, 1, 2, 1, 1);
  const candidate = Int32Array.of(1, 1, 1, 1, 0, 2, 1);
  // Rows 0 and 4: baseline only; rows 2 and 5: candidate only; row 1 and 6 both right, row 3 both wrong.
  assert.deepEqual(discordantPairs(truth, baseline, candidate), { baselineOnly: 2, candidateOnly: 2 });
  assert.deepEqual(discordantPairs(truth, baseline, baseline), { baselineOnly: 0, candidateOnly: 0 });
});

test('McNemar: chi-square with continuity correction (30 vs 10 → χ² 9.025, p 0.00266)', () => {
  const r = mcnemarTest(30, 10);
  assert.equal(r.method, 'chi-square');
  assert.equal(r.statistic, 9.025);
  assert.ok(Math.abs(r.pValue - 0.002663) < 2e-5, String(r.pValue));
  assert.deepEqual(mcnemarTest(10, 30), { ...r, baselineOnly: 10, candidateOnly: 30 });
  // (|13 − 12| − 1)²/25 = 0: no evidence at all.
  assert.deepEqual([mcnemarTest(13, 12).statistic, mcnemarTest(13, 12).pValue], [0, 1]);
});

test('Holm rejects step-down, Benjamini-Hochberg step-up', () => {
  assert.deepEqual(rejectedHypotheses([0.01, 0.04, 0.03], 0.05, 'holm'), [true, false, false]);
  assert.deepEqual(rejectedHypotheses([0.01, 0.04, 0.03], 0.05, 'benjamini-hochberg'), [true, true, true]);
  assert.deepEqual(rejectedHypotheses([0.2, 0.5], 0.05, 'holm'), [false, false]);
  // Both step in order of the p-values, whatever the input order.
  assert.deepEqual(rejectedHypotheses([0.03, 0.01], 0.05, 'holm'), [true, true]);
  assert.deepEqual(rejectedHypotheses([0.04, 0.03, 0.01], 0.1, 'holm'), [true, true, true]);
  assert.deepEqual(rejectedHypotheses([0.06, 0.2, 0.01], 0.1, 'benjamini-hochberg'), [true, false, true]);
});

test('Benjamini-Hochberg is step-up: [0.02, 0.021] at 0.025 rejects both (R: p.adjust(c(0.02, 0.021), "BH") = 0.021, 0.021)', () => {
  // p(2) = 0.021 ≤ 2·0.025/2 = 0.025, so both are rejected, although p(1) = 0.02 > 1·0.025/2 = 0.0125.
  assert.deepEqual(rejectedHypotheses([0.02, 0.021], 0.025, 'benjamini-hochberg'), [true, true]);
  assert.deepEqual(rejectedHypotheses([0.021, 0.02], 0.025, 'benjamini-hochberg'), [true, true]);
  assert.deepEqual(rejectedHypotheses([0.02, 0.0251], 0.025, 'benjamini-hochberg'), [false, false]);
  // Holm at the same level stops at once: 0.02 > 0.025/2.
  assert.deepEqual(rejectedHypotheses([0.02, 0.021], 0.025, 'holm'), [false, false]);
  // Step-up's boundary is inclusive too: p(2) = 2·0.025/2 rejects both.
  assert.deepEqual(rejectedHypotheses([0.02, 0.025], 0.025, 'benjamini-hochberg'), [true, true]);
  // Holm's boundaries are inclusive: p(1) = α/2 and p(2) = α are both rejected (p.adjust "holm": 0.025, 0.025).
  assert.deepEqual(rejectedHypotheses([0.0125, 0.025], 0.025, 'holm'), [true, true]);
  assert.deepEqual(rejectedHypotheses([], 0.05, 'holm'), []);
});

test('percentiles interpolate between order statistics (type 7): the median of 1..5 is 3, q = 1 the maximum', () => {
  const oneToFive = Float64Array.of(1, 2, 3, 4, 5);
  assert.equal(quantile(oneToFive, 0.5), 3);
  assert.equal(quantile(oneToFive, 1), 5);
  assert.equal(quantile(oneToFive, 0), 1);
  // (5 − 1)·0.1 = 0.4 → 1 + 0.4·(2 − 1) = 1.4 (R: quantile(1:5, 0.1) = 1.4).
  assert.equal(quantile(oneToFive, 0.1), 1.4);
  // 1..1001: position (1001 − 1)·0.975 = 975 → the 976th value, 976; 0.025 → position 25 → 26.
  const oneTo1001 = Float64Array.from({ length: 1001 }, (_, i) => i + 1);
  assert.equal(quantile(oneTo1001, 0.975), 976);
  assert.equal(quantile(oneTo1001, 0.025), 26);
  assert.equal(quantile(Float64Array.of(7), 0.975), 7);
  assert.ok(Number.isNaN(quantile(new Float64Array(0), 0.5)));
});

const bootstrap = (data: PairedData, options: BootstrapOptions) =>
  pairedBootstrap(data, pairedMetrics(data), options, buildPairedCache(data));

/** Two classifiers on n rows: the baseline right with p 0.9; the candidate disagrees on ~10% of rows. */
function synthetic(n: number, seed: number): PairedClassification {
  const random = seededRandom(seed);
  const truth = new Int32Array(n);
  const base = new Int32Array(n);
  const cand = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = random() < 0.5 ? 1 : 0;
    base[i] = random() < 0.9 ? truth[i]! : 1 - truth[i]!;
    cand[i] = random() < 0.1 ? 1 - base[i]! : base[i]!;
  }
  return {
    task: 'classification',
    classes: ['0', '1'],
    truth,
    baseline: { predicted: base },
    candidate: { predicted: cand },
  };
}

/** The textbook standard error of a paired accuracy difference. */
function analyticSe(data: PairedClassification): number {
  const n = data.truth.length;
  let d = 0;
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    const x =
      Number(data.candidate.predicted[i] === data.truth[i]) - Number(data.baseline.predicted[i] === data.truth[i]);
    d += x;
    d2 += x * x;
  }
  return Math.sqrt((d2 / n - (d / n) ** 2) / n);
}

test('the bootstrap is reproducible under a seed and changes with it', () => {
  const data = synthetic(2000, 1);
  const full = pairedMetrics(data);
  const options = { ...DEFAULT_BOOTSTRAP, replicates: 200, seed: 7 };
  const a = bootstrap(data, options).comparisons.find((c) => c.metric === 'accuracy')!;
  const b = bootstrap(data, options).comparisons.find((c) => c.metric === 'accuracy')!;
  const c = bootstrap(data, { ...options, seed: 8 }).comparisons.find((x) => x.metric === 'accuracy')!;
  assert.deepEqual(a.deltaCi, b.deltaCi);
  assert.notDeepEqual(a.deltaCi, c.deltaCi);
});

test('bootstrap standard error of Δ accuracy matches the analytic paired value, exact and subsampled', () => {
  for (const [n, maxRows] of [
    [5000, 20_000],
    [200_000, 10_000],
  ] as const) {
    const data = synthetic(n, 3);
    const boot = bootstrap(data, { ...DEFAULT_BOOTSTRAP, replicates: 400, maxRows });
    const acc = boot.comparisons.find((c) => c.metric === 'accuracy')!;
    const se = analyticSe(data);
    const ratio = acc.deltaSe / se;
    assert.ok(ratio > 0.85 && ratio < 1.15, `n=${n}: bootstrap se / analytic se = ${ratio}`);
    // The 95% percentile interval of a near-normal statistic reaches z₀.₉₇₅·se = 1.96·se to each side.
    const below = (acc.delta - acc.deltaCi[0]) / (1.959964 * se);
    const above = (acc.deltaCi[1] - acc.delta) / (1.959964 * se);
    assert.ok(below > 0.85 && below < 1.15 && above > 0.85 && above < 1.15, `n=${n}: ${below}, ${above}`);
    assert.equal(boot.resampledRows, Math.min(n, maxRows));
  }
});

test('rows to decide reproduce the paired sample size for 0.90 → 0.88 accuracy with 10% disagreement: about 1,960 pairs', () => {
  // Paired accuracy difference: se² ≈ p_disagree / n. With 10% disagreement measured on 500 rows,
  // detecting a 0.02 drop (α 0.05 two-sided, 80% power) needs (1.96 + 0.84)²·0.1/0.02² ≈ 1,962 pairs.
  const n = 500;
  assert.equal(rowsToDecide(n, Math.sqrt(0.1 / n), 0.02, 0.025), 1963);
  assert.equal(rowsToDecide(n, Math.sqrt(0.1 / n), 0, 0.025), undefined);
});

test('bootstrap: intervals of the candidate metric itself, and replicates that cannot compute a metric are left out', () => {
  const data = synthetic(4000, 5);
  const full = pairedMetrics(data);
  const boot = bootstrap(data, { ...DEFAULT_BOOTSTRAP, replicates: 1000 });
  assert.deepEqual([boot.rows, boot.resampledRows], [4000, 4000]);
  const acc = boot.comparisons.find((c) => c.metric === 'accuracy')!;
  // Accuracy p̂ of n rows has se √(p̂(1 − p̂)/n); the 95% interval reaches 1.96·se to each side.
  const p = acc.candidate;
  const se = Math.sqrt((p * (1 - p)) / 4000);
  for (const side of [p - acc.candidateCi[0], acc.candidateCi[1] - p]) {
    const ratio = side / (1.959964 * se);
    assert.ok(ratio > 0.85 && ratio < 1.15, String(ratio));
  }
  assert.equal(acc.candidateReplicates.length, 1000);
  assert.equal(acc.deltaReplicates.length, 1000);
  // Sorted, so the percentiles are read from order statistics.
  assert.ok(acc.deltaReplicates.every((v, i, a) => i === 0 || a[i - 1]! <= v));
  assert.deepEqual(acc.deltaCi, [quantile(acc.deltaReplicates, 0.025), quantile(acc.deltaReplicates, 0.975)]);

  // Six rows, one positive: most replicates draw no positive and have no ROC AUC.
  const tiny: PairedClassification = {
    task: 'classification',
    classes: ['0', '1'],
    truth: Int32Array.of(0, 0, 0, 0, 0, 1),
    baseline: {
      predicted: Int32Array.of(0, 0, 0, 0, 0, 1),
      probabilities: Float64Array.of(0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4, 0.55, 0.45, 0.2, 0.8),
    },
    candidate: {
      predicted: Int32Array.of(0, 0, 0, 0, 1, 1),
      probabilities: Float64Array.of(0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4, 0.45, 0.55, 0.3, 0.7),
    },
  };
  const small = bootstrap(tiny, { ...DEFAULT_BOOTSTRAP, replicates: 200 });
  const auc = small.comparisons.find((c) => c.metric === 'roc_auc')!;
  // P(no positive drawn in 6 draws) = (5/6)⁶ = 0.335: about 67% of 200 replicates keep a value.
  assert.ok(auc.deltaReplicates.length > 100 && auc.deltaReplicates.length < 170, String(auc.deltaReplicates.length));
  assert.ok([...auc.deltaCi, ...auc.candidateCi, auc.deltaSe].every(Number.isFinite));
  // A metric the whole data set cannot compute gets no comparison at all.
  const oneClass: PairedClassification = { ...tiny, truth: new Int32Array(6) };
  const none = bootstrap(oneClass, { ...DEFAULT_BOOTSTRAP, replicates: 100 });
  assert.deepEqual(
    none.comparisons.map((c) => c.metric),
    ['accuracy', 'macro_precision', 'macro_recall', 'macro_f1', 'log_loss', 'ece'],
  );
});

test('bootstrap: the seeded stream is stable, so the same data and seed give the same interval on every machine and release', () => {
  const data = synthetic(300, 9);
  const intervals = (maxRows: number) => {
    const acc = bootstrap(data, { ...DEFAULT_BOOTSTRAP, replicates: 200, seed: 11, maxRows }).comparisons[0]!;
    return [acc.deltaCi, acc.candidateCi, acc.deltaSe];
  };
  // Values this release computes, every row resampled and then 100 of 300: a change to the random stream, the
  // draws, the subsample or its √(m/n) rescaling changes them (and every interval users have seen). Accuracy moves
  // in steps of 1/300, so a percentile can survive a change to the stream; the standard error of all 200 cannot.
  assert.deepEqual(intervals(300), [
    [-0.1266666666666667, -0.06666666666666665],
    [0.7433333333333333, 0.8400833333333333],
    0.01550619911697501,
  ]);
  assert.deepEqual(intervals(100), [
    [-0.14285468820183672, -0.06202565051528917],
    [0.7380384757729337, 0.8304145188432738],
    0.020238444600956768,
  ]);
});

test('bootstrap: an interval never leaves the range of its metric, so it is read from replicates on the right side of the estimate', () => {
  // The baseline is right on all 50 rows, the candidate on 49: every replicate difference is 0 or below, and
  // P(a replicate misses the one wrong row) = (49/50)^50 = 0.364 > 2.5%, so the upper bounds are exactly 0 and 1.
  const truth = Int32Array.from({ length: 50 }, (_, i) => i % 2);
  const candidate = truth.map((t, i) => (i === 7 ? 1 - t : t));
  const data: PairedClassification = {
    task: 'classification',
    classes: ['0', '1'],
    truth,
    baseline: { predicted: truth.slice() },
    candidate: { predicted: candidate },
  };
  const acc = bootstrap(data, { ...DEFAULT_BOOTSTRAP, replicates: 500 }).comparisons.find(
    (c) => c.metric === 'accuracy',
  )!;
  assert.deepEqual([acc.deltaCi[1], acc.candidate, acc.candidateCi[1]], [0, 0.98, 1]);
  assert.ok(acc.deltaCi[0] < -0.02 && acc.candidateCi[0] < 0.98);
});

test('bootstrap: a metric only one model has is not compared; two replicates have the sample standard deviation |a − b|/√2', () => {
  const data = synthetic(200, 4);
  const withProbabilities: PairedClassification = {
    ...data,
    candidate: {
      ...data.candidate,
      probabilities: Float64Array.from(Array.from(data.candidate.predicted).flatMap((k) => [1 - k, k])),
    },
  };
  const boot = bootstrap(withProbabilities, { ...DEFAULT_BOOTSTRAP, replicates: 2 });
  assert.deepEqual(
    boot.comparisons.map((c) => c.metric),
    ['accuracy', 'macro_precision', 'macro_recall', 'macro_f1'],
  );
  const acc = boot.comparisons[0]!;
  const [a, b] = acc.deltaReplicates;
  assert.notEqual(a, b);
  assert.ok(Math.abs(acc.deltaSe - Math.abs(a! - b!) / Math.SQRT2) < 1e-15, String(acc.deltaSe));
});
