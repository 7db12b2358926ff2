import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import type { LoadedModel } from '@mlship/onnx';
import { classifierOutputs } from './scoring.ts';
import type { RawScores } from './scoring.ts';

/** A model without class labels in its graph: labels 0/1/2 and three probability columns. */
function raw(labels: bigint[], probabilities: number[][]): RawScores {
  return {
    model: { file: 'forest.onnx', classLabels: undefined } as unknown as LoadedModel,
    roles: {
      label: { name: 'label', elementType: 'int64', shape: ['N'] },
      probabilities: { name: 'probabilities', elementType: 'float32', shape: ['N', 3] },
    },
    batches: [
      {
        label: { data: BigInt64Array.from(labels), dims: [labels.length] },
        probabilities: { data: Float32Array.from(probabilities.flat()), dims: [labels.length, 3] },
      },
    ],
    inferenceMs: 0,
  };
}

test('probability columns learn their classes from the labels the model gives', () => {
  const mapping = {
    classes: ['0', '1', '2'],
    index: new Map([
      ['0', 0],
      ['1', 1],
      ['2', 2],
    ]),
  };
  const out = classifierOutputs(
    raw(
      [2n, 0n, 1n],
      [
        [0.1, 0.2, 0.7],
        [0.8, 0.1, 0.1],
        [0.2, 0.5, 0.3],
      ],
    ),
    3,
    mapping,
    undefined,
  );
  assert.deepEqual([...out.predicted], [2, 0, 1]);
  assert.deepEqual(mapping.classes, ['0', '1', '2']);
});

test('one column never the most likely takes the one holdout class no column claimed (a rare class)', () => {
  const mapping = {
    classes: ['0', '1', '2'],
    index: new Map([
      ['0', 0],
      ['1', 1],
      ['2', 2],
    ]),
  };
  const out = classifierOutputs(
    raw(
      [0n, 1n],
      [
        [0.8, 0.1, 0.1],
        [0.2, 0.5, 0.3],
      ],
    ),
    2,
    mapping,
    undefined,
  );
  assert.deepEqual(mapping.classes, ['0', '1', '2']);
  assert.deepEqual(
    Array.from(out.probabilities!).map((p) => Number(p.toFixed(2))),
    [0.8, 0.1, 0.1, 0.2, 0.5, 0.3],
  );
});

test('a probability column whose class cannot be learnt is an error, not a made-up class', () => {
  const mapping = {
    classes: ['0', '1', '2', '3'],
    index: new Map([
      ['0', 0],
      ['1', 1],
      ['2', 2],
      ['3', 3],
    ]),
  };
  assert.throws(
    () =>
      classifierOutputs(
        raw(
          [0n, 1n],
          [
            [0.8, 0.1, 0.1],
            [0.2, 0.5, 0.3],
          ],
        ),
        2,
        mapping,
        undefined,
      ),
    (e: unknown) =>
      e instanceof InputError &&
      /^forest\.onnx: the model outputs probabilities without class labels, and column 2 never held the most likely class on the holdout, .*under 'classes:' in the policy$/.test(
        e.message,
      ),
  );
});
