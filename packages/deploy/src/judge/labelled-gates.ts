// The gates judged on labelled traffic, each on always-valid bounds.
//
// Non-inferiority with margin m, on the canary's advantage D (canary − prod,
// signed so that larger is better):
//   pass when the lower bound of D is above −m: a canary worse by m or more
//        passes with probability at most α;
//   fail when the upper bound of D is below 0: a canary as good as prod fails
//        with probability at most α (α/k with k gates: Bonferroni).
// Between −m and 0 lies the indifference zone, as in Wald's sequential test
// between "worse by the margin" and "as good": either decision is acceptable
// there, and whichever the evidence supports first is taken.
//
// Paired when both models scored the labelled requests (shadow mode): the
// per-request difference cancels the requests' own difficulty, which halves
// the labels needed at 10% disagreement. Unpaired otherwise (Welch's variance).
import type { PerRequestMetric } from '@mlship/eval';
import { alwaysValidBounds, type ConfidenceBounds, type Estimate } from './always-valid.ts';
import { mean, sampleVariance, type Moments } from './moments.ts';
import type { CanaryGate } from '../plan.ts';
import type { Evidence } from '../evidence.ts';

export type GateVerdict = 'pass' | 'fail' | 'undecided';

export interface LabelledGateResult {
  gate: CanaryGate;
  verdict: GateVerdict;
  mode: 'paired' | 'unpaired' | 'none';
  /** Labelled requests behind the estimate (pairs, or the canary's when unpaired). */
  labels: number;
  /** The canary's advantage over prod (non-inferiority) or the canary's own value (floor), in the metric's units. */
  estimate: number;
  bounds: ConfidenceBounds;
  reason: string;
}

/** Metrics that take only 0 or 1 per request: their variance is floored so that no disagreement seen is not certainty. */
const BINARY_METRICS = new Set<PerRequestMetric>(['accuracy']);
/** With no margin to centre the mixture on, it is centred on a tenth of a standard deviation: a small effect. */
const SMALL_EFFECT_SDS = 0.1;

function varianceOfMean(m: Moments, metric: PerRequestMetric): number {
  const v = sampleVariance(m);
  const floored = BINARY_METRICS.has(metric) ? Math.max(v, 1 / m.n) : v;
  return floored / m.n;
}

interface Sample {
  mode: 'paired' | 'unpaired';
  labels: number;
  estimate: Estimate;
  /** Per-request standard deviation, for the mixture scale when there is no margin. */
  sd: number;
}

/** The canary's advantage over prod (sign: larger is better). */
function advantage(evidence: Evidence, gate: CanaryGate, minLabels: number): Sample | undefined {
  const sign = gate.higherIsBetter ? 1 : -1;
  const paired = evidence.labels.paired[gate.metric];
  if (paired && paired.difference.n >= minLabels) {
    const d = paired.difference;
    const variance = varianceOfMean(d, gate.metric);
    return {
      mode: 'paired',
      labels: d.n,
      estimate: { value: sign * mean(d), variance },
      sd: Math.sqrt(variance * d.n),
    };
  }
  const canary = evidence.labels.canary[gate.metric];
  const prod = evidence.labels.prod[gate.metric];
  if (canary && prod && canary.n >= minLabels && prod.n >= minLabels) {
    const variance = varianceOfMean(canary, gate.metric) + varianceOfMean(prod, gate.metric);
    return {
      mode: 'unpaired',
      labels: canary.n,
      estimate: { value: sign * (mean(canary) - mean(prod)), variance },
      sd: Math.sqrt((sampleVariance(canary) + sampleVariance(prod)) / 2),
    };
  }
  return undefined;
}

