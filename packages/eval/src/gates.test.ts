import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateBudgets, evaluateMetricGates, overallVerdict } from './gates.ts';
import type { ScopeComparisons } from './gates.ts';
import type { MetricComparison } from './bootstrap.ts';
import { defaultPolicy, parsePolicy } from './policy.ts';

/** A comparison whose replicates are evenly spread over [lo, hi] (so the 95% interval is ≈ that range). */
function comparison(delta: number, lo: number, hi: number, candidate = 0.9): MetricComparison {
  const reps = Float64Array.from({ length: 1001 }, (_, i) => lo + ((hi - lo) * i) / 1000);
  const shift = candidate - delta;
  return {
    metric: 'accuracy',
    baseline: candidate - delta,
    candidate,
    delta,
    deltaCi: [lo + 0.025 * (hi - lo), hi - 0.025 * (hi - lo)],
    candidateCi: [shift + lo + 0.025 * (hi - lo), shift + hi - 0.025 * (hi - lo)],
    deltaSe: (hi - lo) / Math.sqrt(12),
    deltaReplicates: reps,
    candidateReplicates: reps.map((r) => r + shift),
  };
}
const scope = (name: string, c: MetricComparison, rows = 1000): ScopeComparisons => ({
  scope: name,
  rows,
  comparisons: [c],
});

test('non-inferiority is judged on the confidence bound: pass, fail, inconclusive with rows needed', () => {
  const policy = parsePolicy('gates:\n  - metric: accuracy\n    max_drop: 0.01\n', 'p.yml', 'classification');
  const [pass] = evaluateMetricGates(policy, scope('all rows', comparison(0.0, -0.005, 0.005)), []);
  assert.equal(pass?.verdict, 'pass');
  const [fail] = evaluateMetricGates(policy, scope('all rows', comparison(-0.05, -0.06, -0.04)), []);
  assert.equal(fail?.verdict, 'fail');
  // Point estimate above the margin but the interval reaches below it: not yet decidable.
  const [unsure] = evaluateMetricGates(policy, scope('all rows', comparison(-0.005, -0.02, 0.01)), []);
  assert.equal(unsure?.verdict, 'inconclusive');
  // 1,001 replicates evenly spaced by h = 0.03/1000 have sample sd h·√(1001·1002/12) = 0.00867324334;
  // the gap to the margin is −0.005 − (−0.01) = 0.005; a 95% two-sided interval tests at α/2 = 0.025:
  // z₀.₉₇₅ + z₀.₈ = 1.959963985 + 0.841621234 = 2.801585218 (R: qnorm(0.975) + qnorm(0.8)),
  // n' = 1000·(2.801585218·0.00867324334/0.005)² = 23,617.33 → 23,618. (At α = 0.05 it would be 18,604.)
  assert.equal(unsure!.rowsNeeded, 23_618);
  assert.match(unsure!.reason, /on 1,000 rows; about 23,618 rows \(22,618 more\) would decide it with 80% power$/);
});

test('floors use the candidate interval', () => {
  const policy = parsePolicy('gates:\n  - accuracy >= 0.8\n', 'p.yml', 'classification');
  assert.equal(evaluateMetricGates(policy, scope('all rows', comparison(0, -0.01, 0.01, 0.9)), [])[0]?.verdict, 'pass');
  assert.equal(evaluateMetricGates(policy, scope('all rows', comparison(0, -0.01, 0.01, 0.7)), [])[0]?.verdict, 'fail');
});

