import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, InputError } from '@mlship/errors';
import { loadModel } from './session.ts';
import { buildLinearClassifierOnnx, buildLinearRegressorOnnx } from '../test-kit/build-model.ts';

const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

test('a three-class linear classifier scores like softmax(xWᵀ + b) in ONNX Runtime', async () => {
  const weights = [
    [0.5, -1, 2],
    [1, 0.25, -0.5],
    [-1, 1, 0],
  ];
  const bias = [0.1, -0.2, 0.3];
  const model = await loadModel(
    buildLinearClassifierOnnx({ featureCount: 3, weights, bias, classes: ['a', 'b', 'c'] }),
  );
  const rows = [
    [1, 2, 3],
    [-1, 0.5, 2],
    [0, 0, 0],
  ];
  const out = await model.run({ input: { data: Float32Array.from(rows.flat()), dims: [3, 3] } });
  assert.deepEqual(out.probabilities?.dims, [3, 3]);
  for (const [i, x] of rows.entries()) {
    const expected = softmax(weights.map((w, c) => w.reduce((s, v, j) => s + v * x[j]!, bias[c]!)));
    for (let c = 0; c < 3; c++)
      assert.ok(Math.abs((out.probabilities!.data[i * 3 + c] as number) - expected[c]!) < 1e-5);
    assert.equal(out.label!.data[i], ['a', 'b', 'c'][expected.indexOf(Math.max(...expected))]);
  }
  await model.release();
});

test('a single weight row is the binary logistic model: P(second class) = sigmoid(wx + b)', async () => {
  const model = await loadModel(
    buildLinearClassifierOnnx({ featureCount: 2, weights: [[2, -1]], bias: [0.5], classes: [0, 1] }),
  );
  const out = await model.run({ input: { data: Float32Array.of(1, 1), dims: [1, 2] } });
  assert.ok(Math.abs((out.probabilities!.data[1] as number) - 1 / (1 + Math.exp(-1.5))) < 1e-6);
  assert.equal(out.label!.data[0], 1n);
});

test('a regressor with one input per feature computes xw + b', async () => {
  const model = await loadModel(
    buildLinearRegressorOnnx({ featureNames: ['a', 'b'], inputLayout: 'columns', weights: [2, -3], bias: 1 }),
  );
  const out = await model.run({
    a: { data: Float32Array.of(1, 2), dims: [2, 1] },
    b: { data: Float32Array.of(0, 1), dims: [2, 1] },
  });
  assert.deepEqual(Array.from(out.variable!.data as Float32Array), [3, 2]);
});

test('a corrupt model file fails naming the file; a missing one says to check the path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-onnx-'));
  const path = join(dir, 'broken.onnx');
  writeFileSync(path, 'not a model at all');
  await assert.rejects(
    loadModel(path),
    (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`${path}:`),
  );
  await assert.rejects(
    loadModel(join(dir, 'missing.onnx')),
    (e: unknown) => e instanceof InputError && /check the path/.test(e.message),
  );
});

test('wrong input shapes are reported as an input error naming the model', async () => {
  const model = await loadModel(
    buildLinearClassifierOnnx({ featureCount: 3, weights: [[1, 2, 3]], bias: [0], classes: [0, 1] }),
    'm.onnx',
  );
  await assert.rejects(
    model.run({ input: { data: Float32Array.of(1, 2), dims: [1, 2] } }),
    (e: unknown) => e instanceof InputError && /^m\.onnx:/.test(e.message),
  );
});
