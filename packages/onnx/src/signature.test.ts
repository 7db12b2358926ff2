import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileFormatError } from '@mlship/errors';
import { readOnnxSignature, readOnnxMetadata, readOnnxClassLabels, ModelSignatureSchema } from './signature.ts';
import { onnx } from './onnx-proto.ts';
import { buildLinearClassifierOnnx, buildLinearRegressorOnnx } from '../test-kit/build-model.ts';

test('reads the [N, F] input and label + probabilities outputs of a linear classifier', () => {
  const bytes = buildLinearClassifierOnnx({
    featureCount: 3,
    weights: [
      [1, 2, 3],
      [0, 0, 0],
    ],
    bias: [0, 0],
    classes: ['a', 'b'],
  });
  const signature = readOnnxSignature(bytes);
  assert.deepEqual(signature, {
    inputs: [{ name: 'input', elementType: 'float32', shape: ['N', 3] }],
    outputs: [
      { name: 'label', elementType: 'string', shape: ['N'] },
      { name: 'probabilities', elementType: 'float32', shape: ['N', 2] },
    ],
  });
  assert.ok(ModelSignatureSchema.safeParse(signature).success);
});

test('integer class labels give an int64 label output', () => {
  const bytes = buildLinearClassifierOnnx({ featureCount: 2, weights: [[1, 1]], bias: [0], classes: [0, 1] });
  assert.equal(readOnnxSignature(bytes).outputs[0]?.elementType, 'int64');
});

test('one named [N, 1] input per feature in the columns layout, and feature names in the metadata', () => {
  const bytes = buildLinearRegressorOnnx({
    featureNames: ['x1', 'x2'],
    inputLayout: 'columns',
    weights: [1, 2],
    bias: 3,
  });
  const signature = readOnnxSignature(bytes);
  assert.deepEqual(
    signature.inputs.map((i) => [i.name, i.shape]),
    [
      ['x1', ['N', 1]],
      ['x2', ['N', 1]],
    ],
  );
  assert.deepEqual(signature.outputs, [{ name: 'variable', elementType: 'float32', shape: ['N', 1] }]);
  assert.deepEqual(JSON.parse(readOnnxMetadata(bytes)['mlship.feature_names']!), ['x1', 'x2']);
});

test('corrupt bytes fail with a FileFormatError naming the file', () => {
  const garbage = new TextEncoder().encode('species,bill_length\nAdelie,39.1\n');
  assert.throws(
    () => readOnnxSignature(garbage, 'models/candidate.onnx'),
    (error: unknown) => {
      assert.ok(error instanceof FileFormatError);
      assert.match(error.message, /^models\/candidate\.onnx: not a valid ONNX model/);
      assert.equal(error.location?.file, 'models/candidate.onnx');
      return true;
    },
  );
});

test('an empty file is called empty, not a model without outputs', () => {
  assert.throws(
    () => readOnnxSignature(new Uint8Array(0), 'baseline.onnx'),
    /: baseline\.onnx: not a valid ONNX model: the file is empty \(was the export or the download cut short\?\); export the model again as ONNX/,
  );
});

test('a truncated model is rejected', () => {
  const bytes = buildLinearClassifierOnnx({ featureCount: 3, weights: [[1, 2, 3]], bias: [0], classes: ['a', 'b'] });
  assert.throws(() => readOnnxSignature(bytes.subarray(0, bytes.length / 2), 'm.onnx'), FileFormatError);
});

test('class labels come back in probability-column order', async () => {
  const { readOnnxClassLabels } = await import('./signature.ts');
  assert.deepEqual(
    readOnnxClassLabels(
      buildLinearClassifierOnnx({
        featureCount: 1,
        weights: [[1], [2], [3]],
        bias: [0, 0, 0],
        classes: ['z', 'a', 'm'],
      }),
    ),
    ['z', 'a', 'm'],
  );
  assert.deepEqual(
    readOnnxClassLabels(buildLinearClassifierOnnx({ featureCount: 1, weights: [[1]], bias: [0], classes: [0, 1] })),
    ['0', '1'],
  );
  assert.equal(readOnnxClassLabels(buildLinearRegressorOnnx({ featureCount: 1, weights: [1], bias: 0 })), undefined);
});

test('integer class labels are read from classlabels_int64s too (TreeEnsembleClassifier, as sklearn-onnx writes random forests)', () => {
  const model = onnx.ModelProto.decode(
    buildLinearClassifierOnnx({
      featureCount: 2,
      weights: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      bias: [0, 0, 0],
      classes: [3, 5, 7],
    }),
  );
  for (const node of model.graph!.node!)
    for (const attr of node.attribute ?? []) if (attr.name === 'classlabels_ints') attr.name = 'classlabels_int64s';
  assert.deepEqual(readOnnxClassLabels(onnx.ModelProto.encode(model).finish()), ['3', '5', '7']);
});
