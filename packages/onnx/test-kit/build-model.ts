// ONNX models built from code, for tests, the demo and benchmarks: no model
// downloads, and the graphs match what sklearn-onnx exports for linear models
// (ai.onnx.ml LinearClassifier/LinearRegressor, outputs `label` +
// `probabilities`, or `variable`), so mlship is exercised on the common shape.
import { onnx } from '../src/onnx-proto.ts';
import type { OnnxTypes } from '../src/onnx-proto.ts';
import { FEATURE_NAMES_METADATA_KEY } from '../src/signature.ts';

const A = onnx.AttributeProto.AttributeType;
const T = onnx.TensorProto.DataType;
const utf8 = (s: string) => new TextEncoder().encode(s);

export interface LinearModelInputs {
  /** Ordered feature names; recorded in the model's metadata so columns map without a policy. */
  featureNames?: string[];
  /** When featureNames is not given. */
  featureCount?: number;
  /** 'matrix': one float [N, F] input (the usual export); 'columns': one float [N, 1] input per feature, by name. */
  inputLayout?: 'matrix' | 'columns';
  /** Name of the [N, F] input (matrix layout). */
  inputName?: string;
}

export interface LinearClassifierSpec extends LinearModelInputs {
  /** One row of F weights per class; for two classes a single row is the logistic model of the second class. */
  weights: number[][];
  bias: number[];
  classes: string[] | number[];
}

export interface LinearRegressorSpec extends LinearModelInputs {
  weights: number[];
  bias: number;
}

/** label (string or int64 [N]) + probabilities (float [N, C]) from softmax(xWᵀ + b). */
export function buildLinearClassifierOnnx(spec: LinearClassifierSpec): Uint8Array {
  const featureCount = countFeatures(spec, spec.weights[0]?.length);
  const classCount = spec.classes.length;
  // Softmax over [0, z] is exactly sigmoid(z): the binary logistic model as two rows.
  const rows =
    classCount === 2 && spec.weights.length === 1
      ? [new Array<number>(featureCount).fill(0), spec.weights[0]!]
      : spec.weights;
  const bias = classCount === 2 && spec.bias.length === 1 ? [0, spec.bias[0]!] : spec.bias;
  if (rows.length !== classCount || bias.length !== classCount || rows.some((r) => r.length !== featureCount)) {
    throw new Error(
      `linear classifier: expected ${classCount} rows of ${featureCount} weights and ${classCount} biases`,
    );
  }
  const stringLabels = typeof spec.classes[0] === 'string';
  const labels: OnnxTypes.IAttributeProto = stringLabels
    ? { name: 'classlabels_strings', type: A.STRINGS, strings: (spec.classes as string[]).map(utf8) }
    : { name: 'classlabels_ints', type: A.INTS, ints: spec.classes as number[] };
  const { nodes, names, inputs, featuresName } = featureInputs(spec, featureCount);
  nodes.push({
    opType: 'LinearClassifier',
    domain: 'ai.onnx.ml',
    name: 'linear_classifier',
    input: [featuresName],
    output: ['label', 'probabilities'],
    attribute: [
      { name: 'coefficients', type: A.FLOATS, floats: rows.flat() },
      { name: 'intercepts', type: A.FLOATS, floats: bias },
      labels,
      { name: 'post_transform', type: A.STRING, s: utf8('SOFTMAX') },
      { name: 'multi_class', type: A.INT, i: 0 },
    ],
  });
  return encodeModel(names, nodes, inputs, [
    valueInfo('label', stringLabels ? T.STRING : T.INT64, ['N']),
    valueInfo('probabilities', T.FLOAT, ['N', classCount]),
  ]);
}

/** variable (float [N, 1]) = xwᵀ + b, named as sklearn-onnx names regressor outputs. */
export function buildLinearRegressorOnnx(spec: LinearRegressorSpec): Uint8Array {
  const featureCount = countFeatures(spec, spec.weights.length);
  const { nodes, names, inputs, featuresName } = featureInputs(spec, featureCount);
  nodes.push({
    opType: 'LinearRegressor',
    domain: 'ai.onnx.ml',
    name: 'linear_regressor',
    input: [featuresName],
    output: ['variable'],
    attribute: [
      { name: 'coefficients', type: A.FLOATS, floats: spec.weights },
      { name: 'intercepts', type: A.FLOATS, floats: [spec.bias] },
      { name: 'targets', type: A.INT, i: 1 },
    ],
  });
  return encodeModel(names, nodes, inputs, [valueInfo('variable', T.FLOAT, ['N', 1])]);
}

function countFeatures(spec: LinearModelInputs, fromWeights: number | undefined): number {
  const count = spec.featureNames?.length ?? spec.featureCount ?? fromWeights;
  if (!count) throw new Error('linear model: give featureNames, featureCount or weights');
  if (fromWeights !== undefined && fromWeights !== count) {
    throw new Error(`linear model: ${count} features but ${fromWeights} weights per row`);
  }
  return count;
}

function featureNames(spec: LinearModelInputs, count: number): string[] {
  return spec.featureNames ?? Array.from({ length: count }, (_, i) => `f${i}`);
}

function featureInputs(spec: LinearModelInputs, count: number) {
  const nodes: OnnxTypes.INodeProto[] = [];
  const names = featureNames(spec, count);
  if (spec.inputLayout !== 'columns') {
    const name = spec.inputName ?? 'input';
    return { nodes, names, inputs: [valueInfo(name, T.FLOAT, ['N', count])], featuresName: name };
  }
  nodes.push({
    opType: 'Concat',
    name: 'concat_features',
    input: names,
    output: ['features'],
    attribute: [{ name: 'axis', type: A.INT, i: 1 }],
  });
  return { nodes, names, inputs: names.map((n) => valueInfo(n, T.FLOAT, ['N', 1])), featuresName: 'features' };
}

function valueInfo(name: string, elemType: number, shape: (number | string)[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function encodeModel(
  names: string[],
  nodes: OnnxTypes.INodeProto[],
  inputs: OnnxTypes.IValueInfoProto[],
  outputs: OnnxTypes.IValueInfoProto[],
): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mlship',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    metadataProps: [{ key: FEATURE_NAMES_METADATA_KEY, value: JSON.stringify(names) }],
    graph: { name: 'mlship_linear', node: nodes, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}
