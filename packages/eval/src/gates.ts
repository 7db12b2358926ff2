// Gate decisions: pure functions of the comparisons, budgets and checks.
// Three outcomes, as in canary analysis: pass, fail, or inconclusive when the
// confidence interval straddles the threshold — then with the rows needed.
import { normalQuantile } from './normal.ts';
import { METRIC_LABELS } from './metric-names.ts';
import type { MetricName } from './metric-names.ts';
import type { MetricComparison } from './bootstrap.ts';
import type { Gate, Policy } from './policy.ts';
import { rejectedHypotheses } from './multiple-testing.ts';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface GateOutcome {
  /** What was checked, e.g. "accuracy: drop ≤ 0.01 vs baseline". */
  gate: string;
  kind: 'floor' | 'non-inferiority' | 'budget' | 'sanity' | 'fairness' | 'signature';
  verdict: Verdict;
  /** Whole holdout, or the slice's name. */
  scope: string;
  metric?: MetricName;
  /** The estimate judged (a metric, a difference, a latency...). */
  observed?: number;
  threshold?: number;
  ci?: [number, number];
  pValue?: number;
  /** For inconclusive outcomes: holdout rows needed in total to decide at this effect size. */
  rowsNeeded?: number;
  reason: string;
}

export interface ScopeComparisons {
  scope: string;
  rows: number;
  comparisons: MetricComparison[];
  /** Why a metric of the task has no comparison here (see `uncomputedMetrics`). */
  notComputed?: readonly UncomputedMetric[];
}

export interface UncomputedMetric {
  metric: MetricName;
  reason: string;
}

