// A small seeded generator (sfc32 seeded through splitmix32): the bootstrap
// must give the same intervals for the same seed on every machine, which
// Math.random cannot.

export type Random = () => number;

/** sfc32 state; `draw` fills bootstrap counts with the state in locals (the hot loop). */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /**
   * Multinomial bootstrap counts: weights.length rows drawn with replacement
   * from weights.length, written as a count per row. The same sequence as
   * calling next() once per draw.
   */
  drawCounts(weights: Float64Array): void {
    const m = weights.length;
    weights.fill(0);
    let { a, b, c, d } = this;
    for (let k = 0; k < m; k++) {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) >>> 0;
      weights[((t / 4294967296) * m) | 0]! += 1;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
}

export function seededRandom(seed: number): Random {
  const generator = new Sfc32(seed);
  return () => generator.next();
}

/** k distinct indices from [0, n), sorted, by a partial Fisher-Yates shuffle. */
export function sampleWithoutReplacement(n: number, k: number, random: Random): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, k).sort();
}
