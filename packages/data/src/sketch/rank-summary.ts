// A mergeable quantile summary that knows its own error: for each of a few
// hundred points it holds the number of values below the point and at or
// below it, each as a [min, max] interval. A profile built from data has
// exact counts (min = max): the engine counts them after the pass that chose
// the points. Merging shards turns a shard's count at another shard's point
// into the interval its neighbouring points allow, so the error stays known
// and is never hidden: a distribution test on summaries uses the smallest
// difference the intervals allow (Greenwald & Khanna's rank bounds, kept
// deterministic and exact where the data was at hand).
import { z } from 'zod';

export const RankSummarySchema = z
  .object({
    /** Finite values summarised. */
    n: z.number().int().min(0),
    /** Sorted distinct points. */
    values: z.array(z.number()),
    /** Values < point: [min, max] per point. */
    belowMin: z.array(z.number().min(0)),
    belowMax: z.array(z.number().min(0)),
    /** Values <= point: [min, max] per point. */
    atOrBelowMin: z.array(z.number().min(0)),
    atOrBelowMax: z.array(z.number().min(0)),
  })
  .refine(
    (s) =>
      [s.belowMin, s.belowMax, s.atOrBelowMin, s.atOrBelowMax].every((a) => a.length === s.values.length) &&
      s.values.every((v, i) => i === 0 || v > s.values[i - 1]!),
    'points must be sorted and distinct, with four counts per point',
  );
export type RankSummary = z.infer<typeof RankSummarySchema>;

/** A count's bounds. */
export type Bounds = readonly [number, number];

/** Most points a summary keeps after a merge. */
export const MAX_POINTS = 1024;

export function emptySummary(): RankSummary {
  return { n: 0, values: [], belowMin: [], belowMax: [], atOrBelowMin: [], atOrBelowMax: [] };
}

/** A summary with exact counts at `points` (sorted, distinct). */
export function exactSummary(
  n: number,
  points: ArrayLike<number>,
  below: ArrayLike<number>,
  atOrBelow: ArrayLike<number>,
): RankSummary {
  return {
    n,
    values: Array.from(points),
    belowMin: Array.from(below),
    belowMax: Array.from(below),
    atOrBelowMin: Array.from(atOrBelow),
    atOrBelowMax: Array.from(atOrBelow),
  };
}

