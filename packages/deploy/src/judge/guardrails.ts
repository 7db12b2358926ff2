// Label-free guardrails: checks that need no labels and act within a handful
// of requests when a canary breaks outright. Rates are judged on the same
// always-valid bounds as the gates (a breach is claimed only when the lower
// bound passes the limit), so noise at 5% traffic does not roll a good canary
// back; drift uses the data tests' own comparison (effect size and
// significance), so a guardrail and a data test agree on what drift is.
import { compareProfiles, type Profile } from '@mlship/data';
import { alwaysValidBounds } from './always-valid.ts';
import type { Evidence, LatencyHistogram } from '../evidence.ts';
import type { GuardrailSettings } from '../plan.ts';

export type GuardrailName = 'error rate' | 'latency p99' | 'disagreement' | 'prediction drift' | 'input drift';

export interface GuardrailResult {
  name: GuardrailName;
  /**
   * 'unmeasured': the evidence cannot tell yet; it never passes. 'held': a
   * breach that labels on their way will settle, so the step holds (no next
   * step, no promotion) instead of rolling back.
   */
  status: 'ok' | 'breach' | 'unmeasured' | 'held';
  observed?: number;
  limit?: number;
  detail: string;
}

/** The mixture scale for rates: tightest for effects around ten points, so an outright failure shows within a few requests. */
const RATE_SCALE = 0.1;
/** Requests prod must have scored before its p99 is a usable reference. */
export const MIN_REFERENCE_REQUESTS = 100;
/** Outputs the canary must have scored before its prediction profile is compared. */
export const MIN_PROFILE_ROWS = 50;

/** The share of x in n, shrunk towards one half (x+1)/(n+2), so 0 of 3 is not certainty. */
function shrunkRateVariance(x: number, n: number): number {
  const p = (x + 1) / (n + 2);
  return (p * (1 - p)) / n;
}

/** Lower always-valid bound of a rate difference (or of a rate, without `minus`). */
function rateLowerBound(
  alpha: number,
  rate: { x: number; n: number },
  minus?: { x: number; n: number },
): { value: number; lower: number } {
  const value = rate.x / rate.n - (minus && minus.n > 0 ? minus.x / minus.n : 0);
  const variance =
    shrunkRateVariance(rate.x, rate.n) + (minus && minus.n > 0 ? shrunkRateVariance(minus.x, minus.n) : 0);
  return { value, lower: value - alwaysValidBounds({ value, variance }, alpha, RATE_SCALE).halfWidth };
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)}%`;

/** The latency under which a share q of requests fell, interpolated within its bucket (Prometheus' histogram_quantile). */
export function histogramQuantile(h: LatencyHistogram, q: number): number | undefined {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const count = h.counts[i]!;
    if (seen + count >= rank && count > 0) {
      // The open last bucket has no upper edge: its lower edge is the best bound known.
      if (i === h.boundsMs.length) return h.boundsMs.at(-1)!;
      const low = i === 0 ? 0 : h.boundsMs[i - 1]!;
      return low + (h.boundsMs[i]! - low) * ((rank - seen) / count);
    }
    seen += count;
  }
  return h.boundsMs.at(-1)!;
}

/** Requests certainly slower than `limitMs`: those in buckets that start at or above it. */
function slowerThan(h: LatencyHistogram, limitMs: number): number {
  let slow = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const low = i === 0 ? 0 : h.boundsMs[i - 1]!;
    if (low >= limitMs) slow += h.counts[i]!;
  }
  return slow;
}

function errorRate(e: Evidence, g: GuardrailSettings, alpha: number): GuardrailResult {
  const { canary, prod } = e;
  if (canary.scored === 0)
    return { name: 'error rate', status: 'unmeasured', detail: 'the canary has scored no request yet' };
  const { value, lower } = rateLowerBound(
    alpha,
    { x: canary.errors, n: canary.scored },
    { x: prod.errors, n: prod.scored },
  );
  const breach = lower > g.errorRateMaxIncrease;
  return {
    name: 'error rate',
    status: breach ? 'breach' : 'ok',
    observed: value,
    limit: g.errorRateMaxIncrease,
    detail: `canary ${canary.errors}/${canary.scored} failed vs prod ${prod.errors}/${prod.scored}: ${breach ? `at least ${pct(lower)} more, past` : 'within'} the allowed +${pct(g.errorRateMaxIncrease)}`,
  };
}

function latency(e: Evidence, g: GuardrailSettings, alpha: number): GuardrailResult {
  const prodP99 = e.prod.scored >= MIN_REFERENCE_REQUESTS ? histogramQuantile(e.prod.latency, 0.99) : undefined;
  const limits = [
    ...(prodP99 === undefined ? [] : [g.latencyP99MaxRatio * prodP99]),
    ...(g.latencyP99Ms === undefined ? [] : [g.latencyP99Ms]),
  ];
  const canaryTotal = e.canary.latency.counts.reduce((a, b) => a + b, 0);
  if (limits.length === 0 || canaryTotal === 0)
    return {
      name: 'latency p99',
      status: 'unmeasured',
      detail:
        canaryTotal === 0
          ? 'the canary has no timed request yet'
          : `prod has scored ${e.prod.scored} of the ${MIN_REFERENCE_REQUESTS} requests its p99 needs`,
    };
  const limitMs = Math.min(...limits);
  const canaryP99 = histogramQuantile(e.canary.latency, 0.99)!;
  // p99 above the limit means more than 1% of requests slower than it: a rate, judged as the others are.
  const { lower } = rateLowerBound(alpha, { x: slowerThan(e.canary.latency, limitMs), n: canaryTotal });
  const breach = lower > 0.01;
  const prodText = prodP99 === undefined ? '' : ` (prod ${prodP99.toFixed(1)} ms)`;
  return {
    name: 'latency p99',
    status: breach ? 'breach' : 'ok',
    observed: canaryP99,
    limit: limitMs,
    detail: `canary p99 ${canaryP99.toFixed(1)} ms${prodText}; limit ${limitMs.toFixed(1)} ms${breach ? `: at least ${pct(lower)} of canary requests are slower` : ''}`,
  };
}

function disagreement(e: Evidence, g: GuardrailSettings, alpha: number): GuardrailResult {
  const c = e.comparisons;
  if (!c || c.compared === 0)
    return { name: 'disagreement', status: 'unmeasured', detail: 'no request scored by both models yet' };
  const { value, lower } = rateLowerBound(alpha, { x: c.disagreed, n: c.compared });
  const breach = lower > g.disagreementMax;
  return {
    name: 'disagreement',
    status: breach ? 'breach' : 'ok',
    observed: value,
    limit: g.disagreementMax,
    detail: `canary and prod answered ${c.disagreed} of ${c.compared} requests differently (${pct(value)}; limit ${pct(g.disagreementMax)})`,
  };
}

/** How far the labelled gates are from deciding: what the prediction drift guardrail defers to. */
export interface LabelledProgress {
  /** Labelled gates configured for the canary. */
  gates: number;
  /** Labelled requests the least-labelled gate has. */
  labels: number;
  /** Labelled requests a gate needs before it may decide (canary.min_labels). */
  minLabels: number;
}

/**
 * A shift in the canary's predictions is the only label-free sign of a model
 * that answers wrongly everywhere, but a better model's predictions are
 * expected to differ from prod's too. So the shift rolls back only while no
 * labels speak to quality: with no labelled gate, or none labelled yet. Once
 * labels arrive it holds the step until the gates can decide, and once they
 * can (min_labels), quality decides alone.
 */
function predictionDrift(e: Evidence, quality: LabelledProgress): GuardrailResult {
  const prod = e.prod.outputs;
  const canary = e.canary.outputs;
  if (!prod || !canary)
    return {
      name: 'prediction drift',
      status: 'unmeasured',
      detail:
        'the evidence has no output profiles; the runtime must send them, or turn canary.guardrails.prediction_drift off',
    };
  if (canary.rowCount < MIN_PROFILE_ROWS)
    return {
      name: 'prediction drift',
      status: 'unmeasured',
      detail: `the canary has ${canary.rowCount} of the ${MIN_PROFILE_ROWS} predictions needed`,
    };
  const report = compareProfiles(prod, canary);
  const drifted = report.columns.filter((c) => c.drifted);
  if (drifted.length === 0)
    return {
      name: 'prediction drift',
      status: 'ok',
      observed: 0,
      detail: `${report.comparedCount} output column(s) compared with prod's: no drift`,
    };
  const shift = `the canary's ${drifted.map((c) => `${c.column} (${c.method} ${c.effect.toFixed(3)} ≥ ${c.threshold})`).join(', ')} drifted from prod's`;
  const base = { name: 'prediction drift' as const, observed: drifted.length };
  if (quality.gates === 0 || quality.labels === 0) return { ...base, status: 'breach', detail: shift };
  if (quality.labels < quality.minLabels)
    return {
      ...base,
      status: 'held',
      detail: `${shift}; held at this step until the labelled gates can decide (${quality.labels} of ${quality.minLabels} labels)`,
    };
  return {
    ...base,
    status: 'ok',
    detail: `${shift}; the labelled gates decide (${quality.labels} labels): a better model's predictions differ too`,
  };
}

