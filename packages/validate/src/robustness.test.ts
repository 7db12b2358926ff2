import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '@mlship/onnx';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { robustness } from './robustness.ts';
import type { Holdout } from './holdout.ts';

test('a missing feature value does not turn the whole noisy column into NaN', async () => {
  // The class follows `a` alone; `b` has one missing value (as a tree model's input may).
  const model = await loadModel(
    buildLinearClassifierOnnx({
      featureNames: ['a', 'b'],
      weights: [
        [-1, 0],
        [1, 0],
      ],
      bias: [0, 0],
      classes: ['lo', 'hi'],
    }),
    'two.onnx',
  );
  try {
    const n = 200;
    const a = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 10 : -10) + (i % 7));
    const b = Float64Array.from({ length: n }, (_, i) => (i === 0 ? Number.NaN : i));
    const holdout: Holdout = {
      source: 'holdout.csv',
      rows: n,
      batches: [
        {
          rowCount: n,
          features: new Map([
            ['a', a],
            ['b', b],
          ]),
          tensors: new Map(),
        },
      ],
      label: { kind: 'classes', codes: new Int32Array(n), values: ['lo', 'hi'] },
      groups: new Map(),
    };
    const feeds = [
      { input: model.signature.inputs[0]!.name, elementType: 'float32' as const, columns: ['a', 'b'], rank: 2 },
    ];
    const outcome = await robustness(
      model,
      feeds,
      holdout,
      'classification',
      { noise: 0.01, max_flip_rate: 0.05, regression_tolerance: 0.1, rows: n },
      7,
    );
    assert.equal(outcome.verdict, 'pass', outcome.reason);
    assert.ok(outcome.observed! <= 1 / n, outcome.reason);
  } finally {
    await model.release();
  }
});