/** Index of the last point <= x (strict: < x), or -1. */
function lastIndex(values: readonly number[], x: number, strict: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strict ? values[mid]! < x : values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Bounds on the number of values <= x. */
export function atOrBelow(s: RankSummary, x: number): Bounds {
  const j = lastIndex(s.values, x, false);
  if (j >= 0 && s.values[j] === x) return [s.atOrBelowMin[j]!, s.atOrBelowMax[j]!];
  const lower = j >= 0 ? s.atOrBelowMin[j]! : 0;
  const upper = j + 1 < s.values.length ? s.belowMax[j + 1]! : s.n;
  return [lower, upper];
}

/** Bounds on the number of values < x. */
export function below(s: RankSummary, x: number): Bounds {
  const j = lastIndex(s.values, x, true);
  const next = j + 1 < s.values.length ? j + 1 : -1;
  const lower = Math.max(j >= 0 ? s.atOrBelowMin[j]! : 0, next >= 0 && s.values[next] === x ? s.belowMin[next]! : 0);
  const upper = next >= 0 ? s.belowMax[next]! : s.n;
  return [lower, upper];
}

/** True when every count is known exactly. */
export function isExact(s: RankSummary): boolean {
  return s.values.every((_, i) => s.belowMin[i] === s.belowMax[i] && s.atOrBelowMin[i] === s.atOrBelowMax[i]);
}

/**
 * The largest share of values about whose side of some x the summary is
 * unsure: the widest interval of the CDF, between or at points.
 */
export function rankError(s: RankSummary): number {
  if (s.n === 0) return 0;
  let widest = 0;
  for (let i = 0; i <= s.values.length; i++) {
    const lower = i > 0 ? s.atOrBelowMin[i - 1]! : 0;
    const upper = i < s.values.length ? s.belowMax[i]! : s.n;
    widest = Math.max(widest, upper - lower);
    if (i < s.values.length)
      widest = Math.max(widest, s.atOrBelowMax[i]! - s.atOrBelowMin[i]!, s.belowMax[i]! - s.belowMin[i]!);
  }
  return widest / s.n;
}

/** The q-quantile: the first point at or below which at least q of the values lie (by the middle of the bounds). */
export function quantile(s: RankSummary, q: number): number {
  if (s.values.length === 0) return Number.NaN;
  const target = q * s.n;
  for (let i = 0; i < s.values.length; i++)
    if ((s.atOrBelowMin[i]! + s.atOrBelowMax[i]!) / 2 >= target) return s.values[i]!;
  return s.values.at(-1)!;
}

/** The summary of the union of the data of several summaries. */
export function mergeSummaries(summaries: readonly RankSummary[]): RankSummary {
  const parts = summaries.filter((s) => s.n > 0);
  if (parts.length === 0) return emptySummary();
  if (parts.length === 1) return structuredClone(parts[0]!);
  const points = [...new Set(parts.flatMap((s) => s.values))].sort((a, b) => a - b);
  const merged: RankSummary = {
    n: parts.reduce((t, s) => t + s.n, 0),
    values: points,
    belowMin: [],
    belowMax: [],
    atOrBelowMin: [],
    atOrBelowMax: [],
  };
  for (const p of points) {
    let bMin = 0;
    let bMax = 0;
    let aMin = 0;
    let aMax = 0;
    for (const s of parts) {
      const b = below(s, p);
      const a = atOrBelow(s, p);
      bMin += b[0];
      bMax += b[1];
      aMin += a[0];
      aMax += a[1];
    }
    merged.belowMin.push(bMin);
    merged.belowMax.push(bMax);
    merged.atOrBelowMin.push(aMin);
    merged.atOrBelowMax.push(aMax);
  }
  return prune(merged, MAX_POINTS);
}

/** Keeps at most `max` points, evenly spread in rank; bounds stay valid (dropping a point only widens gaps). */
export function prune(s: RankSummary, max: number, keep: ReadonlySet<number> = new Set()): RankSummary {
  if (s.values.length <= max) return s;
  const chosen = new Set<number>();
  s.values.forEach((v, i) => keep.has(v) && chosen.add(i));
  const slots = Math.max(2, max - chosen.size);
  let j = 0;
  for (let k = 0; k < slots; k++) {
    const target = ((k + 1) / slots) * s.n;
    while (j < s.values.length - 1 && (s.atOrBelowMin[j]! + s.atOrBelowMax[j]!) / 2 < target) j++;
    chosen.add(j);
  }
  chosen.add(0);
  const order = [...chosen].sort((a, b) => a - b);
  return {
    n: s.n,
    values: order.map((i) => s.values[i]!),
    belowMin: order.map((i) => s.belowMin[i]!),
    belowMax: order.map((i) => s.belowMax[i]!),
    atOrBelowMin: order.map((i) => s.atOrBelowMin[i]!),
    atOrBelowMax: order.map((i) => s.atOrBelowMax[i]!),
  };
}

export interface DistributionDistance {
  /** KS D estimated from the middle of the bounds. */
  ks: number;
  /** The smallest D the bounds allow: the sound statistic for a test. */
  ksLowerBound: number;
  /** 1-Wasserstein distance (area between the CDFs), from the middle of the bounds. */
  wasserstein: number;
}

/**
 * KS D and the Wasserstein distance between two summarised distributions,
 * evaluated at every point of either (and just below it). Where both
 * summaries are exact at a point, the difference there is exact.
 */
export function compareSummaries(a: RankSummary, b: RankSummary): DistributionDistance {
  const points = [...new Set([...a.values, ...b.values])].sort((x, y) => x - y);
  let ks = 0;
  let ksLowerBound = 0;
  let wasserstein = 0;
  let previous = Number.NaN;
  let previousGap = 0;
  const share = (bounds: Bounds, n: number): [number, number] => [bounds[0] / n, bounds[1] / n];
  for (const x of points) {
    for (const [fa, fb] of [
      [share(below(a, x), a.n), share(below(b, x), b.n)],
      [share(atOrBelow(a, x), a.n), share(atOrBelow(b, x), b.n)],
    ] as const) {
      const gap = Math.abs((fa[0] + fa[1]) / 2 - (fb[0] + fb[1]) / 2);
      ks = Math.max(ks, gap);
      ksLowerBound = Math.max(ksLowerBound, fa[0] - fb[1], fb[0] - fa[1]);
    }
    const fa = share(atOrBelow(a, x), a.n);
    const fb = share(atOrBelow(b, x), b.n);
    if (!Number.isNaN(previous)) wasserstein += previousGap * (x - previous);
    previousGap = Math.abs((fa[0] + fa[1]) / 2 - (fb[0] + fb[1]) / 2);
    previous = x;
  }
  return { ks, ksLowerBound: Math.max(0, ksLowerBound), wasserstein };
}
