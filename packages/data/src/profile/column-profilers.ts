// Streaming accumulators behind a column profile: each consumes column batches
// and each merges with another of its kind, so profiling a file and merging
// shard profiles are the same arithmetic.
import type { CategoricalColumn, NumericColumn } from '../read/columns.ts';
import { KllSketch } from '../sketch/kll.ts';
import { atOrBelow, emptySummary, exactSummary, quantile, type RankSummary } from '../sketch/rank-summary.ts';
import { HyperLogLog, hashNumber, hashString } from '../sketch/hyperloglog.ts';
import { FrequentItems } from '../sketch/frequent-items.ts';
import { PERCENTILES, type CategoricalProfile, type Histogram, type NumericProfile } from './profile-schema.ts';
import { isDateText } from '../expect/row-checks.ts';

const MAX_INVALID_SAMPLES = 5;
export const DEFAULT_HISTOGRAM_BINS = 10;

/** What the engine counted exactly after the pass (see engine/exact-counts.ts). */
export interface ExactColumnStats {
  /** Sorted distinct points with the finite values below and at each. */
  points?: { points: ArrayLike<number>; below: ArrayLike<number>; atOrBelow: ArrayLike<number> };
  distinctCount?: number;
}

/** Evenly spaced ranks at which a profile keeps its points. */
export const SUMMARY_POINTS = 512;

/**
 * One pass over a numeric column: counts, moments, HyperLogLog, and a KLL
 * sketch that only chooses where the profile's points go; the counts at the
 * points are then exact (ExactColumnStats).
 */
export class NumericProfiler {
  readonly name: string;
  timestamp: boolean;
  count = 0;
  nullCount = 0;
  nanCount = 0;
  posInfCount = 0;
  negInfCount = 0;
  invalidCount = 0;
  invalidSamples: string[] = [];
  mean = 0;
  m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  finiteCount = 0;
  allIntegers = true;
  sketch = new KllSketch();
  distinct = new HyperLogLog();

  constructor(name: string, timestamp: boolean) {
    this.name = name;
    this.timestamp = timestamp;
  }

  update(column: NumericColumn, rowCount: number): void {
    const { values, nulls } = column;
    const { sketch, distinct } = this;
    let finite = 0;
    let sum = 0;
    let integers = this.allIntegers;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < rowCount; i++) {
      if (nulls[i] === 1) {
        this.nullCount++;
        continue;
      }
      const v = values[i]!;
      if (v - v !== 0) {
        if (Number.isNaN(v)) this.nanCount++;
        else if (v > 0) this.posInfCount++;
        else this.negInfCount++;
        continue;
      }
      finite++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (integers && !Number.isInteger(v)) integers = false;
      sketch.update(v);
      distinct.add(hashNumber(v));
    }
    this.min = min;
    this.max = max;
    this.allIntegers = integers;
    this.count += rowCount;
    this.invalidCount += column.invalid.count;
    for (const s of column.invalid.samples)
      if (this.invalidSamples.length < MAX_INVALID_SAMPLES) this.invalidSamples.push(s);
    if (finite === 0) return;
    const batchMean = sum / finite;
    let batchM2 = 0;
    for (let i = 0; i < rowCount; i++) {
      const v = values[i]!;
      if (nulls[i] === 0 && v - v === 0) batchM2 += (v - batchMean) * (v - batchMean);
    }
    const total = this.finiteCount + finite;
    const delta = batchMean - this.mean;
    this.mean += (delta * finite) / total;
    this.m2 += batchM2 + (delta * delta * this.finiteCount * finite) / total;
    this.finiteCount = total;
  }

  /** Rows that are null in a batch where the column had no kind yet. */
  addNulls(rows: number): void {
    this.count += rows;
    this.nullCount += rows;
  }

  /** Where the profile counts: evenly spaced ranks of the sketch, plus the reference's points. */
  points(reference?: NumericProfile): Float64Array {
    const chosen = new Set<number>();
    if (this.finiteCount > 0) {
      const ranks = Array.from({ length: SUMMARY_POINTS }, (_, k) => (k + 1) / SUMMARY_POINTS);
      for (const v of this.sketch.quantiles(ranks)) chosen.add(v);
      chosen.add(this.min);
    }
    for (const v of reference?.quantileSummary.values ?? []) chosen.add(v);
    return Float64Array.from(chosen).sort();
  }

  finish(exact: ExactColumnStats, reference?: NumericProfile): NumericProfile {
    const n = this.finiteCount;
    const summary = exact.points
      ? exactSummary(n, exact.points.points, exact.points.below, exact.points.atOrBelow)
      : emptySummary();
    return numericProfileOf(
      {
        name: this.name,
        kind: 'numeric',
        timestamp: this.timestamp,
        count: this.count,
        nullCount: this.nullCount,
        nanCount: this.nanCount,
        posInfCount: this.posInfCount,
        negInfCount: this.negInfCount,
        invalidCount: this.invalidCount,
        invalidSamples: this.invalidSamples,
        finiteCount: n,
        mean: n > 0 ? this.mean : null,
        m2: this.m2,
        min: n > 0 ? this.min : null,
        max: n > 0 ? this.max : null,
        allIntegers: this.allIntegers,
        distinctCount: exact.distinctCount ?? null,
        quantileSummary: summary,
        distinctSketch: this.distinct.toState(),
      },
      reference?.histogram?.cuts,
    );
  }
}