function inputDrift(e: Evidence, reference: Profile | undefined): GuardrailResult {
  const inputs = e.canary.inputs;
  if (!reference)
    return {
      name: 'input drift',
      status: 'unmeasured',
      detail: 'the version has no published data profile; publish one, or turn canary.guardrails.input_drift off',
    };
  if (!inputs)
    return {
      name: 'input drift',
      status: 'unmeasured',
      detail: 'the evidence has no input profile; the runtime must send one, or turn canary.guardrails.input_drift off',
    };
  if (inputs.rowCount < MIN_PROFILE_ROWS)
    return {
      name: 'input drift',
      status: 'unmeasured',
      detail: `the canary has seen ${inputs.rowCount} of the ${MIN_PROFILE_ROWS} requests needed`,
    };
  const report = compareProfiles(reference, inputs);
  const drifted = report.columns.filter((c) => c.drifted).map((c) => c.column);
  return {
    name: 'input drift',
    status: report.datasetDrift ? 'breach' : 'ok',
    observed: report.driftedShare,
    limit: report.options.datasetDriftShare,
    detail: `${report.driftedCount} of ${report.comparedCount} input columns drifted from the version's training profile${drifted.length ? ` (${drifted.slice(0, 5).join(', ')})` : ''}`,
  };
}

export function judgeGuardrails(
  evidence: Evidence,
  settings: GuardrailSettings,
  alpha: number,
  reference: Profile | undefined,
  quality: LabelledProgress,
): GuardrailResult[] {
  return [
    errorRate(evidence, settings, alpha),
    latency(evidence, settings, alpha),
    ...(evidence.routing.shadow || evidence.comparisons ? [disagreement(evidence, settings, alpha)] : []),
    ...(settings.predictionDrift ? [predictionDrift(evidence, quality)] : []),
    ...(settings.inputDrift ? [inputDrift(evidence, reference)] : []),
  ];
}
