// A small seeded generator (sfc32 seeded through splitmix32): the bootstrap
// must give the same intervals for the same seed on every machine, which
// Math.random cannot.

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
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

/**
 * Multinomial bootstrap counts: `draws` rows drawn with replacement from
 * `weights.length`, written as a count per row.
 */
export function drawBootstrapCounts(weights: Float64Array, random: Random): void {
  const m = weights.length;
  weights.fill(0);
  for (let k = 0; k < m; k++) weights[(random() * m) | 0]! += 1;
}
