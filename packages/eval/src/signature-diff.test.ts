import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSignatures } from './signature-diff.ts';

const base = {
  inputs: [{ name: 'input', elementType: 'float32', shape: ['N', 4] }],
  outputs: [
    { name: 'label', elementType: 'string', shape: ['N'] },
    { name: 'probabilities', elementType: 'float32', shape: ['N', 3] },
  ],
};

test('identical signatures, or a renamed batch dimension, have no changes', () => {
  assert.deepEqual(diffSignatures(base, structuredClone(base), 'baseline'), []);
  const renamed = structuredClone(base);
  renamed.inputs[0]!.shape = ['batch', 4];
  assert.deepEqual(diffSignatures(base, renamed, 'baseline'), []);
});

test('says exactly what changed: width, type, missing and new tensors', () => {
  const cand = {
    inputs: [
      { name: 'input', elementType: 'float64', shape: ['N', 5] },
      { name: 'extra', elementType: 'float32', shape: ['N', 1] },
    ],
    outputs: [
      { name: 'probabilities', elementType: 'float32', shape: ['N', 3] },
      { name: 'scores', elementType: 'float32', shape: ['N', 3] },
    ],
  };
  const changes = diffSignatures(base, cand, 'baseline');
  assert.deepEqual(
    changes.map((c) => c.message),
    [
      "input 'input' changed type: float32 → float64",
      "input 'input' dimension 1 changed: 4 → 5 (shape [N, 4] → [N, 5])",
      "input 'extra' is new in the candidate: callers do not send it",
      "output 'label' of the baseline is missing from the candidate (it has probabilities, scores)",
      "output 'scores' is new in the candidate",
    ],
  );
  assert.deepEqual(
    changes.map((c) => c.breaking),
    [true, true, true, true, false],
  );
});
