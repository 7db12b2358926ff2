// ROC AUC and average precision from one sort per score column, then one
// weighted pass per evaluation: the bootstrap re-weights rows (multinomial
// counts) instead of re-sorting resampled rows, so each replicate is O(n).

export interface ScoreOrder {
  /** Row indices in descending score order. */
  order: Int32Array;
  /** 1 where the next row in `order` has a different score (end of a tie group). */
  groupEnd: Uint8Array;
}

/**
 * Sorts rows by score once; ties are kept together so they count as ties
 * (AUC += ½). Scores are compared at float32 precision — what ONNX models
 * output — which lets them sort as 32-bit keys with a radix sort: linear
 * time, about 10× faster than a comparator sort at a million rows.
 */
export function scoreOrder(scores: ArrayLike<number>): ScoreOrder {
  const n = scores.length;
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  // Order-preserving map of a float32 to an unsigned integer (flip negatives entirely, set the sign
  // bit of positives), complemented so that ascending keys are descending scores.
  let keys = new Uint32Array(n);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    f32[0] = Number.isNaN(v) ? -Infinity : v === 0 ? 0 : v;
    const bits = u32[0]!;
    keys[i] = ~(bits & 0x80000000 ? ~bits : bits | 0x80000000) >>> 0;
  }
  let order = new Int32Array(n);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let i = 0; i < n; i++) order[i] = i;
  // LSD radix sort, three 11-bit digits; stable, so ties keep ascending row order.
  let keysOut = new Uint32Array(n);
  let orderOut = new Int32Array(n);
  const count = new Int32Array(RADIX);
  // Stryker disable next-line EqualityOperator: the shifts are 0, 11, 22 and then 33, so < 32 and <= 32 stop alike
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i]! >>> shift) & RADIX_MASK]!++;
    let sum = 0;
    // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
    for (let b = 0; b < RADIX; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const at = count[(key >>> shift) & RADIX_MASK]!++;
      keysOut[at] = key;
      orderOut[at] = order[i]!;
    }
    [keys, keysOut] = [keysOut, keys];
    [order, orderOut] = [orderOut, order];
  }
  const groupEnd = new Uint8Array(n);
  // Past the last row keys[n] is undefined, which ends the last group.
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let k = 0; k < n; k++) groupEnd[k] = keys[k + 1] !== keys[k] ? 1 : 0;
  return { order, groupEnd };
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;

/** 1 at position k when the row at order[k] has class `positive`: computed once, read by every replicate. */
export function positivesInOrder(sorted: ScoreOrder, truth: ArrayLike<number>, positive: number): Uint8Array {
  const { order } = sorted;
  const out = new Uint8Array(order.length);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let k = 0; k < order.length; k++) out[k] = truth[order[k]!] === positive ? 1 : 0;
  return out;
}

/**
 * ROC AUC (Mann-Whitney: P(score⁺ > score⁻) + ½P(tie)) and average precision
 * (sklearn's definition: Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct thresholds), in one
 * descending pass with optional row weights. NaN when a class is absent.
 */
export function rankingMetrics(
  sorted: ScoreOrder,
  positives: Uint8Array,
  weights?: ArrayLike<number>,
): { rocAuc: number; averagePrecision: number } {
  const { order, groupEnd } = sorted;
  const n = order.length;
  let posAbove = 0;
  let negAbove = 0;
  let pairs = 0;
  let apSum = 0;
  let posGroup = 0;
  let negGroup = 0;
  // Branch-free accumulation: labels and zero weights are unpredictable, and
  // this loop runs once per bootstrap replicate over every sampled row.
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined and ends no group, so it counts nowhere
  for (let k = 0; k < n; k++) {
    const w = weights ? weights[order[k]!]! : 1;
    const pos = positives[k]!;
    posGroup += w * pos;
    negGroup += w * (1 - pos);
    if (groupEnd[k]) {
      // Each negative here is outranked by every positive above and ties with half of this group's.
      pairs += negGroup * (posAbove + 0.5 * posGroup);
      posAbove += posGroup;
      negAbove += negGroup;
      // Not only a shortcut: a first group of weight 0 would add 0·(0/0) = NaN.
      if (posGroup > 0) apSum += posGroup * (posAbove / (posAbove + negAbove));
      posGroup = 0;
      negGroup = 0;
    }
  }
  // A class absent from the rows leaves 0/0: NaN.
  return { rocAuc: pairs / (posAbove * negAbove), averagePrecision: apSum / posAbove };
}
