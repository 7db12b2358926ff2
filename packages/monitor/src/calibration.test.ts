import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, seededRandom } from '@mlship/eval';
import { checkCalibration, expectedCalibrationError, reliabilityBins } from './calibration.ts';

test('the reliability table and ECE, by hand', () => {
  const summary = reliabilityBins([0.95, 0.95, 0.85, 0.85, 0.55], [1, 1, 1, 0, 1]);
  assert.equal(summary.rows, 5);
  const used = summary.bins.filter((b) => b.count > 0);
  assert.deepEqual(
    used.map((b) => [b.lower, b.count, b.accuracy]),
    [
      [0.5, 1, 1],
      [0.8, 2, 0.5],
      [0.9, 2, 1],
    ],
  );
  // (1·|1 − 0.55| + 2·|0.5 − 0.85| + 2·|1 − 0.95|) / 5 = (0.45 + 0.7 + 0.1) / 5
  assert.ok(Math.abs(expectedCalibrationError(summary.bins) - 0.25) < 1e-12);
});

test('the same bins as the validation’s ece metric', () => {
  const random = seededRandom(3);
  const n = 500;
  const p = new Float64Array(n * 2);
  const truth = new Int32Array(n);
  const predicted = new Int32Array(n);
  const confidence: number[] = [];
  const correct: number[] = [];
  for (let i = 0; i < n; i++) {
    const p1 = random();
    p[i * 2] = 1 - p1;
    p[i * 2 + 1] = p1;
    truth[i] = random() < 0.8 ? (p1 >= 0.5 ? 1 : 0) : p1 >= 0.5 ? 0 : 1;
    predicted[i] = p1 >= 0.5 ? 1 : 0;
    confidence.push(Math.max(p1, 1 - p1));
    correct.push(predicted[i] === truth[i] ? 1 : 0);
  }
  const ece = classificationMetrics(truth, { predicted, probabilities: p }, 2).values.ece!;
  assert.ok(Math.abs(expectedCalibrationError(reliabilityBins(confidence, correct).bins) - ece) < 1e-12);
});

function holdout(n: number, miscalibration: number, seed: number) {
  const random = seededRandom(seed);
  const confidence: number[] = [];
  const correct: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = 0.5 + random() / 2;
    confidence.push(c);
    correct.push(random() < c - miscalibration ? 1 : 0);
  }
  return reliabilityBins(confidence, correct);
}

test('a calibrated model on a large holdout is calibrated; its interval holds the ECE', () => {
  const check = checkCalibration(holdout(5000, 0, 1), { maxEce: 0.05, minRows: 100 });
  assert.equal(check.status, 'calibrated');
  assert.ok(check.interval[0] <= check.ece && check.ece <= check.interval[1]);
});

test('an overconfident model is miscalibrated', () => {
  const check = checkCalibration(holdout(5000, 0.2, 2), { maxEce: 0.05, minRows: 100 });
  assert.equal(check.status, 'miscalibrated');
  assert.ok(check.interval[0] > 0.05);
});

test('too few holdout rows never count as calibrated', () => {
  const check = checkCalibration(holdout(40, 0, 3), { maxEce: 0.5, minRows: 100 });
  assert.equal(check.status, 'uncertain');
  assert.match(check.reason, /40 holdout rows are fewer than the 100/);
});

test('the interval is the same on every run (seeded) and narrows with more rows', () => {
  const small = checkCalibration(holdout(200, 0.05, 4), { maxEce: 0.05, minRows: 100 });
  assert.deepEqual(small, checkCalibration(holdout(200, 0.05, 4), { maxEce: 0.05, minRows: 100 }));
  const large = checkCalibration(holdout(5000, 0.05, 4), { maxEce: 0.05, minRows: 100 });
  assert.ok(large.interval[1] - large.interval[0] < small.interval[1] - small.interval[0]);
});
