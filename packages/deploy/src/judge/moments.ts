// Running sums of a per-request quantity: all the judge needs from labelled
// traffic. They add, so a server folds requests into hourly sums and the
// evidence for any window is the sum of its hours.
import { z } from 'zod';

export const MomentsSchema = z.strictObject({
  n: z.number().int().min(0),
  sum: z.number(),
  sumSquares: z.number().min(0),
});
export type Moments = z.infer<typeof MomentsSchema>;

export const EMPTY_MOMENTS: Moments = Object.freeze({ n: 0, sum: 0, sumSquares: 0 });

export function addValue(m: Moments, value: number): Moments {
  return { n: m.n + 1, sum: m.sum + value, sumSquares: m.sumSquares + value * value };
}

export function mergeMoments(a: Moments, b: Moments): Moments {
  return { n: a.n + b.n, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares };
}

export function mean(m: Moments): number {
  return m.n > 0 ? m.sum / m.n : Number.NaN;
}

/** The sample variance (n − 1), never negative from rounding. */
export function sampleVariance(m: Moments): number {
  if (m.n < 2) return Number.NaN;
  const centred = m.sumSquares - (m.sum * m.sum) / m.n;
  return Math.max(0, centred / (m.n - 1));
}
