// KLL quantile sketch (Karnin, Lang, Liberty 2016), written here because no
// maintained npm package offers one over typed arrays in one pass. It only
// chooses where a profile's points go (evenly spaced ranks): the counts at
// those points are then exact (see rank-summary.ts), so its error moves a
// point, never a count. Compaction alternates the kept half deterministically,
// so the same input always gives the same sketch.

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

  /** The q-quantiles (each 0..1, ascending); the exact min and max at the ends. */
  quantiles(qs: readonly number[]): number[] {
    if (this.n === 0) return qs.map(() => Number.NaN);
    const { values, cumulative, total } = this.sortedView();
    let i = 0;
    return qs.map((q) => {
      if (q <= 0) return this.min;
      if (q >= 1) return this.max;
      while (i < values.length - 1 && cumulative[i]! < q * total) i++;
      return values[i]!;
    });
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
