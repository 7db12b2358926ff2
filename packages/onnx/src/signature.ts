import { z } from 'zod';
import { FileFormatError } from '@mlship/errors';
import { onnx } from './onnx-proto.ts';
import type { OnnxTypes } from './onnx-proto.ts';

// ONNX TensorProto.DataType codes, named as ONNX Runtime's JavaScript API names them.
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

export const ElementTypeSchema = z.enum([
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
  // Non-tensor values (sklearn-onnx's ZipMap output is a sequence of maps).
  'sequence',
  'map',
  'optional',
  'unknown',
]);
export type ElementType = z.infer<typeof ElementTypeSchema>;

export const TensorSignatureSchema = z.object({
  name: z.string().min(1),
  elementType: ElementTypeSchema,
  /** One entry per dimension: a fixed size, a symbolic name ('N'), or null when unnamed. */
  shape: z.array(z.union([z.number().int().nonnegative(), z.string(), z.null()])),
});
export type TensorSignature = z.infer<typeof TensorSignatureSchema>;

export const ModelSignatureSchema = z.object({
  inputs: z.array(TensorSignatureSchema),
  outputs: z.array(TensorSignatureSchema),
});
export type ModelSignature = z.infer<typeof ModelSignatureSchema>;

/**
 * The input/output signature of an ONNX model, read from its protobuf without
 * loading ONNX Runtime (so the registry can record it cheaply). `file` names
 * the model in the error when the bytes are not an ONNX model.
 */
export function readOnnxSignature(bytes: Uint8Array, file = '<model bytes>'): ModelSignature {
  // Zero bytes decode as an empty protobuf message: say what is wrong instead of 'no graph outputs'.
  if (bytes.length === 0) throw notOnnx(file, 'the file is empty (was the export or the download cut short?)');
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw notOnnx(file, `protobuf decoding failed (${(error as Error).message})`, error);
  }
  const graph = model.graph;
  if (!graph?.output?.length) throw notOnnx(file, 'it has no graph outputs');
  // Before IR version 4, initializers (weights) were also listed as graph inputs.
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name));
  if (inputs.length === 0) throw notOnnx(file, 'it has no graph inputs');
  return { inputs: inputs.map(valueSignature), outputs: graph.output.map(valueSignature) };
}

function notOnnx(file: string, why: string, cause?: unknown): FileFormatError {
  return new FileFormatError(
    `${file}: not a valid ONNX model: ${why}; export the model again as ONNX (.onnx protobuf)`,
    { location: { file }, cause },
  );
}

// Decoded messages are class instances whose `value` names the oneof member set.
function dimension(d: OnnxTypes.TensorShapeProto.IDimension): number | string | null {
  const set = (d as OnnxTypes.TensorShapeProto.Dimension).value;
  if (set === 'dimParam') return d.dimParam || null;
  if (set === 'dimValue' && d.dimValue != null)
    return typeof d.dimValue === 'number' ? d.dimValue : d.dimValue.toNumber();
  return null;
}

function valueSignature(value: OnnxTypes.IValueInfoProto): TensorSignature {
  const type = value.type;
  const name = value.name ?? '';
  if (type?.tensorType) {
    const dims = type.tensorType.shape?.dim ?? [];
    return {
      name,
      elementType: ElementTypeSchema.catch('unknown').parse(ELEMENT_TYPES[type.tensorType.elemType ?? 0]),
      shape: dims.map(dimension),
    };
  }
  const kind = type?.sequenceType ? 'sequence' : type?.mapType ? 'map' : type?.optionalType ? 'optional' : 'unknown';
  return { name, elementType: kind, shape: [] };
}

/** Metadata key holding the ordered feature names of a model's [N, F] input (a JSON list), read to map columns without a policy. */
export const FEATURE_NAMES_METADATA_KEY = 'mlship.feature_names';

/** The model's metadata_props as a plain record (call after readOnnxSignature has validated the bytes). */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
}

/**
 * Class labels in probability-column order, as ai.onnx.ml classifiers record
 * them (classlabels_strings, or classlabels_ints on LinearClassifier and
 * SVMClassifier and classlabels_int64s on TreeEnsembleClassifier: what
 * sklearn-onnx exports), or undefined when the graph holds no such node.
 */
export function readOnnxClassLabels(bytes: Uint8Array): string[] | undefined {
  const model = onnx.ModelProto.decode(bytes);
  for (const node of model.graph?.node ?? []) {
    for (const attr of node.attribute ?? []) {
      if (attr.name === 'classlabels_strings' && attr.strings?.length)
        return attr.strings.map((s) => new TextDecoder().decode(s));
      if ((attr.name === 'classlabels_ints' || attr.name === 'classlabels_int64s') && attr.ints?.length)
        return attr.ints.map((i) => String(i));
    }
  }
  return undefined;
}
