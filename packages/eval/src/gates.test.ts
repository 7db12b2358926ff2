import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateBudgets, evaluateMetricGates, overallVerdict } from './gates.ts';
import type { ScopeComparisons } from './gates.ts';
import type { MetricComparison } from './bootstrap.ts';
import { parsePolicy } from './policy.ts';

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
  assert.ok(unsure!.rowsNeeded! > 1000, String(unsure?.rowsNeeded));
  assert.match(unsure!.reason, /rows \([\d,]+ more\) would decide it with 80% power/);
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
  assert.equal(overallVerdict([]), 'pass');
});
