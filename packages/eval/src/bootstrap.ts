// Paired bootstrap of every metric difference (candidate − baseline) on the
// same rows.
//
// How it stays fast at a million rows: a replicate is a vector of multinomial
// counts over the rows (the ordinary bootstrap, drawn as weights), and every
// metric is computed as a weighted pass, so no rows are copied and curves are
// sorted once, not once per replicate. Above `maxRows` rows the replicates are
// drawn on a seeded random subsample of m rows and their spread is rescaled
// by √(m/n) around the full-data estimate (every metric here is a smooth
// statistic with √n convergence, which is what makes the rescaling valid);
// at or below `maxRows` it is the exact paired percentile bootstrap.
import { Sfc32, sampleWithoutReplacement } from './random.ts';
import { pairedMetrics, rowCount, subsetCache, subsetPaired } from './paired-data.ts';
import type { PairedCache, PairedData, PairedMetrics } from './paired-data.ts';
import type { MetricName } from './metric-names.ts';

export interface BootstrapOptions {
  replicates: number;
  seed: number;
  /** Two-sided confidence level of the intervals, e.g. 0.95. */
  confidence: number;
  /** Rows above which replicates use a subsample (see above). */
  maxRows: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = {
  replicates: 1000,
  seed: 20240601,
  confidence: 0.95,
  maxRows: 10_000,
};

export interface MetricComparison {
  metric: MetricName;
  baseline: number;
  candidate: number;
  delta: number;
  deltaCi: [number, number];
  candidateCi: [number, number];
  /** Standard error of the difference (bootstrap standard deviation). */
  deltaSe: number;
  /** Replicate differences on the full-data scale, for gate p-values. */
  deltaReplicates: Float64Array;
  candidateReplicates: Float64Array;
}

export interface BootstrapResult {
  rows: number;
  /** Rows the replicates were drawn on (= rows unless subsampled). */
  resampledRows: number;
  comparisons: MetricComparison[];
}

/** `dataCache` is the whole data set's prepared terms (`buildPairedCache`). */
export function pairedBootstrap(
  data: PairedData,
  full: PairedMetrics,
  options: BootstrapOptions,
  dataCache: PairedCache,
): BootstrapResult {
  const n = rowCount(data);
  const generator = new Sfc32(options.seed);
  const random = () => generator.next();
  const m = Math.min(n, options.maxRows);
  const rows = m < n ? sampleWithoutReplacement(n, m, random) : undefined;
  const sample = rows ? subsetPaired(data, rows) : data;
  const cache = rows ? subsetCache(dataCache, rows) : dataCache;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: without a subsample the sample is the data, whose metrics are `full`
  const sampleMetrics = m < n ? pairedMetrics(sample, undefined, cache) : full;
  const scale = Math.sqrt(m / n);
  const metrics = (Object.keys(full.candidate) as MetricName[]).filter(
    (k) => Number.isFinite(full.candidate[k]) && Number.isFinite(full.baseline[k]),
  );
  const deltas = metrics.map(() => new Float64Array(options.replicates));
  const candidates = metrics.map(() => new Float64Array(options.replicates));
  const weights = new Float64Array(m);
  // Stryker disable next-line EqualityOperator: one more replicate would be written past the end of its typed array, which ignores it
  for (let r = 0; r < options.replicates; r++) {
    generator.drawCounts(weights);
    const rep = pairedMetrics(sample, weights, cache);
    for (const [j, metric] of metrics.entries()) {
      const dStar = rep.candidate[metric]! - rep.baseline[metric]!;
      const dSample = sampleMetrics.candidate[metric]! - sampleMetrics.baseline[metric]!;
      deltas[j]![r] = full.candidate[metric]! - full.baseline[metric]! + scale * (dStar - dSample);
      candidates[j]![r] = full.candidate[metric]! + scale * (rep.candidate[metric]! - sampleMetrics.candidate[metric]!);
    }
  }
  const alpha = (1 - options.confidence) / 2;
  const comparisons = metrics.map((metric, j): MetricComparison => {
    const d = deltas[j]!;
    const c = candidates[j]!;
    // A replicate can be NaN when it drew no row of some class; it carries no information.
    const dSorted = finiteSorted(d);
    const cSorted = finiteSorted(c);
    return {
      metric,
      baseline: full.baseline[metric]!,
      candidate: full.candidate[metric]!,
      delta: full.candidate[metric]! - full.baseline[metric]!,
      deltaCi: [quantile(dSorted, alpha), quantile(dSorted, 1 - alpha)],
      candidateCi: [quantile(cSorted, alpha), quantile(cSorted, 1 - alpha)],
      deltaSe: standardDeviation(dSorted),
      deltaReplicates: dSorted,
      candidateReplicates: cSorted,
    };
  });
  return { rows: n, resampledRows: m, comparisons };
}

function finiteSorted(values: Float64Array): Float64Array {
  return values.filter(Number.isFinite).sort();
}

/** Linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantile(sorted: Float64Array, q: number): number {
  // Stryker disable next-line ConditionalExpression: reading past the ends of an empty array gives NaN as well; the guard says so
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

function standardDeviation(values: Float64Array): number {
  if (values.length < 2) return Number.NaN;
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}
