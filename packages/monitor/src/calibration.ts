// Is the model calibrated enough for its probabilities to stand in for labels?
// Checked on labelled rows the model never trained on (the validation
// holdout): a reliability table of equal-width confidence bins and the
// expected calibration error (ECE, the same bins as the validation's `ece`),
// with a bootstrap interval so a small holdout cannot pass as evidence.
import { z } from 'zod';
import { CALIBRATION_BINS, seededRandom } from '@mlship/eval';

export const ReliabilityBinSchema = z.strictObject({
  lower: z.number().min(0).max(1),
  upper: z.number().min(0).max(1),
  count: z.number().int().nonnegative(),
  /** Mean top-class probability of the bin's rows. */
  meanConfidence: z.number().min(0).max(1),
  /** Share of the bin's rows whose top class was right. */
  accuracy: z.number().min(0).max(1),
});
export type ReliabilityBin = z.infer<typeof ReliabilityBinSchema>;

/** What the monitor needs of a holdout's calibration; small enough to ship with a version. */
export const CalibrationSummarySchema = z.strictObject({
  schemaVersion: z.literal(1),
  rows: z.number().int().nonnegative(),
  bins: z.array(ReliabilityBinSchema).min(1),
});
export type CalibrationSummary = z.infer<typeof CalibrationSummarySchema>;

/** The reliability table of top-class confidences and whether each top class was right. */
export function reliabilityBins(
  confidence: ArrayLike<number>,
  correct: ArrayLike<number>,
  binCount = CALIBRATION_BINS,
): CalibrationSummary {
  const count = new Array<number>(binCount).fill(0);
  const confidenceSum = new Array<number>(binCount).fill(0);
  const correctSum = new Array<number>(binCount).fill(0);
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i]!;
    const b = Math.min(binCount - 1, Math.max(0, Math.floor(c * binCount)));
    count[b]!++;
    confidenceSum[b]! += c;
    correctSum[b]! += correct[i]! ? 1 : 0;
  }
  return {
    schemaVersion: 1,
    rows: confidence.length,
    bins: count.map((n, b) => ({
      lower: b / binCount,
      upper: (b + 1) / binCount,
      count: n,
      meanConfidence: n > 0 ? confidenceSum[b]! / n : 0,
      accuracy: n > 0 ? correctSum[b]! / n : 0,
    })),
  };
}

/** ECE = Σ (n_b / n) · |accuracy_b − confidence_b|. */
export function expectedCalibrationError(
  bins: readonly Pick<ReliabilityBin, 'count' | 'meanConfidence' | 'accuracy'>[],
): number {
  let rows = 0;
  let gap = 0;
  for (const b of bins) {
    rows += b.count;
    gap += b.count * Math.abs(b.accuracy - b.meanConfidence);
  }
  return rows > 0 ? gap / rows : Number.NaN;
}

export type CalibrationStatus = 'calibrated' | 'miscalibrated' | 'uncertain';

export interface CalibrationCheck {
  status: CalibrationStatus;
  rows: number;
  ece: number;
  /** Percentile bootstrap interval of the ECE at `confidence`. */
  interval: [number, number];
  confidence: number;
  maxEce: number;
  /** One sentence: why the status is what it is. */
  reason: string;
}

export interface CalibrationOptions {
  /** The largest ECE at which the probabilities stand in for labels. */
  maxEce: number;
  /** Fewer holdout rows than this never count as calibrated. */
  minRows: number;
  confidence?: number;
  replicates?: number;
  seed?: number;
}

/**
 * calibrated: ECE within the tolerance on enough rows; miscalibrated: even the
 * interval's lower end is beyond it; uncertain: neither is shown. Only
 * "calibrated" makes a label-free estimate reliable.
 *
 * The interval resamples each bin's correct count from its binomial (the
 * reliability table is all a stored summary keeps, and the bins' counts are
 * what the holdout fixed), deterministically from the seed.
 */
export function checkCalibration(summary: CalibrationSummary, options: CalibrationOptions): CalibrationCheck {
  const confidence = options.confidence ?? 0.95;
  const replicates = options.replicates ?? 1000;
  const ece = expectedCalibrationError(summary.bins);
  const random = seededRandom(options.seed ?? 20240601);
  const samples = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    const resampled = summary.bins.map((b) => {
      let correct = 0;
      for (let i = 0; i < b.count; i++) if (random() < b.accuracy) correct++;
      return { count: b.count, meanConfidence: b.meanConfidence, accuracy: b.count > 0 ? correct / b.count : 0 };
    });
    samples[r] = expectedCalibrationError(resampled);
  }
  samples.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => samples[Math.min(replicates - 1, Math.max(0, Math.floor(q * replicates)))]!;
  const interval: [number, number] = summary.rows > 0 ? [at(tail), at(1 - tail)] : [Number.NaN, Number.NaN];
  const base = { rows: summary.rows, ece, interval, confidence, maxEce: options.maxEce };
  if (summary.rows < options.minRows)
    return {
      ...base,
      status: 'uncertain',
      reason: `${summary.rows} holdout rows are fewer than the ${options.minRows} needed to show calibration`,
    };
  if (interval[0] > options.maxEce)
    return {
      ...base,
      status: 'miscalibrated',
      reason: `ECE ${ece.toFixed(3)} is beyond ${options.maxEce} even at its interval's lower end`,
    };
  if (ece <= options.maxEce)
    return { ...base, status: 'calibrated', reason: `ECE ${ece.toFixed(3)} is within ${options.maxEce}` };
  return {
    ...base,
    status: 'uncertain',
    reason: `ECE ${ece.toFixed(3)} is above ${options.maxEce}, but its interval reaches below it`,
  };
}
