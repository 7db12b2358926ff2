// ROC AUC and average precision from one sort per score column, then one
// weighted pass per evaluation: the bootstrap re-weights rows (multinomial
// counts) instead of re-sorting resampled rows, so each replicate is O(n).

export interface ScoreOrder {
  /** Row indices in ascending score order. */
  order: Int32Array;
  /** 1 where the next row in `order` has a different score (end of a tie group). */
  groupEnd: Uint8Array;
}

/** Sorts rows by score once; ties are kept together so they count as ties (AUC += ½). */
export function scoreOrder(scores: ArrayLike<number>): ScoreOrder {
  const n = scores.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Sorting a copy of the keys beside the indices is much faster than a comparator over an index array.
  const keyed = new Float64Array(n);
  for (let i = 0; i < n; i++) keyed[i] = scores[i]!;
  order.sort((a, b) => keyed[a]! - keyed[b]!);
  const groupEnd = new Uint8Array(n);
  for (let k = 0; k < n; k++) groupEnd[k] = k === n - 1 || keyed[order[k + 1]!] !== keyed[order[k]!] ? 1 : 0;
  return { order, groupEnd };
}

/**
 * ROC AUC (Mann-Whitney: P(score⁺ > score⁻) + ½P(tie)) and average precision
 * (sklearn's definition: Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct thresholds), with
 * optional row weights. NaN when a class is absent.
 */
export function rankingMetrics(
  sorted: ScoreOrder,
  positive: (row: number) => boolean,
  weights?: ArrayLike<number>,
): { rocAuc: number; averagePrecision: number } {
  const { order, groupEnd } = sorted;
  const n = order.length;
  let negBelow = 0;
  let aucSum = 0;
  let posGroup = 0;
  let negGroup = 0;
  let posTotal = 0;
  for (let k = 0; k < n; k++) {
    const row = order[k]!;
    const w = weights ? weights[row]! : 1;
    if (positive(row)) posGroup += w;
    else negGroup += w;
    if (groupEnd[k]) {
      aucSum += posGroup * (negBelow + 0.5 * negGroup);
      negBelow += negGroup;
      posTotal += posGroup;
      posGroup = 0;
      negGroup = 0;
    }
  }
  const rocAuc = posTotal > 0 && negBelow > 0 ? aucSum / (posTotal * negBelow) : Number.NaN;
  // Descending thresholds for precision/recall.
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let tpGroup = 0;
  let fpGroup = 0;
  for (let k = n - 1; k >= 0; k--) {
    const row = order[k]!;
    const w = weights ? weights[row]! : 1;
    if (positive(row)) tpGroup += w;
    else fpGroup += w;
    // groupEnd[k - 1] marks the boundary below row k in descending order.
    if (k === 0 || groupEnd[k - 1]) {
      tp += tpGroup;
      fp += fpGroup;
      if (tpGroup > 0) ap += (tpGroup / posTotal) * (tp / (tp + fp));
      tpGroup = 0;
      fpGroup = 0;
    }
  }
  return { rocAuc, averagePrecision: posTotal > 0 ? ap : Number.NaN };
}
