import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mcnemarTest } from './mcnemar.ts';
import { rejectedHypotheses } from './multiple-testing.ts';
import { pairedBootstrap, DEFAULT_BOOTSTRAP } from './bootstrap.ts';
import { pairedMetrics } from './paired-data.ts';
import type { PairedClassification } from './paired-data.ts';
import { seededRandom } from './random.ts';
import { rowsToDecide } from './gates.ts';

test('McNemar: exact binomial for few discordant pairs (10 vs 0 → p = 2·0.5¹⁰)', () => {
  const r = mcnemarTest(10, 0);
  assert.equal(r.method, 'exact');
  assert.ok(Math.abs(r.pValue - 2 * 0.5 ** 10) < 1e-12);
  assert.equal(mcnemarTest(3, 3).pValue, 1);
});

test('McNemar: chi-square with continuity correction (30 vs 10 → χ² 9.025, p 0.00266)', () => {
  const r = mcnemarTest(30, 10);
  assert.equal(r.method, 'chi-square');
  assert.equal(r.statistic, 9.025);
  assert.ok(Math.abs(r.pValue - 0.002663) < 2e-5, String(r.pValue));
});

test('Holm rejects step-down, Benjamini-Hochberg step-up', () => {
  assert.deepEqual(rejectedHypotheses([0.01, 0.04, 0.03], 0.05, 'holm'), [true, false, false]);
  assert.deepEqual(rejectedHypotheses([0.01, 0.04, 0.03], 0.05, 'benjamini-hochberg'), [true, true, true]);
  assert.deepEqual(rejectedHypotheses([0.2, 0.5], 0.05, 'holm'), [false, false]);
});

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
  const a = pairedBootstrap(data, full, options).comparisons.find((c) => c.metric === 'accuracy')!;
  const b = pairedBootstrap(data, full, options).comparisons.find((c) => c.metric === 'accuracy')!;
  const c = pairedBootstrap(data, full, { ...options, seed: 8 }).comparisons.find((x) => x.metric === 'accuracy')!;
  assert.deepEqual(a.deltaCi, b.deltaCi);
  assert.notDeepEqual(a.deltaCi, c.deltaCi);
});

test('bootstrap standard error of Δ accuracy matches the analytic paired value, exact and subsampled', () => {
  for (const [n, maxRows] of [
    [5000, 20_000],
    [200_000, 10_000],
  ] as const) {
    const data = synthetic(n, 3);
    const boot = pairedBootstrap(data, pairedMetrics(data), { ...DEFAULT_BOOTSTRAP, replicates: 400, maxRows });
    const acc = boot.comparisons.find((c) => c.metric === 'accuracy')!;
    const ratio = acc.deltaSe / analyticSe(data);
    assert.ok(ratio > 0.85 && ratio < 1.15, `n=${n}: bootstrap se / analytic se = ${ratio}`);
    assert.ok(acc.deltaCi[0] < acc.delta && acc.delta < acc.deltaCi[1]);
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
