import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KllSketch } from './kll.ts';
import { HyperLogLog, hashNumber, hashString } from './hyperloglog.ts';
import { FrequentItems } from './frequent-items.ts';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function exactRank(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

test('KLL: ranks are within 2% of exact ranks on 200k skewed values', () => {
  const rand = lcg(1);
  const values = Float64Array.from({ length: 200_000 }, () => -Math.log(rand()) * 10);
  const sketch = new KllSketch();
  for (const v of values) sketch.update(v);
  const sorted = values.slice().sort();
  const qs = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1];
  const estimates = sketch.quantiles(qs);
  qs.forEach((q, i) => assert.ok(Math.abs(exactRank(sorted, estimates[i]!) - q) < 0.02, `q=${q}`));
  assert.equal(sketch.n, 200_000);
  assert.equal(estimates[0], sorted[0]);
  assert.equal(estimates.at(-1), sorted.at(-1));
  assert.ok(sketch.sortedView().values.length < 2000, 'the sketch stays small');
});

test('HyperLogLog: estimates within 5% at 100 and 200k distinct values, merge is a union', () => {
  const small = new HyperLogLog();
  for (let i = 0; i < 300; i++) small.add(hashNumber(i % 100));
  assert.ok(Math.abs(small.estimate() - 100) <= 3);
  const a = new HyperLogLog();
  const b = new HyperLogLog();
  for (let i = 0; i < 150_000; i++) a.add(hashString(`user-${i}`));
  for (let i = 50_000; i < 200_000; i++) b.add(hashString(`user-${i}`));
  const restored = HyperLogLog.fromState(a.toState());
  restored.merge(b);
  assert.ok(Math.abs(restored.estimate() / 200_000 - 1) < 0.05, String(restored.estimate()));
});

test('FrequentItems: exact under capacity; beyond it the heavy hitters survive with bounded error', () => {
  const f = new FrequentItems(10);
  f.add('a', 5);
  f.add('b', 2);
  f.add('a', 1);
  assert.deepEqual(f.entries(), [
    ['a', 6],
    ['b', 2],
  ]);
  assert.equal(f.toState().exact, true);
  const g = new FrequentItems(10);
  for (let i = 0; i < 500; i++) g.add(`rare-${i}`, 1);
  g.add('heavy', 1000);
  const other = new FrequentItems(10);
  other.add('heavy', 500);
  g.merge(other);
  const state = g.toState();
  assert.equal(state.exact, false);
  const heavy = state.items.find(([v]) => v === 'heavy')!;
  assert.ok(heavy[1] <= 1500 && heavy[1] >= 1500 - state.errorBound);
  assert.ok(state.items.length <= 10);
});