/** The canary's own value: its paired sums when it has them (more labels), else its split-traffic sums. */
function canaryValue(evidence: Evidence, gate: CanaryGate, minLabels: number): Sample | undefined {
  const paired = evidence.labels.paired[gate.metric]?.canary;
  const own = evidence.labels.canary[gate.metric];
  const m = paired && paired.n >= (own?.n ?? 0) ? paired : own;
  if (!m || m.n < minLabels) return undefined;
  const variance = varianceOfMean(m, gate.metric);
  return {
    mode: m === paired ? 'paired' : 'unpaired',
    labels: m.n,
    estimate: { value: mean(m), variance },
    sd: Math.sqrt(variance * m.n),
  };
}

function labelsSoFar(evidence: Evidence, metric: PerRequestMetric): number {
  return Math.max(evidence.labels.paired[metric]?.difference.n ?? 0, evidence.labels.canary[metric]?.n ?? 0);
}

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : x > 0 ? '∞' : '-∞');

export function describeGate(gate: CanaryGate): string {
  if (gate.kind === 'non-inferiority')
    return `${gate.metric}: ${gate.higherIsBetter ? 'drop' : 'increase'} ≤ ${fmt(gate.threshold)} vs prod`;
  return `${gate.metric} ${gate.higherIsBetter ? '≥' : '≤'} ${fmt(gate.threshold)}`;
}

/**
 * Judges every gate. `alpha` bounds each promote claim (all gates must pass:
 * an intersection-union test needs no correction); rollback claims share it
 * across gates.
 */
export function judgeLabelledGates(
  evidence: Evidence,
  gates: readonly CanaryGate[],
  settings: { alpha: number; minLabels: number },
): LabelledGateResult[] {
  const rollbackAlpha = settings.alpha / Math.max(1, gates.length);
  return gates.map((gate) => {
    const sample =
      gate.kind === 'non-inferiority'
        ? advantage(evidence, gate, settings.minLabels)
        : canaryValue(evidence, gate, settings.minLabels);
    const label = describeGate(gate);
    if (!sample) {
      const n = labelsSoFar(evidence, gate.metric);
      return {
        gate,
        verdict: 'undecided',
        mode: 'none',
        labels: n,
        estimate: Number.NaN,
        bounds: { lower: -Infinity, upper: Infinity, halfWidth: Infinity },
        reason: `${label}: ${n} of the ${settings.minLabels} labelled requests needed before judging`,
      };
    }
    const margin = gate.kind === 'non-inferiority' ? gate.threshold : 0;
    const scale = margin > 0 ? margin : Math.max(SMALL_EFFECT_SDS * sample.sd, Number.MIN_VALUE);
    const promote = alwaysValidBounds(sample.estimate, settings.alpha, scale).halfWidth;
    const rollback = alwaysValidBounds(sample.estimate, rollbackAlpha, scale).halfWidth;
    // On the "larger is better" scale, measured from the line each claim must cross.
    const sign = gate.higherIsBetter ? 1 : -1;
    const goodness =
      gate.kind === 'non-inferiority' ? sample.estimate.value : sign * (sample.estimate.value - gate.threshold);
    const passLine = gate.kind === 'non-inferiority' ? -margin : 0;
    const verdict: GateVerdict =
      goodness - promote > passLine ? 'pass' : goodness + rollback < 0 ? 'fail' : 'undecided';
    // Shown in the metric's own units: canary − prod, or the canary's value.
    const shown = gate.kind === 'non-inferiority' ? sign * sample.estimate.value : sample.estimate.value;
    const bounds = { lower: shown - promote, upper: shown + promote, halfWidth: promote };
    const what = gate.kind === 'non-inferiority' ? 'canary − prod' : 'canary';
    const interval = `${what} ${fmt(shown)} [${fmt(bounds.lower)}, ${fmt(bounds.upper)}] on ${sample.labels} ${sample.mode} labels`;
    const reason =
      verdict === 'pass'
        ? `${label}: passes, ${interval}`
        : verdict === 'fail'
          ? `${label}: fails, ${interval}: ${gate.kind === 'non-inferiority' ? 'the canary is worse than prod' : 'the canary is past the bound'}`
          : `${label}: undecided, ${interval}`;
    return { gate, verdict, mode: sample.mode, labels: sample.labels, estimate: shown, bounds, reason };
  });
}
