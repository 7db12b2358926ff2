import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoTrainingSet } from './demo-models.ts';
import { trainLinearRegression, trainSoftmaxRegression, type LinearFit } from './train.ts';

test('linear regression recovers exact coefficients from noiseless data in raw units', () => {
  const x1 = Array.from({ length: 50 }, (_, i) => i * 10);
  const x2 = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 0.01);
  const y = x1.map((v, i) => 3 + 0.5 * v - 200 * x2[i]!);
  const fit = trainLinearRegression({ features: [x1, x2], targets: y });
  assert.ok(Math.abs(fit.bias[0]! - 3) < 1e-6);
  assert.ok(Math.abs(fit.weights[0]![0]! - 0.5) < 1e-8);
  assert.ok(Math.abs(fit.weights[0]![1]! + 200) < 1e-4);
});

test('softmax regression separates three well-separated clusters', () => {
  const centres = [
    [0, 0],
    [100, 0],
    [0, 100],
  ];
  const xs: number[][] = [[], []];
  const ys: number[] = [];
  for (let i = 0; i < 300; i++) {
    const c = i % 3;
    xs[0]!.push(centres[c]![0]! + ((i * 7) % 11) - 5);
    xs[1]!.push(centres[c]![1]! + ((i * 13) % 11) - 5);
    ys.push(c);
  }
  const fit = trainSoftmaxRegression({ features: xs, labels: ys, classCount: 3 });
  let correct = 0;
  for (let i = 0; i < ys.length; i++) {
    const z = fit.weights.map((w, c) => fit.bias[c]! + w[0]! * xs[0]![i]! + w[1]! * xs[1]![i]!);
    if (z.indexOf(Math.max(...z)) === ys[i]) correct++;
  }
  assert.equal(correct, 300);
});

test('softmax regression resumed from a checkpoint every 20 epochs ends where one run of 400 ends', async () => {
  const { columns, labels } = await demoTrainingSet();
  const whole = trainSoftmaxRegression({ features: columns, labels, classCount: 3, epochs: 400 });
  let fit: LinearFit | undefined;
  const losses: number[] = [];
  for (let block = 0; block < 20; block++)
    fit = trainSoftmaxRegression({
      features: columns,
      labels,
      classCount: 3,
      epochs: 20,
      ...(fit ? { from: fit } : {}),
      onEpoch: (_, loss) => losses.push(loss),
    });
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(fit!.bias[c]! - whole.bias[c]!) < 1e-9, `bias ${c}`);
    for (let j = 0; j < columns.length; j++)
      assert.ok(Math.abs(fit!.weights[c]![j]! - whole.weights[c]![j]!) < 1e-9, `weight ${c},${j}`);
  }
  assert.equal(losses.length, 400);
  assert.ok(Math.abs(losses[0]! - Math.log(3)) < 1e-12, 'zero weights start at ln 3');
  assert.ok(losses.at(-1)! < 0.05 && losses.every((loss, i) => i === 0 || loss <= losses[i - 1]! + 1e-12));
});
