import { errorFunction } from 'simple-statistics';

export interface McNemarResult {
  /** Rows the baseline got right and the candidate wrong. */
  baselineOnly: number;
  /** Rows the candidate got right and the baseline wrong. */
  candidateOnly: number;
  method: 'exact' | 'chi-square';
  statistic?: number;
  pValue: number;
}

/** Below this many discordant pairs the chi-square approximation is poor; the exact binomial test is used. */
export const MCNEMAR_EXACT_BELOW = 25;

/**
 * McNemar's test of equal accuracy on paired predictions: only rows where
 * the models disagree on correctness carry information. Two-sided.
 */
export function mcnemarTest(baselineOnly: number, candidateOnly: number): McNemarResult {
  const discordant = baselineOnly + candidateOnly;
  if (discordant < MCNEMAR_EXACT_BELOW) {
    // Exact: twice the binomial(b + c, ½) tail at the smaller count (no discordant pair: the whole mass, p = 1).
    const k = Math.min(baselineOnly, candidateOnly);
    let tail = 0;
    let term = 0.5 ** discordant;
    for (let i = 0; i <= k; i++) {
      tail += term;
      term *= (discordant - i) / (i + 1);
    }
    return { baselineOnly, candidateOnly, method: 'exact', pValue: Math.min(1, 2 * tail) };
  }
  // Edwards' continuity correction; P(χ²₁ > x) = erfc(√(x/2)), clamped because simple-statistics'
  // erf is accurate to about 1e-7 and its erf(0) is −3e-8.
  const statistic = (Math.abs(baselineOnly - candidateOnly) - 1) ** 2 / discordant;
  return {
    baselineOnly,
    candidateOnly,
    method: 'chi-square',
    statistic,
    pValue: Math.min(1, 1 - errorFunction(Math.sqrt(statistic / 2))),
  };
}

/** Counts the discordant pairs of two classifiers' predictions on the same rows. */
export function discordantPairs(
  truth: Int32Array,
  baseline: Int32Array,
  candidate: Int32Array,
): { baselineOnly: number; candidateOnly: number } {
  let baselineOnly = 0;
  let candidateOnly = 0;
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined for all three, a row both models get right
  for (let i = 0; i < truth.length; i++) {
    const b = baseline[i] === truth[i];
    const c = candidate[i] === truth[i];
    if (b && !c) baselineOnly++;
    else if (c && !b) candidateOnly++;
  }
  return { baselineOnly, candidateOnly };
}
