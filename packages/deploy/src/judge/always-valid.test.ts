import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalQuantile, seededRandom } from '@mlship/eval';
import { alwaysValidBounds, mixtureCrossing } from './always-valid.ts';

/** The one-sided mixture martingale at standardised crossing u, recomputed directly. */
function mixture(u: number, information: number, scale: number): number {
  const a = information + 1 / scale ** 2;
  const s = u * Math.sqrt(a);
  const phi = 0.5 * (1 + erf(s / Math.sqrt(a) / Math.SQRT2));
  return (2 / Math.sqrt(1 + information * scale ** 2)) * phi * Math.exp((s * s) / (2 * a));
}

// Abramowitz & Stegun 7.1.26, independent of the code under test.
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

test('the bound sits where the mixture martingale reaches 1/alpha', () => {
  for (const [information, scale, alpha] of [
    [100, 0.1, 0.05],
    [20_000, 0.02, 0.05],
    [1e6, 0.01, 0.01],
  ] as const) {
    const u = mixtureCrossing(information, alpha, scale);
    assert.ok(Math.abs(mixture(u, information, scale) * alpha - 1) < 1e-4, `I=${information}: M(u*) = 1/α`);
  }
});

test('always-valid bounds are wider than a fixed-look interval, and tighten as information grows', () => {
  const fixed = normalQuantile(0.95);
  let previous = Infinity;
  for (const n of [100, 1000, 10_000, 100_000]) {
    const b = alwaysValidBounds({ value: 0, variance: 1 / n }, 0.05, 0.1);
    assert.ok(b.halfWidth > fixed / Math.sqrt(n), `n=${n}: wider than the one-look bound`);
    assert.ok(b.halfWidth < previous);
    previous = b.halfWidth;
  }
  assert.deepEqual(alwaysValidBounds({ value: 0.3, variance: 0 }, 0.05, 0.1), { lower: 0.3, upper: 0.3, halfWidth: 0 });
  assert.equal(alwaysValidBounds({ value: 0, variance: Infinity }, 0.05, 0.1).halfWidth, Infinity);
  assert.throws(() => alwaysValidBounds({ value: 0, variance: 1 }, 0, 0.1), /alpha/);
});

test('looking after every sample, the always-valid lower bound crosses the truth in at most alpha of runs; a fixed-look bound does far more often', () => {
  const random = seededRandom(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const runs = 300;
  const looks = 1000;
  const fixed = normalQuantile(0.95);
  let validMisses = 0;
  let fixedMisses = 0;
  for (let r = 0; r < runs; r++) {
    let sum = 0;
    let validMissed = false;
    let fixedMissed = false;
    for (let n = 1; n <= looks; n++) {
      sum += gaussian();
      const value = sum / n;
      if (!validMissed && alwaysValidBounds({ value, variance: 1 / n }, 0.05, 0.1).lower > 0) validMissed = true;
      if (!fixedMissed && value - fixed / Math.sqrt(n) > 0) fixedMissed = true;
    }
    if (validMissed) validMisses++;
    if (fixedMissed) fixedMisses++;
  }
  assert.ok(validMisses / runs <= 0.05, `always-valid: ${validMisses}/${runs} runs crossed the truth`);
  assert.ok(fixedMisses / runs > 0.2, `a fixed-look bound checked ${looks} times: ${fixedMisses}/${runs}`);
});