/** The worst outcome wins: any fail fails, then any inconclusive. */
export function overallVerdict(outcomes: readonly GateOutcome[]): Verdict {
  if (outcomes.some((o) => o.verdict === 'fail')) return 'fail';
  if (outcomes.some((o) => o.verdict === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

/** Metric gates over the whole holdout and, for per_slice gates, every slice. */
export function evaluateMetricGates(
  policy: Policy,
  overall: ScopeComparisons,
  slices: readonly ScopeComparisons[],
): GateOutcome[] {
  const alpha = (1 - policy.confidence) / 2;
  const outcomes: GateOutcome[] = [];
  for (const gate of policy.gates) {
    outcomes.push(judge(gate, overall, alpha, undefined));
    if (!gate.per_slice) continue;
    // Slices where the metric could not be estimated are no test of the family: each is inconclusive on its own.
    const judged = slices
      .map((s) => ({ s, c: s.comparisons.find((c) => c.metric === gate.metric) }))
      .filter((x): x is { s: ScopeComparisons; c: MetricComparison } => x.c !== undefined && estimable(x.c));
    const shares = judged.map(({ c }) => tailShares(gate, c));
    const passes = rejectedHypotheses(
      shares.map((p) => p.pass),
      alpha,
      policy.multiple_testing,
    );
    const fails = rejectedHypotheses(
      shares.map((p) => p.fail),
      alpha,
      policy.multiple_testing,
    );
    const family = new Map(
      judged.map(({ s }, k) => {
        const verdict: Verdict = passes[k] ? 'pass' : fails[k] ? 'fail' : 'inconclusive';
        const pValue = verdict === 'fail' ? shares[k]!.fail : shares[k]!.pass;
        return [s, { verdict, pValue, tests: judged.length, method: policy.multiple_testing }];
      }),
    );
    for (const s of slices) outcomes.push(judge(gate, s, alpha, family.get(s)));
  }
  return outcomes;
}

function describe(gate: Gate): { text: string; kind: 'floor' | 'non-inferiority'; threshold: number } {
  const label = gate.metric;
  if (gate.min !== undefined) return { text: `${label} ≥ ${gate.min}`, kind: 'floor', threshold: gate.min };
  if (gate.max !== undefined) return { text: `${label} ≤ ${gate.max}`, kind: 'floor', threshold: gate.max };
  if (gate.max_drop !== undefined)
    return {
      text: `${label}: drop ≤ ${gate.max_drop} vs baseline`,
      kind: 'non-inferiority',
      threshold: -gate.max_drop,
    };
  return {
    text: `${label}: increase ≤ ${gate.max_increase} vs baseline`,
    kind: 'non-inferiority',
    threshold: gate.max_increase!,
  };
}

/** Does the gate want the judged quantity above its threshold? */
function wantsAbove(gate: Gate): boolean {
  return gate.min !== undefined || gate.max_drop !== undefined;
}

/**
 * One-sided bootstrap p-values, consistent with the percentile interval:
 * of the claim "passes", the share of replicates on the wrong side of the
 * threshold (on it included); of "fails", the share on the right side.
 */
function tailShares(gate: Gate, c: MetricComparison): { pass: number; fail: number } {
  const { kind, threshold } = describe(gate);
  const reps = kind === 'floor' ? c.candidateReplicates : c.deltaReplicates;
  const above = wantsAbove(gate);
  let good = 0;
  for (const v of reps) if (above ? v > threshold : v < threshold) good++;
  return { pass: (reps.length - good + 1) / (reps.length + 1), fail: (good + 1) / (reps.length + 1) };
}

/** A comparison a gate can judge: a finite estimate with a finite interval on both sides. */
function estimable(c: MetricComparison): boolean {
  return [c.candidate, c.delta, ...c.candidateCi, ...c.deltaCi].every(Number.isFinite);
}

function judge(
  gate: Gate,
  scope: ScopeComparisons,
  alpha: number,
  adjusted: { verdict: Verdict; pValue: number; tests: number; method: string } | undefined,
): GateOutcome {
  const { text, kind, threshold } = describe(gate);
  const base = { gate: text, kind, scope: scope.scope, metric: gate.metric, threshold };
  const c = scope.comparisons.find((x) => x.metric === gate.metric);
  // A metric that cannot be computed is no evidence either way: never a pass, never a fail.
  if (!c || !estimable(c)) {
    const why =
      scope.notComputed?.find((u) => u.metric === gate.metric)?.reason ??
      (c ? 'no bootstrap replicate could compute it' : 'the model has no probabilities, or a class is absent');
    return {
      ...base,
      verdict: 'inconclusive',
      reason: `${METRIC_LABELS[gate.metric]} could not be computed on ${scope.scope} (${why})`,
    };
  }
  const observed = kind === 'floor' ? c.candidate : c.delta;
  const ci = kind === 'floor' ? c.candidateCi : c.deltaCi;
  const above = wantsAbove(gate);
  const verdict: Verdict = adjusted
    ? adjusted.verdict
    : (above ? ci[0] > threshold : ci[1] < threshold)
      ? 'pass'
      : (above ? ci[1] < threshold : ci[0] > threshold)
        ? 'fail'
        : 'inconclusive';
  const what = kind === 'floor' ? METRIC_LABELS[gate.metric] : `Δ ${METRIC_LABELS[gate.metric]}`;
  const bound = above ? ci[0] : ci[1];
  const level = adjusted
    ? `; ${adjusted.method} over ${adjusted.tests} slices, p = ${adjusted.pValue.toPrecision(2)}`
    : '';
  const outcome = { ...base, verdict, observed, ci, ...(adjusted ? { pValue: adjusted.pValue } : {}) };
  if (verdict === 'pass') {
    const reason = `${what} ${fmt(observed)}, confidence bound ${fmt(bound)} ${above ? '>' : '<'} ${fmt(threshold)}${level}`;
    return { ...outcome, reason };
  }
  if (verdict === 'fail') {
    const reason = `${what} ${fmt(observed)} [${fmt(ci[0])}, ${fmt(ci[1])}] is entirely ${above ? 'below' : 'above'} ${fmt(threshold)}${level}`;
    return { ...outcome, reason };
  }
  const se = standardError(kind === 'floor' ? c.candidateReplicates : c.deltaReplicates);
  const needed = rowsToDecide(scope.rows, se, observed - threshold, alpha / (adjusted?.tests ?? 1));
  const more =
    needed === undefined
      ? 'the estimate sits on the threshold, so more rows will not settle it'
      : `about ${needed.toLocaleString('en-US')} rows (${Math.max(0, needed - scope.rows).toLocaleString('en-US')} more) would decide it with 80% power`;
  const reason = `${what} ${fmt(observed)} [${fmt(ci[0])}, ${fmt(ci[1])}] straddles ${fmt(threshold)} on ${scope.rows.toLocaleString('en-US')} rows; ${more}${level}`;
  return { ...outcome, reason, ...(needed === undefined ? {} : { rowsNeeded: needed }) };
}

/** The chance that the larger sample decides the gate, if the effect is what was observed. */
export const DECISION_POWER = 0.8;

/**
 * Rows at which the interval would exclude the threshold with 80% power if
 * the effect is where it is now: the standard error shrinks as 1/√n, so
 * n' = n·((z₁₋α + z_power)·se/|gap|)² — the usual sample-size formula with
 * the variance measured on this holdout (for paired accuracy, se² ≈ p_disagree/n).
 */
export function rowsToDecide(rows: number, standardError: number, gap: number, alpha: number): number | undefined {
  if (!(Math.abs(gap) > 0) || !Number.isFinite(standardError)) return undefined;
  const z = normalQuantile(1 - alpha) + normalQuantile(DECISION_POWER);
  return Math.ceil(rows * ((z * standardError) / Math.abs(gap)) ** 2);
}

function standardError(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / Math.max(1, values.length - 1));
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : Number(x.toPrecision(3)).toString();
}

export interface BudgetInputs {
  /** Candidate latency p95 at the budget's batch size, when measured. */
  latencyP95Ms?: number;
  modelSizeBytes: number;
}

export function evaluateBudgets(policy: Policy, inputs: BudgetInputs): GateOutcome[] {
  const out: GateOutcome[] = [];
  const b = policy.budgets;
  if (b.latency_p95_ms !== undefined) {
    const observed = inputs.latencyP95Ms;
    const gate = `latency p95 ≤ ${b.latency_p95_ms} ms at batch ${b.latency_batch_size}`;
    out.push(
      observed === undefined
        ? {
            gate,
            kind: 'budget',
            scope: 'runner',
            verdict: 'inconclusive',
            threshold: b.latency_p95_ms,
            reason: 'latency was not measured at this batch size',
          }
        : {
            gate,
            kind: 'budget',
            scope: 'runner',
            verdict: observed <= b.latency_p95_ms ? 'pass' : 'fail',
            observed,
            threshold: b.latency_p95_ms,
            reason: `candidate p95 ${observed.toFixed(2)} ms ${observed <= b.latency_p95_ms ? '≤' : '>'} ${b.latency_p95_ms} ms`,
          },
    );
  }
  if (b.model_size_mb !== undefined) {
    const mb = inputs.modelSizeBytes / 1e6;
    out.push({
      gate: `model size ≤ ${b.model_size_mb} MB`,
      kind: 'budget',
      scope: 'model',
      verdict: mb <= b.model_size_mb ? 'pass' : 'fail',
      observed: mb,
      threshold: b.model_size_mb,
      reason: `candidate is ${mb.toFixed(2)} MB`,
    });
  }
  return out;
}
