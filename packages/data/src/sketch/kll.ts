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
  /** Each level's items, sorted: a compaction's half of a sorted level is sorted, so levels merge in linear time. */
  private levels: Float64Array[] = [new Float64Array(0)];
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
    this.levels[0] = merge(this.levels[0]!, this.buffer.slice(0, this.buffered).sort());
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
   * compaction, sorted in bulk by the native typed-array sort.
   */
  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      const sorted = this.levels[h]!;
      if (sorted.length < this.capacities[h]!) continue;
      if (h + 1 === this.levels.length) this.levels.push(new Float64Array(0));
      // An odd item out stays at this level so weights are preserved exactly.
      const odd = sorted.length % 2 === 1;
      const pairs = odd ? sorted.length - 1 : sorted.length;
      const half = new Float64Array(pairs / 2);
      for (let i = this.coin, j = 0; i < pairs; i += 2) half[j++] = sorted[i]!;
      this.coin ^= 1;
      this.levels[h + 1] = merge(this.levels[h + 1]!, half);
      this.levels[h] = sorted.slice(pairs);
      this.size -= pairs / 2;
      this.updateCapacities();
      return;
    }
  }
}

/** Two sorted arrays as one sorted array. */
function merge(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
