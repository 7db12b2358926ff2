import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fairnessOutcome, outputSanity } from './sanity.ts';

test('flags NaN outputs, probabilities that do not sum to 1, and a model that predicts one class', () => {
  const outcomes = outputSanity('candidate', {
    probabilities: Float32Array.of(0.5, 0.5, 0.7, 0.7, Number.NaN, 1),
    classCount: 2,
    predicted: Int32Array.of(1, 1, 1),
    truthClassCount: 2,
    tolerance: 1e-3,
  });
  assert.deepEqual(
    outcomes.map((o) => [o.gate, o.verdict]),
    [
      ['candidate: outputs are finite', 'fail'],
      ['candidate: probabilities sum to 1 (±0.001)', 'fail'],
      ['candidate: predicts more than one class', 'fail'],
    ],
  );
  assert.match(outcomes[1]!.reason, /^2 of 3 rows do not sum to 1/);
});

test('a healthy model passes every sanity check', () => {
  const outcomes = outputSanity('candidate', {
    probabilities: Float32Array.of(0.2, 0.8, 0.6, 0.4),
    classCount: 2,
    predicted: Int32Array.of(1, 0),
    truthClassCount: 2,
    tolerance: 1e-3,
  });
  assert.deepEqual(
    outcomes.map((o) => [o.gate, o.verdict, o.reason]),
    [
      ['candidate: outputs are finite', 'pass', 'no NaN or infinite outputs'],
      ['candidate: probabilities sum to 1 (±0.001)', 'pass', 'every row sums to 1'],
      ['candidate: predicts more than one class', 'pass', 'predictions vary across classes'],
    ],
  );
});

test('fairness: the largest gap between groups against the allowed gap', () => {
  const outcome = fairnessOutcome(
    'sex',
    'accuracy',
    [
      { group: 'sex = f', value: 0.9, rows: 50 },
      { group: 'sex = m', value: 0.8, rows: 50 },
    ],
    0.05,
  );
  assert.equal(outcome.verdict, 'fail');
  assert.equal(outcome.reason, 'sex = f 0.900 vs sex = m 0.800 (gap 0.100)');
});

test('fairness: a metric no group could be scored on is inconclusive, not a pass', () => {
  const outcome = fairnessOutcome(
    'sex',
    'roc_auc',
    [
      { group: 'sex = f', value: Number.NaN, rows: 50 },
      { group: 'sex = m', value: Number.NaN, rows: 50 },
    ],
    0.05,
  );
  assert.equal(outcome.verdict, 'inconclusive');
  assert.equal(
    outcome.reason,
    'roc_auc could not be computed for sex = f, sex = m (the model has no probabilities, or a group lacks a class)',
  );
});
