// Streaming accumulators behind a column profile: each consumes column batches
// and each merges with another of its kind, so profiling a file and merging
// shard profiles are the same arithmetic.
import type { CategoricalColumn, NumericColumn } from '../read/columns.ts';
import { KllSketch } from '../sketch/kll.ts';
import { HyperLogLog, hashNumber, hashString } from '../sketch/hyperloglog.ts';
import { FrequentItems } from '../sketch/frequent-items.ts';
import { PERCENTILES, type CategoricalProfile, type Histogram, type NumericProfile } from './profile-schema.ts';

const MAX_INVALID_SAMPLES = 5;
export const DEFAULT_HISTOGRAM_BINS = 10;

/** The bin of v: the number of cuts below v (cuts sorted ascending). */
export function binOf(cuts: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

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
  allIntegers = true;
  sketch = new KllSketch();
  distinct = new HyperLogLog();
  /** Fixed cuts (from a reference profile) make the histogram exact and mergeable. */
  cuts: Float64Array | undefined;
  binCounts: Float64Array | undefined;
  histogramExact = true;

  constructor(name: string, timestamp: boolean, cuts?: readonly number[]) {
    this.name = name;
    this.timestamp = timestamp;
    if (cuts) {
      this.cuts = Float64Array.from(cuts);
      this.binCounts = new Float64Array(cuts.length + 1);
    }
  }

  update(column: NumericColumn, rowCount: number): void {
    const { values, nulls } = column;
    const { sketch, distinct, cuts, binCounts } = this;
    let finite = 0;
    let sum = 0;
    let integers = this.allIntegers;
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
      if (integers && !Number.isInteger(v)) integers = false;
      sketch.update(v);
      distinct.add(hashNumber(v));
      if (cuts !== undefined) binCounts![binOf(cuts, v)]!++;
    }
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
    this.combineMoments(finite, batchMean, batchM2);
  }

  /** Chan et al.'s parallel update of mean and M2; `this.sketch.n` already counts the new values. */
  private combineMoments(n: number, mean: number, m2: number): void {
    const total = this.sketch.n;
    const before = total - n;
    const delta = mean - this.mean;
    this.mean += (delta * n) / total;
    this.m2 += m2 + (delta * delta * before * n) / total;
  }

  /** Rows that are null in a batch where the column had no kind yet. */
  addNulls(rows: number): void {
    this.count += rows;
    this.nullCount += rows;
  }

  merge(other: NumericProfiler): void {
    this.count += other.count;
    this.nullCount += other.nullCount;
    this.nanCount += other.nanCount;
    this.posInfCount += other.posInfCount;
    this.negInfCount += other.negInfCount;
    this.invalidCount += other.invalidCount;
    this.invalidSamples = [...this.invalidSamples, ...other.invalidSamples].slice(0, MAX_INVALID_SAMPLES);
    this.allIntegers &&= other.allIntegers;
    this.timestamp ||= other.timestamp;
    this.distinct.merge(other.distinct);
    this.sketch.merge(other.sketch);
    if (other.sketch.n > 0) this.combineMoments(other.sketch.n, other.mean, other.m2);
    const sameCuts =
      this.cuts &&
      other.cuts &&
      this.cuts.length === other.cuts.length &&
      this.cuts.every((c, i) => c === other.cuts![i]);
    if (sameCuts) {
      other.binCounts!.forEach((c, i) => (this.binCounts![i]! += c));
      this.histogramExact &&= other.histogramExact;
    } else {
      // Different cuts cannot be added; finish() estimates bins from the merged sketch.
      this.cuts = undefined;
      this.binCounts = undefined;
    }
  }

  static fromProfile(p: NumericProfile): NumericProfiler {
    const profiler = new NumericProfiler(p.name, p.timestamp, p.histogram?.cuts);
    Object.assign(profiler, {
      count: p.count,
      nullCount: p.nullCount,
      nanCount: p.nanCount,
      posInfCount: p.posInfCount,
      negInfCount: p.negInfCount,
      invalidCount: p.invalidCount,
      invalidSamples: [...p.invalidSamples],
      mean: p.mean ?? 0,
      m2: p.m2,
      allIntegers: p.allIntegers,
      sketch: KllSketch.fromState(p.quantileSketch),
      distinct: HyperLogLog.fromState(p.distinctSketch),
    });
    if (p.histogram) {
      profiler.binCounts = Float64Array.from(p.histogram.counts);
      profiler.histogramExact = p.histogram.exact;
    }
    return profiler;
  }

  finish(): NumericProfile {
    const n = this.sketch.n;
    const percentiles: Record<string, number> = {};
    if (n > 0) for (const q of PERCENTILES) percentiles[`p${Math.round(q * 100)}`] = this.sketch.quantile(q);
    return {
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
      stdev: n > 1 ? Math.sqrt(this.m2 / (n - 1)) : null,
      min: n > 0 ? this.sketch.min : null,
      max: n > 0 ? this.sketch.max : null,
      allIntegers: this.allIntegers,
      percentiles,
      distinctEstimate: Math.min(this.distinct.estimate(), n),
      quantileSketch: this.sketch.toState(),
      distinctSketch: this.distinct.toState(),
      histogram: this.histogram(),
    };
  }

  private histogram(): Histogram | null {
    if (this.cuts && this.binCounts)
      return { cuts: [...this.cuts], counts: [...this.binCounts], exact: this.histogramExact };
    return sketchHistogram(this.sketch, DEFAULT_HISTOGRAM_BINS);
  }
}

