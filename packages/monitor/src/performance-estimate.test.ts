import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, seededRandom } from '@mlship/eval';
import { estimatePerformance } from './performance-estimate.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

// P(class 1) = 0.9, 0.8, 0.3, 0.6, so the model predicts 1, 1, 0, 1.
const binary = [0.1, 0.9, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6];

test('binary: the expected confusion matrix sums each row’s probabilities into its predicted column', () => {
  const estimate = estimatePerformance(binary, 2);
  // Expected TN = 0.7, FN = 0.3 (row predicted 0); FP = 0.1 + 0.2 + 0.4, TP = 0.9 + 0.8 + 0.6.
  close(estimate.expectedConfusion[0]![0]!, 0.7);
  close(estimate.expectedConfusion[1]![0]!, 0.3);
  close(estimate.expectedConfusion[0]![1]!, 0.7);
  close(estimate.expectedConfusion[1]![1]!, 2.3);
});

test('binary: accuracy, macro F1 and ROC AUC from the expected counts, by hand', () => {
  const estimate = estimatePerformance(binary, 2);
  close(estimate.accuracy, (2.3 + 0.7) / 4); // 0.75
  // F1(1) = 2·2.3 / (2·2.3 + 0.7 + 0.3) = 4.6/5.6; F1(0) = 2·0.7 / (2·0.7 + 0.3 + 0.7) = 1.4/2.4.
  close(estimate.macroF1, (4.6 / 5.6 + 1.4 / 2.4) / 2);
  // Ranked 0.9, 0.8, 0.6, 0.3: Σ negatives·(positives above + own/2) = 0.045 + 0.26 + 0.8 + 1.715 = 2.82,
  // over expected positives 2.6 × expected negatives 1.4.
  close(estimate.rocAuc, 2.82 / (2.6 * 1.4));
});

test('the model’s own decision is used when given, not the argmax', () => {
  // Row 3 (p = 0.6) decided as class 0, as a model with a 0.7 threshold would.
  const estimate = estimatePerformance(binary, 2, [1, 1, 0, 0]);
  close(estimate.accuracy, (0.9 + 0.8 + 0.7 + 0.4) / 4);
});

test('tied scores are one threshold step (half credit), as sklearn counts them', () => {
  // Two rows at 0.5: expected 1 positive and 1 negative, all tied: AUC 0.5.
  close(estimatePerformance([0.5, 0.5, 0.5, 0.5], 2).rocAuc, 0.5);
});

test('three classes: accuracy is the mean top probability, F1 and AUC one-vs-rest macro', () => {
  const p = [0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.2, 0.6];
  const estimate = estimatePerformance(p, 3);
  close(estimate.accuracy, (0.7 + 0.6 + 0.6) / 3);
  // Column k of the expected confusion is row k's probabilities (each class predicted once).
  // F1(k) = 2·p_kk / (1 + Σ_i p_ik): class 0: 1.4/(1 + 1.0), class 1: 1.2/(1 + 1.0), class 2: 1.2/(1 + 1.0).
  close(estimate.macroF1, (1.4 / 2 + 1.2 / 2 + 1.2 / 2) / 3);
  assert.ok(estimate.rocAuc > 0.5 && estimate.rocAuc < 1);
});

test('no rows: every estimate is NaN, never a number that passes a floor', () => {
  const estimate = estimatePerformance([], 2);
  assert.equal(estimate.rows, 0);
  assert.ok(Number.isNaN(estimate.accuracy) && Number.isNaN(estimate.macroF1) && Number.isNaN(estimate.rocAuc));
});

test('with labels drawn from calibrated probabilities the estimate meets the realised metrics', () => {
  const random = seededRandom(7);
  const n = 20_000;
  const p = new Float64Array(n * 3);
  const truth = new Int32Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const raw = [random() ** 2, random(), random() * 0.5];
    const sum = raw[0]! + raw[1]! + raw[2]!;
    for (let c = 0; c < 3; c++) p[i * 3 + c] = raw[c]! / sum;
    const u = random();
    truth[i] = u < p[i * 3]! ? 0 : u < p[i * 3]! + p[i * 3 + 1]! ? 1 : 2;
    let top = 0;
    for (let c = 1; c < 3; c++) if (p[i * 3 + c]! > p[i * 3 + top]!) top = c;
    predicted[i] = top;
  }
  const estimate = estimatePerformance(p, 3);
  const realised = classificationMetrics(truth, { predicted, probabilities: p }, 3).values;
  close(estimate.accuracy, realised.accuracy!, 0.01);
  close(estimate.macroF1, realised.macro_f1!, 0.015);
  close(estimate.rocAuc, realised.roc_auc!, 0.01);
});
