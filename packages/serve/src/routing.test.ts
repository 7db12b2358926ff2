import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeArm, routePoint } from './routing.ts';

test('a key lands on the same point every time (SHA-256, no process state)', () => {
  assert.equal(routePoint('alice'), routePoint('alice'));
  // Pinned: replicas and restarts agree because the point depends on the key alone.
  assert.equal(routePoint('alice').toFixed(6), '17.126505'); // int(sha256('alice')[:6]) / 2^48 × 100, computed in Python
  assert.ok(routePoint('bob') !== routePoint('alice'));
});

test('weights 0 and 100 send every key to prod and to the canary', () => {
  for (let i = 0; i < 200; i++) {
    assert.equal(routeArm(`user-${i}`, 0), 'prod');
    assert.equal(routeArm(`user-${i}`, 100), 'canary');
  }
});

test('raising the weight keeps every canary key on the canary (5% → 25% → 50%)', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
  const on = (w: number) => new Set(keys.filter((k) => routeArm(k, w) === 'canary'));
  const [five, twentyFive, fifty] = [on(5), on(25), on(50)];
  for (const k of five) assert.ok(twentyFive.has(k));
  for (const k of twentyFive) assert.ok(fifty.has(k));
});

test("the canary's share of 10,000 keys is its weight within sampling error", () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `request-${i}`);
  for (const weight of [5, 25, 50]) {
    const share = keys.filter((k) => routeArm(k, weight) === 'canary').length / keys.length;
    // 4 standard errors of a binomial share at n = 10,000.
    const bound = 4 * Math.sqrt(((weight / 100) * (1 - weight / 100)) / keys.length);
    assert.ok(Math.abs(share - weight / 100) < bound, `weight ${weight}: share ${share}`);
  }
});