/** Decile cuts from the sketch, with bin counts estimated from its ranks. */
export function sketchHistogram(sketch: KllSketch, bins: number): Histogram | null {
  if (sketch.n === 0) return null;
  const cuts = [...new Set(Array.from({ length: bins - 1 }, (_, i) => sketch.quantile((i + 1) / bins)))].sort(
    (a, b) => a - b,
  );
  return { cuts, counts: binCountsFromSketch(sketch, cuts), exact: false };
}

export function binCountsFromSketch(sketch: KllSketch, cuts: readonly number[]): number[] {
  const counts: number[] = [];
  let below = 0;
  for (const c of cuts) {
    const atOrBelow = Math.round(sketch.cdf(c) * sketch.n);
    counts.push(atOrBelow - below);
    below = atOrBelow;
  }
  counts.push(sketch.n - below);
  return counts;
}

export class CategoricalProfiler {
  readonly name: string;
  count = 0;
  nullCount = 0;
  minLength = Number.POSITIVE_INFINITY;
  maxLength = -1;
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
    this.top.merge(other.top);
    this.distinct.merge(other.distinct);
  }

  static fromProfile(p: CategoricalProfile): CategoricalProfiler {
    const profiler = new CategoricalProfiler(p.name);
    profiler.count = p.count;
    profiler.nullCount = p.nullCount;
    profiler.minLength = p.minLength ?? Number.POSITIVE_INFINITY;
    profiler.maxLength = p.maxLength ?? -1;
    profiler.top = FrequentItems.fromState(p.topValues);
    profiler.distinct = HyperLogLog.fromState(p.distinctSketch);
    return profiler;
  }

  finish(): CategoricalProfile {
    const topValues = this.top.toState();
    const nonNull = this.count - this.nullCount;
    return {
      name: this.name,
      kind: 'categorical',
      count: this.count,
      nullCount: this.nullCount,
      minLength: nonNull > 0 ? this.minLength : null,
      maxLength: nonNull > 0 ? this.maxLength : null,
      // Frequent-item counts are exact and complete under capacity: the exact distinct count.
      distinctEstimate: topValues.exact ? topValues.items.length : Math.min(this.distinct.estimate(), nonNull),
      topValues,
      distinctSketch: this.distinct.toState(),
    };
  }
}
