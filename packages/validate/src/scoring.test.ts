import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import type { LoadedModel, OutputTensor } from '@mlship/onnx';
import { classifierOutputs, classMapping, scoreClassifier } from './scoring.ts';
import type { RawScores } from './scoring.ts';
import type { Holdout } from './holdout.ts';

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

/** A model with class labels in its graph (in the order given) that answers each run with the next batch's outputs. */
function labelled(classLabels: string[], batches: Record<string, OutputTensor>[]): LoadedModel {
  let next = 0;
  return {
    file: 'labelled.onnx',
    classLabels,
    signature: {
      inputs: [],
      outputs: [
        { name: 'label', elementType: 'string', shape: ['N'] },
        { name: 'probabilities', elementType: 'float32', shape: ['N', classLabels.length] },
      ],
    },
    run: async () => batches[next++]!,
  } as unknown as LoadedModel;
}

function holdoutOf(batchSizes: number[], classes: string[]): Holdout {
  const rows = batchSizes.reduce((a, b) => a + b, 0);
  return {
    source: 'holdout.csv',
    rows,
    batches: batchSizes.map((rowCount) => ({ rowCount, features: new Map(), tensors: new Map() })),
    label: { kind: 'classes', codes: new Int32Array(rows), values: classes },
    groups: new Map(),
  };
}

test('with known column classes each batch is written as it comes: classes and probabilities in the holdout order', async () => {
  // The graph orders its columns b, a; the holdout's classes are a, b.
  const model = labelled(
    ['b', 'a'],
    [
      {
        label: { data: ['b', 'a'], dims: [2] },
        probabilities: { data: Float32Array.from([0.9, 0.1, 0.3, 0.7]), dims: [2, 2] },
      },
      { label: { data: ['a'], dims: [1] }, probabilities: { data: Float32Array.from([0.2, 0.8]), dims: [1, 2] } },
    ],
  );
  const holdout = holdoutOf([2, 1], ['a', 'b']);
  const mapping = classMapping(holdout);
  const scored = await scoreClassifier(model, [], holdout, mapping, undefined, () => 0);
  assert.deepEqual([...scored.outputs.predicted], [1, 0, 0]);
  assert.deepEqual(
    Array.from(scored.outputs.probabilities!, (p) => Number(p.toFixed(2))),
    [0.1, 0.9, 0.7, 0.3, 0.8, 0.2],
  );
  assert.deepEqual(mapping.classes, ['a', 'b']);
});

test('a class only the model knows is appended to the shared classes; the probabilities keep their columns', async () => {
  const model = labelled(
    ['a', 'b', 'c'],
    [
      {
        label: { data: ['c', 'a'], dims: [2] },
        probabilities: { data: Float32Array.from([0.1, 0.1, 0.8, 0.6, 0.3, 0.1]), dims: [2, 3] },
      },
    ],
  );
  const holdout = holdoutOf([2], ['a', 'b']);
  const mapping = classMapping(holdout);
  const scored = await scoreClassifier(model, [], holdout, mapping, undefined, () => 0);
  assert.deepEqual(mapping.classes, ['a', 'b', 'c']);
  assert.deepEqual([...scored.outputs.predicted], [2, 0]);
  assert.equal(scored.outputs.probabilities!.length, 6);
});

test('more probability columns than the policy lists classes is an error naming the model', async () => {
  const model = labelled(
    ['a', 'b'],
    [{ label: { data: ['a'], dims: [1] }, probabilities: { data: Float32Array.from([0.5, 0.3, 0.2]), dims: [1, 3] } }],
  );
  const holdout = holdoutOf([1], ['a', 'b']);
  await assert.rejects(
    scoreClassifier(model, [], holdout, classMapping(holdout), undefined, () => 0),
    (e: unknown) =>
      e instanceof InputError &&
      /^labelled\.onnx: 3 probability columns but 2 class labels \(a, b\); fix 'classes' in the policy$/.test(
        e.message,
      ),
  );
});
