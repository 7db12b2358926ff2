// The text writers are JSON.stringify of the objects the tensor codec builds,
// byte for byte, on every shape of answer a served model gives: odd numbers,
// names JSON must escape, and names that make JSON.stringify reorder keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Prediction } from '@mlship/deploy';
import type { FeedTensor, OutputTensor } from '@mlship/onnx';
import { disagreements, inputRowsJsonl, outputRowsJsonl, predictionsJson, responseJson } from './answer-text.ts';
import type { ModelInput, ModelOutput, OutputRoles, ServedModel } from './served-model.ts';
import { encodeOutputs, inputRows, outputRow, predictionsOf } from './tensor-codec.ts';

type Outputs = Record<string, OutputTensor>;

function model(roles: OutputRoles, outputs: ModelOutput[], inputs: ModelInput[]): ServedModel {
  return {
    name: 'pen"guins',
    version: 'v1.2.3',
    source: 'x.onnx',
    sha256: '',
    session: undefined as never,
    inputs,
    outputs,
    roles,
  };
}

const ODD = [0.25, -0, 1e-300, 3.4028234663852886e38, Number.NaN, Number.POSITIVE_INFINITY, 1 / 3, -7.5e-12];
const FEATURES: ModelInput[] = [
  { name: 'input', datatype: 'FP32', shape: [null, 2], columns: ['bill "length"', 'flipper\u2028mm'] },
];

function classifier(classes: string[] | undefined, withLabel: boolean, width = 3) {
  const outputs: ModelOutput[] = [
    ...(withLabel ? [{ name: 'label', datatype: 'BYTES' as const, shape: [null] }] : []),
    { name: 'probabilities', datatype: 'FP32', shape: [null, width] },
  ];
  return model(
    { task: 'classification', label: withLabel ? 'label' : undefined, probabilities: 'probabilities', classes },
    outputs,
    FEATURES,
  );
}

function classOutputs(rows: number, width: number, labels: string[]): Outputs {
  const probs = new Float32Array(rows * width);
  for (let k = 0; k < probs.length; k++) probs[k] = ODD[k % ODD.length]!;
  return {
    label: { data: Array.from({ length: rows }, (_, i) => labels[i % labels.length]!), dims: [rows] },
    probabilities: { data: probs, dims: [rows, width] },
  };
}

const reference = {
  predictions: (o: Outputs, m: ServedModel, rows: number) => JSON.stringify(predictionsOf(o, m, rows)),
  outputRows: (o: Outputs, m: ServedModel, rows: number) =>
    predictionsOf(o, m, rows)
      .map((p) => JSON.stringify(outputRow(p)))
      .join('\n'),
};

test('classifier answers: the log outputs and profile rows are JSON.stringify of the predictions', () => {
  const labels = ['Adelie', 'Chin"strap', 'Gen\\too', 'é\u0000'];
  const cases = [
    classifier(['Adelie', 'Chin"strap', 'Gen\\too'], true),
    classifier(['Adelie', 'Chin"strap', 'Gen\\too'], false),
    classifier(undefined, true), // classes named by index: JSON.stringify orders index keys itself
    classifier(['10', '2', 'x'], false), // index-like class names: the generic path
    classifier(['a', 'a', 'b'], true), // a repeated class name: the generic path
    classifier(['__proto__', 'b', 'c'], true),
  ];
  for (const m of cases)
    for (const rows of [0, 1, 2, 5]) {
      const o = classOutputs(rows, 3, labels);
      assert.equal(predictionsJson(o, m, rows), reference.predictions(o, m, rows));
      assert.equal(outputRowsJsonl(o, m, rows), reference.outputRows(o, m, rows));
    }
});

test('regressor answers, one value per row of a wider output, non-finite values as null', () => {
  const m = model(
    { task: 'regression', value: 'variable' },
    [{ name: 'variable', datatype: 'FP64', shape: [null, 2] }],
    FEATURES,
  );
  const o: Outputs = { variable: { data: Float64Array.from(ODD), dims: [4, 2] } };
  assert.equal(predictionsJson(o, m, 4), reference.predictions(o, m, 4));
  assert.equal(outputRowsJsonl(o, m, 4), reference.outputRows(o, m, 4));
});

