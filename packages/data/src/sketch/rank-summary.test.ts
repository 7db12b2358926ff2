import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  atOrBelow,
  below,
  compareSummaries,
  exactSummary,
  isExact,
  mergeSummaries,
  prune,
  quantile,
  rankError,
  type RankSummary,
} from './rank-summary.ts';

/** The exact summary of `values` at `points`. */
function summaryOf(values: number[], points: number[]): RankSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return exactSummary(
    sorted.length,
    points,
    points.map((p) => sorted.filter((v) => v < p).length),
    points.map((p) => sorted.filter((v) => v <= p).length),
  );
}

test('an exact summary answers at its points exactly and bounds the counts between them', () => {
  const s = summaryOf([1, 2, 2, 3, 5, 8], [2, 5]);
  assert.deepEqual(atOrBelow(s, 2), [3, 3]);
  assert.deepEqual(below(s, 2), [1, 1]);
  assert.deepEqual(atOrBelow(s, 4), [3, 4], 'between 2 and 5: at least the 3 at or below 2, at most the 4 below 5');
  assert.deepEqual(atOrBelow(s, 9), [5, 6]);
  assert.deepEqual(below(s, 1), [0, 1]);
  assert.equal(quantile(s, 0.5), 2);
  // One value is unplaced in each gap: below 2, between 2 and 5, above 5.
  assert.equal(rankError(s), 1 / 6);
});

test('KS between exact summaries of small samples: the lower bound is the exact D where the points cover the data', () => {
  const a = [1, 2, 3, 4];
  const b = [3, 4, 5, 6];
  const points = [1, 2, 3, 4, 5, 6];
  const d = compareSummaries(summaryOf(a, points), summaryOf(b, points));
  assert.equal(d.ks, 0.5);
  assert.equal(d.ksLowerBound, 0.5);
  assert.ok(Math.abs(d.wasserstein - 2) < 1e-12); // every quantile moved by 2
  // With fewer points the bound can only be smaller, never larger than the exact D.
  const coarse = compareSummaries(summaryOf(a, [2]), summaryOf(b, [5]));
  assert.ok(coarse.ksLowerBound <= 0.5);
});

test('merging summaries: bounds contain the truth; shared points stay exact; pruning keeps bounds valid', () => {
  const rand = (() => {
    let s = 7;
    return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  })();
  const parts = [0, 1, 2].map(() => Array.from({ length: 500 }, () => Math.round(rand() * 1000) / 10));
  const shared = [10, 50, 90];
  const summaries = parts.map((p, i) =>
    summaryOf(
      p,
      [...new Set([...shared, ...p.filter((_, k) => k % (20 + i) === 0)])].sort((x, y) => x - y),
    ),
  );
  const merged = mergeSummaries(summaries);
  const all = parts.flat();
  for (const x of [...merged.values, 0, 33.3, 200]) {
    const le = all.filter((v) => v <= x).length;
    const [lo, hi] = atOrBelow(merged, x);
    assert.ok(lo <= le && le <= hi, `${x}: ${le} not in ${lo}..${hi}`);
  }
  for (const x of shared)
    assert.deepEqual(atOrBelow(merged, x), [all.filter((v) => v <= x).length, all.filter((v) => v <= x).length]);
  assert.equal(isExact(merged), false);
  const small = prune(merged, 16);
  assert.ok(small.values.length <= 17);
  for (const x of [0, 25, 50, 75, 100]) {
    const le = all.filter((v) => v <= x).length;
    const [lo, hi] = atOrBelow(small, x);
    assert.ok(lo <= le && le <= hi);
  }
});