test('per-slice gates use Holm: a slice that passes alone may not pass among many', () => {
  const policy = parsePolicy(
    'gates:\n  - metric: accuracy\n    max_drop: 0.01\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  // 1.5% of this slice's replicates fall below the margin: p ≈ 0.016 < α = 0.025 alone,
  // but not below Holm's α/3 once three slices remain in the family.
  const borderline = comparison(0.02, -0.0109, 0.0491);
  const alone = evaluateMetricGates(policy, scope('all rows', comparison(0.02, 0.01, 0.03)), [scope('a', borderline)]);
  assert.equal(alone.find((o) => o.scope === 'a')?.verdict, 'pass');
  const slices = ['a', 'b', 'c'].map((s) => scope(s, borderline));
  const clear = scope('d', comparison(0.05, 0.04, 0.06));
  const outcomes = evaluateMetricGates(policy, scope('all rows', comparison(0.02, 0.01, 0.03)), [...slices, clear]);
  const bySlice = Object.fromEntries(outcomes.filter((o) => o.scope !== 'all rows').map((o) => [o.scope, o.verdict]));
  assert.deepEqual(bySlice, { a: 'inconclusive', b: 'inconclusive', c: 'inconclusive', d: 'pass' });
  assert.ok(outcomes.find((o) => o.scope === 'd')!.reason.includes('holm over 4 slices'));
  // Rows needed in a family of four test each slice at α/(2·4) = 0.00625: z₀.₉₉₃₇₅ = 2.4977055 (bc, Newton on erf);
  // se = 0.00006·√(1001·1002/12) = 0.0173465, gap 0.02 + 0.01: n' = 1000·((2.4977055 + 0.8416212)·0.0173465/0.03)²
  // = 3,728.19 → 3,729.
  assert.equal(outcomes.find((o) => o.scope === 'a')!.rowsNeeded, 3729);
});

test('a slice that fails the gate fails with its own p-value; gates without per_slice leave slices alone', () => {
  const policy = parsePolicy(
    'gates:\n  - accuracy >= 0.5\n  - metric: accuracy\n    max_drop: 0.01\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  // Every replicate of slice 'worse' lies in [−0.06, −0.04], below −0.01: p of "fails" = 1/1002.
  // Its first comparison is another metric: the gate reads the accuracy comparison, not the first one.
  const other = { ...comparison(0.3, 0.2, 0.4), metric: 'macro_f1' as const };
  const worse: ScopeComparisons = { scope: 'worse', rows: 1000, comparisons: [other, comparison(-0.05, -0.06, -0.04)] };
  const outcomes = evaluateMetricGates(policy, scope('all rows', comparison(0, -0.005, 0.005)), [worse]);
  assert.deepEqual(
    outcomes.map((o) => [o.gate, o.scope, o.verdict, o.pValue, o.reason]),
    [
      ['accuracy ≥ 0.5', 'all rows', 'pass', undefined, 'Accuracy 0.9, confidence bound 0.895 > 0.5'],
      [
        'accuracy: drop ≤ 0.01 vs baseline',
        'all rows',
        'pass',
        undefined,
        'Δ Accuracy 0, confidence bound -0.00475 > -0.01',
      ],
      [
        'accuracy: drop ≤ 0.01 vs baseline',
        'worse',
        'fail',
        1 / 1002,
        'Δ Accuracy -0.05 [-0.0595, -0.0405] is entirely below -0.01; holm over 1 slices, p = 0.0010',
      ],
    ],
  );
});

test('per-slice floors judge the candidate replicates, not the differences', () => {
  const policy = parsePolicy(
    'gates:\n  - metric: accuracy\n    min: 0.8\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  // Differences around 0, candidate around 0.9: only the candidate replicates clear 0.8.
  const outcomes = evaluateMetricGates(policy, scope('all rows', comparison(0, -0.01, 0.01)), [
    scope('s', comparison(0, -0.01, 0.01, 0.9)),
  ]);
  assert.deepEqual(
    outcomes.map((o) => [o.scope, o.verdict, o.pValue]),
    [
      ['all rows', 'pass', undefined],
      ['s', 'pass', 1 / 1002],
    ],
  );
});

test('an interval whose bound equals the threshold does not exclude it: inconclusive on either side', () => {
  const floor = parsePolicy('gates:\n  - accuracy >= 0.8\n', 'p.yml', 'classification');
  const ceiling = parsePolicy('gates:\n  - log_loss <= 0.5\n', 'p.yml', 'classification');
  const withCi = (metric: 'accuracy' | 'log_loss', candidateCi: [number, number]): ScopeComparisons =>
    scope('all rows', { ...comparison(0, -0.01, 0.01, (candidateCi[0] + candidateCi[1]) / 2), metric, candidateCi });
  const verdicts = [
    evaluateMetricGates(floor, withCi('accuracy', [0.8, 0.9]), [])[0]!.verdict,
    evaluateMetricGates(floor, withCi('accuracy', [0.7, 0.8]), [])[0]!.verdict,
    evaluateMetricGates(ceiling, withCi('log_loss', [0.4, 0.5]), [])[0]!.verdict,
    evaluateMetricGates(ceiling, withCi('log_loss', [0.5, 0.6]), [])[0]!.verdict,
  ];
  assert.deepEqual(verdicts, ['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive']);
});

test('rows needed for a floor come from the spread of the candidate replicates', () => {
  const policy = parsePolicy('gates:\n  - accuracy >= 0.85\n', 'p.yml', 'classification');
  // Candidate replicates 0.83 + 0.00004·i (sd 0.00004·√(1001·1002/12) = 0.0115643), differences spread ten times wider.
  const c: MetricComparison = {
    ...comparison(0, -0.2, 0.2, 0.85),
    candidate: 0.86,
    candidateCi: [0.831, 0.869],
    candidateReplicates: Float64Array.from({ length: 1001 }, (_, i) => 0.83 + 0.00004 * i),
  };
  const [outcome] = evaluateMetricGates(policy, scope('all rows', c, 500), []);
  // n' = 500·(2.8015852·0.0115643/0.01)² = 5,248.3 → 5,249.
  assert.deepEqual([outcome!.verdict, outcome!.rowsNeeded], ['inconclusive', 5249]);
});

test('a single slice at one-sided p ≈ 0.035 is inconclusive: a 95% two-sided interval tests each side at α/2', () => {
  const policy = parsePolicy(
    'gates:\n  - metric: accuracy\n    max_drop: 0.01\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  // Replicates −0.01335 + 0.0001·i (i = 0..1000): i = 0..33 lie at or below the margin −0.01 (34 of them),
  // so the one-sided p of "passes" is (34 + 1)/(1001 + 1) = 0.03493 — below 0.05, above α/2 = 0.025.
  const slice = comparison(0.03665, -0.01335, 0.08665);
  const outcomes = evaluateMetricGates(policy, scope('all rows', comparison(0.02, 0.01, 0.03)), [scope('a', slice)]);
  const a = outcomes.find((o) => o.scope === 'a')!;
  assert.equal(a.verdict, 'inconclusive');
  assert.equal(a.pValue, 35 / 1002);
  // se = 0.0001·√(1001·1002/12) = 0.0289108111; gap 0.03665 + 0.01 = 0.04665;
  // n' = 1000·(2.801585218·0.0289108111/0.04665)² = 3,014.57 → 3,015.
  assert.equal(a.rowsNeeded, 3015);
  assert.match(a.reason, /; holm over 1 slices, p = 0\.035$/);
});

test('a metric that cannot be computed makes its gate inconclusive, overall and per slice, never a pass', () => {
  const policy = parsePolicy(
    'gates:\n  - metric: roc_auc\n    max_drop: 0.01\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  const auc = { ...comparison(0.05, 0.04, 0.06), metric: 'roc_auc' as const };
  const noAuc: ScopeComparisons = {
    scope: 'all rows',
    rows: 50,
    comparisons: [comparison(0.05, 0.04, 0.06)],
    notComputed: [
      { metric: 'log_loss', reason: 'the baseline outputs no probabilities' },
      { metric: 'roc_auc', reason: "every label is 'x': a ranking needs two classes" },
    ],
  };
  // Only another metric's reason is known here: the gate gives the general one.
  const oneClassSlice: ScopeComparisons = {
    scope: 'region = north',
    rows: 20,
    comparisons: [],
    notComputed: [{ metric: 'pr_auc', reason: 'not this one' }],
  };
  // Every replicate failed to compute the metric: the interval is [NaN, NaN].
  const unestimable = {
    ...auc,
    deltaCi: [Number.NaN, Number.NaN] as [number, number],
    deltaReplicates: new Float64Array(0),
    candidateReplicates: new Float64Array(0),
  };
  const outcomes = evaluateMetricGates(policy, noAuc, [
    oneClassSlice,
    scope('region = south', unestimable),
    scope('region = east', auc),
  ]);
  assert.deepEqual(
    outcomes.map((o) => [o.scope, o.verdict, o.reason]),
    [
      [
        'all rows',
        'inconclusive',
        "ROC AUC could not be computed on all rows (every label is 'x': a ranking needs two classes)",
      ],
      [
        'region = north',
        'inconclusive',
        'ROC AUC could not be computed on region = north (the model has no probabilities, or a class is absent)',
      ],
      [
        'region = south',
        'inconclusive',
        'ROC AUC could not be computed on region = south (no bootstrap replicate could compute it)',
      ],
      // The one slice that can be judged is a family of one; no replicate is at or below −0.01: p = 1/1002.
      ['region = east', 'pass', 'Δ ROC AUC 0.05, confidence bound 0.0405 > -0.01; holm over 1 slices, p = 0.0010'],
    ],
  );
  assert.equal(overallVerdict(outcomes), 'inconclusive');
});

test('a budget at exactly its limit passes: p95 latency equal to the budget, a model of exactly the size limit', () => {
  const policy = parsePolicy('budgets:\n  latency_p95_ms: 10\n  model_size_mb: 1\n', 'p.yml');
  // Megabytes are 10⁶ bytes, so 1 MB is 1,000,000 bytes (not 1,048,576).
  const atLimit = evaluateBudgets(policy, { latencyP95Ms: 10, modelSizeBytes: 1_000_000 });
  assert.deepEqual(
    atLimit.map((o) => [o.verdict, o.observed, o.threshold, o.reason]),
    [
      ['pass', 10, 10, 'candidate p95 10.00 ms ≤ 10 ms'],
      ['pass', 1, 1, 'candidate is 1.00 MB'],
    ],
  );
  assert.deepEqual(
    atLimit.map((o) => [o.kind, o.scope]),
    [
      ['budget', 'runner'],
      ['budget', 'model'],
    ],
  );
  const justOver = evaluateBudgets(policy, { latencyP95Ms: 10.001, modelSizeBytes: 1_000_001 });
  assert.deepEqual(
    justOver.map((o) => [o.verdict, o.reason]),
    [
      ['fail', 'candidate p95 10.00 ms > 10 ms'],
      ['fail', 'candidate is 1.00 MB'],
    ],
  );
  const unmeasured = evaluateBudgets(policy, { modelSizeBytes: 0 });
  assert.deepEqual(
    unmeasured.map((o) => [o.kind, o.scope, o.threshold]),
    [
      ['budget', 'runner', 10],
      ['budget', 'model', 1],
    ],
  );
  assert.deepEqual(
    unmeasured.map((o) => [o.gate, o.verdict, o.reason]),
    [
      ['latency p95 ≤ 10 ms at batch 1', 'inconclusive', 'latency was not measured at this batch size'],
      ['model size ≤ 1 MB', 'pass', 'candidate is 0.00 MB'],
    ],
  );
});

test('budgets and the overall verdict', () => {
  const policy = parsePolicy('budgets:\n  latency_p95_ms: 10\n  model_size_mb: 1\n', 'p.yml');
  const outcomes = evaluateBudgets(policy, { latencyP95Ms: 12, modelSizeBytes: 500_000 });
  assert.deepEqual(
    outcomes.map((o) => o.verdict),
    ['fail', 'pass'],
  );
  assert.equal(overallVerdict(outcomes), 'fail');
  assert.equal(overallVerdict([{ ...outcomes[1]!, verdict: 'inconclusive' }, outcomes[1]!]), 'inconclusive');
  assert.equal(overallVerdict([outcomes[1]!, outcomes[1]!]), 'pass');
  assert.equal(overallVerdict([]), 'pass');
});

test('lower-is-better gates: a ceiling on the candidate and a bound on the increase, in all three outcomes', () => {
  const policy = parsePolicy(
    'gates:\n  - log_loss <= 0.5\n  - metric: log_loss\n    max_increase: 0.05\n',
    'p.yml',
    'classification',
  );
  const logLoss = (delta: number, lo: number, hi: number, candidate: number): ScopeComparisons =>
    scope('all rows', { ...comparison(delta, lo, hi, candidate), metric: 'log_loss' });
  // Intervals are [lo + 2.5%·(hi − lo), hi − 2.5%·(hi − lo)], shifted by candidate − delta for the candidate.
  const judged = (s: ScopeComparisons) =>
    evaluateMetricGates(policy, s, []).map((o) => [o.gate, o.kind, o.threshold, o.verdict, o.reason]);
  assert.deepEqual(judged(logLoss(-0.01, -0.03, 0.01, 0.3)), [
    ['log_loss ≤ 0.5', 'floor', 0.5, 'pass', 'Log loss 0.3, confidence bound 0.319 < 0.5'],
    [
      'log_loss: increase ≤ 0.05 vs baseline',
      'non-inferiority',
      0.05,
      'pass',
      'Δ Log loss -0.01, confidence bound 0.009 < 0.05',
    ],
  ]);
  assert.deepEqual(
    judged(logLoss(0.1, 0.08, 0.12, 0.7)).map((o) => o.slice(3)),
    [
      ['fail', 'Log loss 0.7 [0.681, 0.719] is entirely above 0.5'],
      ['fail', 'Δ Log loss 0.1 [0.081, 0.119] is entirely above 0.05'],
    ],
  );
  const unsure = evaluateMetricGates(policy, logLoss(0.04, 0.02, 0.06, 0.49), []);
  assert.deepEqual(
    unsure.map((o) => [o.verdict, o.reason.split(';')[0]]),
    [
      ['inconclusive', 'Log loss 0.49 [0.471, 0.509] straddles 0.5 on 1,000 rows'],
      ['inconclusive', 'Δ Log loss 0.04 [0.021, 0.059] straddles 0.05 on 1,000 rows'],
    ],
  );
});

test('gate texts and thresholds: a floor, a non-inferiority margin, and a ceiling in four digits', () => {
  const policy = parsePolicy(
    'gates:\n  - accuracy >= 0.8\n  - metric: accuracy\n    max_drop: 0.01\n',
    'p.yml',
    'classification',
  );
  const outcomes = evaluateMetricGates(policy, scope('all rows', comparison(0, -0.01, 0.01, 0.9)), []);
  assert.deepEqual(
    outcomes.map((o) => [o.gate, o.kind, o.threshold, o.scope, o.metric, o.observed, o.ci]),
    [
      ['accuracy ≥ 0.8', 'floor', 0.8, 'all rows', 'accuracy', 0.9, [0.9 - 0.01 + 0.0005, 0.9 + 0.01 - 0.0005]],
      ['accuracy: drop ≤ 0.01 vs baseline', 'non-inferiority', -0.01, 'all rows', 'accuracy', 0, [-0.0095, 0.0095]],
    ],
  );
  assert.equal(outcomes[0]!.reason, 'Accuracy 0.9, confidence bound 0.89 > 0.8');
  // Values of 100 or more are shown with one decimal: RMSE 123.456 → 123.5, bound 132.956 → 133.0, 150 → 150.0;
  // below 100, three significant digits.
  const rmse = parsePolicy('gates:\n  - rmse <= 150\n', 'p.yml', 'regression');
  const [big] = evaluateMetricGates(
    rmse,
    scope('all rows', { ...comparison(0, -10, 10, 123.456), metric: 'rmse' }),
    [],
  );
  assert.deepEqual(
    [big!.gate, big!.verdict, big!.reason],
    ['rmse ≤ 150', 'pass', 'RMSE 123.5, confidence bound 133.0 < 150.0'],
  );
  const hundred = parsePolicy('gates:\n  - rmse <= 100\n', 'p.yml', 'regression');
  const [edge] = evaluateMetricGates(hundred, scope('all rows', { ...comparison(0, -1, 1, 98.5), metric: 'rmse' }), []);
  assert.equal(edge!.reason, 'RMSE 98.5, confidence bound 99.5 < 100.0');
});

test('an estimate exactly on the threshold cannot be settled by more rows', () => {
  const policy = parsePolicy('gates:\n  - metric: accuracy\n    max_drop: 0.25\n', 'p.yml', 'classification');
  const [outcome] = evaluateMetricGates(policy, scope('all rows', comparison(-0.25, -0.49, -0.01)), []);
  assert.equal(outcome!.verdict, 'inconclusive');
  assert.equal('rowsNeeded' in outcome!, false);
  assert.equal(
    outcome!.reason,
    'Δ Accuracy -0.25 [-0.478, -0.022] straddles -0.25 on 1,000 rows; the estimate sits on the threshold, so more rows will not settle it',
  );
});

test('per slice, a replicate exactly on the threshold counts against the gate', () => {
  const policy = parsePolicy(
    'gates:\n  - metric: accuracy\n    max_drop: 0.25\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  // Replicates −0.25 + 2⁻¹⁰·(i − 24), exact in binary: i = 0..24 are at or below −0.25 (25 of them),
  // p = 26/1002 = 0.0259 > 0.025. Counting the one exactly at −0.25 as passing would give 25/1002 = 0.0250.
  const reps = Float64Array.from({ length: 1001 }, (_, i) => -0.25 + (i - 24) / 1024);
  const slice: MetricComparison = {
    ...comparison(0.2, -0.27, 0.7),
    deltaReplicates: reps,
    deltaCi: [reps[25]!, reps[975]!],
  };
  const outcome = evaluateMetricGates(policy, scope('all rows', comparison(0, -0.01, 0.01)), [scope('s', slice)]).find(
    (o) => o.scope === 's',
  )!;
  assert.deepEqual([outcome.verdict, outcome.pValue], ['inconclusive', 26 / 1002]);
  // Lower is better: for a bound on the increase the wrong side is at or above the threshold.
  const increase = parsePolicy(
    'gates:\n  - metric: log_loss\n    max_increase: 0.25\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  const mirrored: MetricComparison = {
    ...slice,
    metric: 'log_loss',
    deltaReplicates: reps.map((r) => -r).reverse(),
    deltaCi: [-reps[975]!, -reps[25]!],
  };
  const up = evaluateMetricGates(increase, scope('all rows', { ...comparison(0, -0.01, 0.01), metric: 'log_loss' }), [
    scope('s', mirrored),
  ]).find((o) => o.scope === 's')!;
  assert.deepEqual([up.verdict, up.pValue], ['inconclusive', 26 / 1002]);
});

test('only the budgets a policy sets are judged', () => {
  const sizeOnly = parsePolicy('budgets:\n  model_size_mb: 2\n', 'p.yml');
  assert.deepEqual(
    evaluateBudgets(sizeOnly, { latencyP95Ms: 1, modelSizeBytes: 1_500_000 }).map((o) => [o.gate, o.verdict]),
    [['model size ≤ 2 MB', 'pass']],
  );
  const latencyOnly = parsePolicy('budgets:\n  latency_p95_ms: 5\n  latency_batch_size: 64\n', 'p.yml');
  assert.deepEqual(
    evaluateBudgets(latencyOnly, { latencyP95Ms: 4.123, modelSizeBytes: 9e9 }).map((o) => [
      o.gate,
      o.kind,
      o.scope,
      o.verdict,
      o.reason,
    ]),
    [['latency p95 ≤ 5 ms at batch 64', 'budget', 'runner', 'pass', 'candidate p95 4.12 ms ≤ 5 ms']],
  );
  assert.deepEqual(evaluateBudgets(defaultPolicy(), { modelSizeBytes: 1 }), []);
});