test('input rows are JSON.stringify of the profile rows: floats, INT64, BYTES, several inputs', () => {
  const inputs: ModelInput[] = [
    { name: 'x', datatype: 'FP64', shape: [null, 2], columns: ['a"b', 'c'] },
    { name: 'n', datatype: 'INT64', shape: [null], columns: ['n'] },
    { name: 's', datatype: 'BYTES', shape: [null, 1], columns: ['species\n'] },
    { name: 'free', datatype: 'FP32', shape: [null, null], columns: [] },
  ];
  const feeds: Record<string, FeedTensor> = {
    x: { data: Float64Array.from(ODD.slice(0, 6)), dims: [3, 2] },
    n: { data: BigInt64Array.of(1n, -2n, 9007199254740993n), dims: [3] },
    s: { data: ['Adelie', 'Gen"too', '\u2029'], dims: [3, 1] },
    free: { data: new Float32Array(9), dims: [3, 3] },
  };
  const m = classifier(['a', 'b', 'c'], true);
  for (const ins of [inputs, [...inputs, { ...inputs[1]!, name: 'm' }]]) {
    const withInputs = { ...m, inputs: ins };
    const f = { ...feeds, m: feeds.n! };
    const expected = inputRows(f, withInputs, 3)
      .map((r) => JSON.stringify(r))
      .join('\n');
    assert.equal(inputRowsJsonl(f, withInputs, 3), expected);
  }
  const indexNamed = { ...m, inputs: [{ ...inputs[0]!, columns: ['1', '0'] }] };
  assert.equal(
    inputRowsJsonl(feeds, indexNamed, 3),
    inputRows(feeds, indexNamed, 3)
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
});

test('the response body is JSON.stringify of the protocol response, for every output type', () => {
  const outputs: ModelOutput[] = [
    { name: 'label', datatype: 'BYTES', shape: [null] },
    { name: 'probabilities', datatype: 'FP32', shape: [null, 3] },
    { name: 'index', datatype: 'INT64', shape: [null] },
    { name: 'flag', datatype: 'BOOL', shape: [null] },
    { name: 'count', datatype: 'INT32', shape: [null] },
  ];
  const m = { ...classifier(['a', 'b', 'c'], true), outputs };
  const o: Outputs = {
    ...classOutputs(2, 3, ['x"', 'y']),
    index: { data: BigInt64Array.of(3n, -4n), dims: [2] },
    flag: { data: Uint8Array.of(0, 1), dims: [2] },
    count: { data: Int32Array.of(7, -8), dims: [2] },
  };
  const expected = (wanted?: { name: string }[]) =>
    JSON.stringify({ model_name: m.name, model_version: m.version, id: 'q"1', outputs: encodeOutputs(o, m, wanted) });
  assert.equal(responseJson(m, 'q"1', o, undefined), expected());
  assert.equal(responseJson(m, 'q"1', o, []), expected([]));
  assert.equal(
    responseJson(m, 'q"1', o, [{ name: 'flag' }, { name: 'label' }]),
    expected([{ name: 'flag' }, { name: 'label' }]),
  );
});

test('disagreements count the rows whose answers differ: another class, or values over 1% apart', () => {
  const differ = (a: Prediction, b: Prediction) =>
    a.kind === 'class' && b.kind === 'class'
      ? a.label !== b.label
      : a.kind === 'value' && b.kind === 'value'
        ? Math.abs(a.value - b.value) > 0.01 * Math.max(Math.abs(a.value), Math.abs(b.value))
        : true;
  const count = (
    x: { outputs: Outputs; model: ServedModel },
    y: { outputs: Outputs; model: ServedModel },
    rows: number,
  ) => {
    const [p, q] = [predictionsOf(x.outputs, x.model, rows), predictionsOf(y.outputs, y.model, rows)];
    return p.filter((pi, i) => differ(pi, q[i]!)).length;
  };
  const byLabel = { model: classifier(['a', 'b', 'c'], true), outputs: classOutputs(6, 3, ['a', 'b', 'c']) };
  const byTop = { model: classifier(['a', 'b', 'c'], false), outputs: classOutputs(6, 3, ['c']) };
  const other = { model: byLabel.model, outputs: classOutputs(6, 3, ['a', 'c']) };
  for (const [x, y] of [
    [byLabel, other],
    [byLabel, byTop],
    [other, byTop],
  ] as const)
    assert.equal(disagreements(x, y, 6), count(x, y, 6));
  assert.ok(disagreements(byLabel, other, 6) > 0);

  const reg = model({ task: 'regression', value: 'v' }, [{ name: 'v', datatype: 'FP32', shape: [null] }], FEATURES);
  const values = (...v: number[]) => ({ model: reg, outputs: { v: { data: Float32Array.from(v), dims: [v.length] } } });
  const a = values(100, 100, -50, 0, 1);
  const b = values(100.5, 102, -50.2, 0, -1);
  assert.equal(disagreements(a, b, 5), count(a, b, 5));
  assert.equal(disagreements(a, b, 5), 2);
  assert.equal(disagreements(a, byLabel, 5), 5, 'a value and a class always differ');
});
