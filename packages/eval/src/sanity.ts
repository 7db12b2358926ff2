// Checks that need no labels and no baseline: outputs a serving system would
// choke on, or a model that has collapsed. Each becomes a gate outcome.
import type { GateOutcome } from './gates.ts';

export interface OutputSanityInputs {
  /** Row-major [N, C] probabilities, when the model outputs them. */
  probabilities?: Float32Array | Float64Array;
  classCount?: number;
  /** Regression predictions. */
  predictions?: ArrayLike<number>;
  /** Predicted class per row (classification). */
  predicted?: Int32Array;
  /** How many classes occur in the truth. */
  truthClassCount?: number;
  tolerance: number;
}

export function outputSanity(model: string, s: OutputSanityInputs): GateOutcome[] {
  const out: GateOutcome[] = [];
  const values = s.probabilities ?? s.predictions;
  if (values) {
    let nonFinite = 0;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) nonFinite++;
    out.push({
      gate: `${model}: outputs are finite`,
      kind: 'sanity',
      scope: model,
      verdict: nonFinite ? 'fail' : 'pass',
      observed: nonFinite,
      threshold: 0,
      reason: nonFinite
        ? `${nonFinite.toLocaleString('en-US')} output values are NaN or infinite`
        : 'no NaN or infinite outputs',
    });
  }
  if (s.probabilities && s.classCount) {
    const c = s.classCount;
    const rows = s.probabilities.length / c;
    let bad = 0;
    let worst = 0;
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let k = 0; k < c; k++) sum += s.probabilities[i * c + k]!;
      const off = Math.abs(sum - 1);
      if (!(off <= s.tolerance)) bad++;
      if (off > worst) worst = off;
    }
    out.push({
      gate: `${model}: probabilities sum to 1 (±${s.tolerance})`,
      kind: 'sanity',
      scope: model,
      verdict: bad ? 'fail' : 'pass',
      observed: bad,
      threshold: 0,
      reason: bad
        ? `${bad.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows do not sum to 1 (worst off by ${worst.toPrecision(3)})`
        : 'every row sums to 1',
    });
  }
  if (s.predicted && (s.truthClassCount ?? 0) > 1) {
    const seen = new Set<number>();
    for (let i = 0; i < s.predicted.length && seen.size < 2; i++) seen.add(s.predicted[i]!);
    out.push({
      gate: `${model}: predicts more than one class`,
      kind: 'sanity',
      scope: model,
      verdict: seen.size < 2 ? 'fail' : 'pass',
      reason:
        seen.size < 2 ? 'every row gets the same class: the model has collapsed' : 'predictions vary across classes',
    });
  }
  return out;
}

/** `what` says what counts as a changed row, e.g. "change class". */
export function robustnessOutcome(
  model: string,
  rate: number,
  maxRate: number,
  noise: number,
  rows: number,
  what: string,
): GateOutcome {
  return {
    gate: `${model}: predictions changed by ${noise}σ input noise ≤ ${maxRate}`,
    kind: 'sanity',
    scope: model,
    verdict: rate <= maxRate ? 'pass' : 'fail',
    observed: rate,
    threshold: maxRate,
    reason: `${(rate * 100).toFixed(2)}% of ${rows.toLocaleString('en-US')} rows ${what}`,
  };
}

/** Largest gap in a metric between groups (e.g. sex = female vs male), judged on point estimates. */
export function fairnessOutcome(
  column: string,
  metric: string,
  byGroup: { group: string; value: number; rows: number }[],
  maxGap: number,
): GateOutcome {
  const valid = byGroup.filter((g) => Number.isFinite(g.value));
  const hi = valid.reduce((a, b) => (b.value > a.value ? b : a), valid[0]!);
  const lo = valid.reduce((a, b) => (b.value < a.value ? b : a), valid[0]!);
  const gap = valid.length > 1 ? hi.value - lo.value : 0;
  if (valid.length < 2 && byGroup.length > 1) {
    // Groups exist but the metric could not be computed in them: not evidence of fairness.
    const missing = byGroup.filter((g) => !Number.isFinite(g.value)).map((g) => g.group);
    return {
      gate: `${metric} gap across ${column} ≤ ${maxGap}`,
      kind: 'fairness',
      scope: column,
      verdict: 'inconclusive',
      threshold: maxGap,
      reason: `${metric} could not be computed for ${missing.join(', ')} (the model has no probabilities, or a group lacks a class)`,
    };
  }
  return {
    gate: `${metric} gap across ${column} ≤ ${maxGap}`,
    kind: 'fairness',
    scope: column,
    verdict: gap <= maxGap ? 'pass' : 'fail',
    observed: gap,
    threshold: maxGap,
    reason:
      valid.length > 1
        ? `${hi.group} ${hi.value.toFixed(3)} vs ${lo.group} ${lo.value.toFixed(3)} (gap ${gap.toFixed(3)})`
        : `fewer than two groups in ${column}`,
  };
}
