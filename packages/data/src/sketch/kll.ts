// KLL quantile sketch (Karnin, Lang, Liberty 2016), written here because no
// maintained npm package offers a mergeable, JSON-serialisable sketch with a
// rank-error guarantee (tdigest is unmaintained and not mergeable across
// processes; DDSketch bounds relative value error, not rank error, which the
// KS statistic needs). Compaction alternates the kept half deterministically,
// so the same input and merge order always give the same sketch.
import { z } from 'zod';

export const KllStateSchema = z.object({
  k: z.number().int().min(8),
  n: z.number().int().min(0),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** levels[h] holds items of weight 2^h. */
  levels: z.array(z.array(z.number())),
  coin: z.number().int().min(0).max(1),
});
export type KllState = z.infer<typeof KllStateSchema>;

const DECAY = 2 / 3;
const MIN_WIDTH = 8;
const BUFFER = 4096;

export class KllSketch {
  readonly k: number;
  n = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private levels: number[][] = [[]];
  private coin = 0;
  /** Items held, and the most held before a compaction (the sum of level capacities). */
  private size = 0;
  private capacities: number[] = [];
  private totalCapacity = 0;
  /** New values wait here and enter level 0 sorted in bulk, so compactions are few and large. */
  private readonly buffer = new Float64Array(BUFFER);
  private buffered = 0;

  constructor(k = 256) {
    this.k = k;
    this.updateCapacities();
  }

  static fromState(state: KllState): KllSketch {
    const s = new KllSketch(state.k);
    s.n = state.n;
    s.min = state.min ?? Number.POSITIVE_INFINITY;
    s.max = state.max ?? Number.NEGATIVE_INFINITY;
    s.levels = state.levels.map((l) => [...l]);
    if (s.levels.length === 0) s.levels = [[]];
    s.coin = state.coin;
    s.size = s.levels.reduce((sum, l) => sum + l.length, 0);
    s.updateCapacities();
    return s;
  }

  toState(): KllState {
    this.flush();
    return {
      k: this.k,
      n: this.n,
      min: this.n > 0 ? this.min : null,
      max: this.n > 0 ? this.max : null,
      levels: this.levels.map((l) => [...l]),
      coin: this.coin,
    };
  }

  /** Adds one finite value. */
  update(value: number): void {
    this.n++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.buffer[this.buffered++] = value;
    if (this.buffered === BUFFER) this.flush();
  }

  private flush(): void {
    if (this.buffered === 0) return;
    const level0 = this.levels[0]!;
    for (let i = 0; i < this.buffered; i++) level0.push(this.buffer[i]!);
    this.size += this.buffered;
    this.buffered = 0;
    while (this.size >= this.totalCapacity) this.compress();
  }

  /** Merges another sketch into this one (same k). */
  merge(other: KllSketch): void {
    if (other.k !== this.k) throw new Error(`cannot merge KLL sketches with k=${this.k} and k=${other.k}`);
    if (other.n === 0) return;
    this.flush();
    other.flush();
    this.n += other.n;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    other.levels.forEach((items, h) => {
      while (this.levels.length <= h) this.levels.push([]);
      for (const v of items) this.levels[h]!.push(v);
    });
    this.size += other.size;
    this.updateCapacities();
    while (this.size >= this.totalCapacity) this.compress();
  }

  /** Share of values <= x (the empirical CDF, within the sketch's rank error). */
  cdf(x: number): number {
    if (this.n === 0) return Number.NaN;
    this.flush();
    let rank = 0;
    this.levels.forEach((items, h) => {
      const w = 2 ** h;
      for (const v of items) if (v <= x) rank += w;
    });
    return rank / this.weight();
  }

  /** Sorted items with cumulative weights, for quantiles and CDF comparisons. */
  sortedView(): { values: Float64Array; cumulative: Float64Array; total: number } {
    this.flush();
    const pairs: [number, number][] = [];
    this.levels.forEach((items, h) => {
      for (const v of items) pairs.push([v, 2 ** h]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    const values = new Float64Array(pairs.length);
    const cumulative = new Float64Array(pairs.length);
    let total = 0;
    pairs.forEach(([v, w], i) => {
      total += w;
      values[i] = v;
      cumulative[i] = total;
    });
    return { values, cumulative, total };
  }

  /** The q-quantile (0..1); the exact min and max at the ends. */
  quantile(q: number): number {
    if (this.n === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const { values, cumulative, total } = this.sortedView();
    const target = q * total;
    for (let i = 0; i < values.length; i++) if (cumulative[i]! >= target) return values[i]!;
    return this.max;
  }

  private weight(): number {
    this.flush();
    let w = 0;
    this.levels.forEach((items, h) => (w += items.length * 2 ** h));
    return w;
  }

  private updateCapacities(): void {
    const depth = this.levels.length;
    this.capacities = this.levels.map((_, h) => Math.max(MIN_WIDTH, Math.ceil(this.k * DECAY ** (depth - 1 - h))));
    this.totalCapacity = this.capacities.reduce((a, b) => a + b, 0);
  }

  /**
   * Lazy compaction (Ivkin et al. 2019): only when the sketch is full, halve
   * the lowest level over its capacity. Level 0 then holds many items per
   * compaction, so each is sorted by the native typed-array sort in bulk.
   */
  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      const items = this.levels[h]!;
      if (items.length < this.capacities[h]!) continue;
      if (h + 1 === this.levels.length) this.levels.push([]);
      const sorted = Float64Array.from(items).sort();
      // An odd item out stays at this level so weights are preserved exactly.
      const odd = sorted.length % 2 === 1;
      const pairs = odd ? sorted.length - 1 : sorted.length;
      const up = this.levels[h + 1]!;
      for (let i = this.coin; i < pairs; i += 2) up.push(sorted[i]!);
      this.coin ^= 1;
      this.levels[h] = odd ? [sorted[pairs]!] : [];
      this.size -= pairs / 2;
      this.updateCapacities();
      return;
    }
  }
}
