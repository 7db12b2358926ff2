import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutputTensor } from '@mlship/onnx';
import type { ModelOutput, OutputRoles, ServedModel } from '../model/served-model.ts';
import { predictionsOf } from '../model/tensor-codec.ts';
import { PendingPredictions } from './pending-predictions.ts';

type Outputs = Record<string, OutputTensor>;

function model(roles: OutputRoles, outputs: ModelOutput[] = []): ServedModel {
  return { name: 'm', version: 'v1', source: '', sha256: '', session: undefined as never, inputs: [], outputs, roles };
}

const ODD = [0.1, 0.7, 0.2, Number.NaN, 1e-30, -0, 0.5, 0.5, 3.4028234663852886e38];

function classOutputs(rows: number, width: number, labels: OutputTensor['data'] | undefined): Outputs {
  const probs = new Float32Array(rows * width);
  for (let k = 0; k < probs.length; k++) probs[k] = ODD[k % ODD.length]!;
  return {
    ...(labels ? { label: { data: labels, dims: [rows] } } : {}),
    probabilities: { data: probs, dims: [rows, width] },
  };
}

const store = (maxEntries = 10) => new PendingPredictions({ maxEntries, maxAgeMs: 60_000 });
const request = (atMs = 1000, rows = 3) => ({ atMs, rows, prodVersion: 'v1', canaryVersion: 'v2' });

test('a kept answer reads back as exactly the predictions of its tensors, for every kind of model', () => {
  const cases: [ServedModel, Outputs][] = [
    [
      model({ task: 'classification', label: 'label', probabilities: 'probabilities', classes: ['a', 'b', 'c'] }),
      classOutputs(3, 3, ['b', 'c"', 'zz']),
    ],
    [
      model({ task: 'classification', label: undefined, probabilities: 'probabilities', classes: ['a', 'b', 'c'] }),
      classOutputs(3, 3, undefined),
    ],
    [
      model({ task: 'classification', label: 'label', probabilities: 'probabilities', classes: undefined }),
      classOutputs(3, 2, BigInt64Array.of(1n, 0n, 7n)),
    ],
    [
      model({ task: 'classification', label: 'label', probabilities: undefined, classes: undefined }),
      { label: { data: ['x', 'y', 'x'], dims: [3] } },
    ],
    [
      model({ task: 'regression', value: 'v' }),
      { v: { data: Float64Array.of(1.5, -2, 0.1, 9, Number.NaN, 3), dims: [3, 2] } },
    ],
  ];
  for (const [m, outputs] of cases) {
    const pending = store();
    const ref = pending.add('r1', request());
    pending.answer(ref, 'canary', m, outputs);
    assert.deepEqual(pending.predictions(ref, 'canary'), predictionsOf(outputs, m, 3));
    assert.equal(pending.predictions(ref, 'prod'), undefined, 'prod did not score it');
  }
});

test('labels past the remembered set are kept as text with their request', () => {
  const m = model({ task: 'classification', label: 'label', probabilities: undefined, classes: undefined });
  const pending = store(5000);
  const refs = Array.from({ length: 4200 }, (_, i) => {
    const ref = pending.add(`r${i}`, request(1000, 1));
    pending.answer(ref, 'prod', m, { label: { data: [`label-${i}`], dims: [1] } });
    return ref;
  });
  for (const i of [0, 4095, 4096, 4199])
    assert.deepEqual(pending.predictions(refs[i]!, 'prod'), [{ kind: 'class', label: `label-${i}` }]);
});

test('the store keeps the newest maxEntries requests; a reused id replaces the older request', () => {
  const pending = store(3);
  const m = model({ task: 'regression', value: 'v' });
  const refs = ['a', 'b', 'c', 'd'].map((id, i) => {
    const ref = pending.add(id, request(1000 + i, 1));
    pending.answer(ref, 'prod', m, { v: { data: Float32Array.of(i), dims: [1] } });
    return ref;
  });
  assert.equal(pending.get('a', 2000), undefined, 'the oldest went');
  assert.equal(pending.predictions(refs[0]!, 'prod'), undefined, 'its slot holds a newer request');
  assert.deepEqual(pending.predictions(pending.get('d', 2000)!.ref, 'prod'), [{ kind: 'value', value: 3 }]);
  assert.equal(pending.size, 3);

  const again = pending.add('b', request(5000, 2));
  assert.equal(pending.get('b', 6000)!.rows, 2);
  assert.equal(pending.get('b', 6000)!.atMs, 5000);
  assert.equal(pending.predictions(refs[1]!, 'prod'), undefined, "the older b's answer is gone");
  pending.answer(refs[1]!, 'canary', m, { v: { data: Float32Array.of(9), dims: [1] } });
  assert.equal(pending.predictions(again, 'canary'), undefined, "a late answer for the older b is not the newer b's");
  assert.equal(pending.size, 3);
});

test('a request older than the label window is gone; labelled and the routing are kept per request', () => {
  const pending = store();
  const ref = pending.add('r', { atMs: 1000, rows: 1, prodVersion: 'v1', canaryVersion: null });
  const got = pending.get('r', 1000 + 60_000)!;
  assert.deepEqual(
    { atMs: got.atMs, rows: got.rows, prod: got.prodVersion, canary: got.canaryVersion, labelled: got.labelled },
    { atMs: 1000, rows: 1, prod: 'v1', canary: null, labelled: false },
  );
  pending.markLabelled(ref);
  assert.equal(pending.get('r', 2000)!.labelled, true);
  assert.equal(pending.get('r', 1000 + 60_001), undefined);
  assert.equal(pending.get('r', 2000), undefined, 'an expired request does not come back');
});