/** The fields derived from the rest: stdev, percentiles, the distinct estimate and the histogram. */
export type NumericCore = Omit<NumericProfile, 'stdev' | 'percentiles' | 'distinctEstimate' | 'histogram'>;

export function numericProfileOf(core: NumericCore, cuts?: readonly number[]): NumericProfile {
  const n = core.finiteCount;
  const summary = core.quantileSummary;
  const percentiles: Record<string, number> = {};
  if (n > 0) for (const q of PERCENTILES) percentiles[`p${Math.round(q * 100)}`] = quantile(summary, q);
  const estimate = Math.min(HyperLogLog.fromState(core.distinctSketch).estimate(), n);
  return {
    ...core,
    stdev: n > 1 ? Math.sqrt(core.m2 / (n - 1)) : null,
    percentiles,
    distinctEstimate: core.distinctCount ?? estimate,
    histogram: histogramOf(summary, cuts ?? decileCuts(summary)),
  };
}

/** Decile cuts of a summary (its points nearest the deciles), so the counts on them are the summary's own. */
export function decileCuts(summary: RankSummary): number[] {
  if (summary.n === 0) return [];
  return [
    ...new Set(
      Array.from({ length: DEFAULT_HISTOGRAM_BINS - 1 }, (_, i) => quantile(summary, (i + 1) / DEFAULT_HISTOGRAM_BINS)),
    ),
  ].sort((a, b) => a - b);
}

/** Counts per bin (cuts[i-1] < v <= cuts[i]) from a summary: exact where its counts at the cuts are. */
export function histogramOf(summary: RankSummary, cuts: readonly number[]): Histogram | null {
  if (summary.n === 0) return null;
  let exact = true;
  const counts: number[] = [];
  let previous = 0;
  for (const c of cuts) {
    const [lo, hi] = atOrBelow(summary, c);
    if (lo !== hi) exact = false;
    const at = (lo + hi) / 2;
    counts.push(Math.max(0, at - previous));
    previous = at;
  }
  counts.push(Math.max(0, summary.n - previous));
  return { cuts: [...cuts], counts, exact };
}

export class CategoricalProfiler {
  readonly name: string;
  count = 0;
  nullCount = 0;
  minLength = Number.POSITIVE_INFINITY;
  maxLength = -1;
  dateTextCount = 0;
  /** Exact, when a merge knows it (every part's top values complete). */
  distinctCount: number | null = null;
  top = new FrequentItems();
  distinct = new HyperLogLog();

  constructor(name: string) {
    this.name = name;
  }

  update(column: CategoricalColumn, rowCount: number): void {
    const { codes, dictionary } = column;
    const counts = new Int32Array(dictionary.length);
    let nulls = 0;
    for (let i = 0; i < rowCount; i++) {
      const c = codes[i]!;
      if (c < 0) nulls++;
      else counts[c]!++;
    }
    for (let c = 0; c < dictionary.length; c++) {
      if (counts[c] === 0) continue;
      const value = dictionary[c]!;
      this.top.add(value, counts[c]!);
      this.distinct.add(hashString(value));
      if (isDateText(value)) this.dateTextCount += counts[c]!;
      if (value.length < this.minLength) this.minLength = value.length;
      if (value.length > this.maxLength) this.maxLength = value.length;
    }
    this.count += rowCount;
    this.nullCount += nulls;
  }

  addNulls(rows: number): void {
    this.count += rows;
    this.nullCount += rows;
  }

  merge(other: CategoricalProfiler): void {
    this.count += other.count;
    this.nullCount += other.nullCount;
    this.minLength = Math.min(this.minLength, other.minLength);
    this.maxLength = Math.max(this.maxLength, other.maxLength);
    this.dateTextCount += other.dateTextCount;
    this.top.merge(other.top);
    this.distinct.merge(other.distinct);
  }

  static fromProfile(p: CategoricalProfile): CategoricalProfiler {
    const profiler = new CategoricalProfiler(p.name);
    profiler.count = p.count;
    profiler.nullCount = p.nullCount;
    profiler.minLength = p.minLength ?? Number.POSITIVE_INFINITY;
    profiler.maxLength = p.maxLength ?? -1;
    profiler.dateTextCount = p.dateTextCount;
    profiler.top = FrequentItems.fromState(p.topValues);
    profiler.distinct = HyperLogLog.fromState(p.distinctSketch);
    return profiler;
  }

  finish(exact: ExactColumnStats = {}): CategoricalProfile {
    const topValues = this.top.toState();
    const nonNull = this.count - this.nullCount;
    // Frequent-item counts are exact and complete under capacity: the exact distinct count.
    const distinctCount = topValues.exact ? topValues.items.length : (exact.distinctCount ?? null);
    return {
      name: this.name,
      kind: 'categorical',
      count: this.count,
      nullCount: this.nullCount,
      minLength: nonNull > 0 ? this.minLength : null,
      maxLength: nonNull > 0 ? this.maxLength : null,
      distinctEstimate: distinctCount ?? Math.min(this.distinct.estimate(), nonNull),
      distinctCount,
      dateTextCount: this.dateTextCount,
      topValues,
      distinctSketch: this.distinct.toState(),
    };
  }
}
