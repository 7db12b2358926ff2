// Which of several one-sided tests reject at family-wise (Holm) or
// false-discovery (Benjamini-Hochberg) level α: per-slice gates test many
// slices at once, and without this one unlucky slice fails every PR.

export type MultipleTestingMethod = 'holm' | 'benjamini-hochberg';

export function rejectedHypotheses(
  pValues: readonly number[],
  alpha: number,
  method: MultipleTestingMethod,
): boolean[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const rejected = new Array<boolean>(m).fill(false);
  if (method === 'holm') {
    // Step-down: stop at the first p(k) > α/(m − k).
    for (const [k, [p, i]] of order.entries()) {
      if (p > alpha / (m - k)) break;
      rejected[i] = true;
    }
    return rejected;
  }
  // Step-up: reject the k smallest for the largest k with p(k) ≤ kα/m.
  let cutoff = -1;
  for (const [k, [p]] of order.entries()) if (p <= ((k + 1) * alpha) / m) cutoff = k;
  for (let k = 0; k <= cutoff; k++) rejected[order[k]![1]] = true;
  return rejected;
}
