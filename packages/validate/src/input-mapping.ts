// Which holdout columns feed which model input: an explicit map in the
// policy, an ordered feature list for the usual single [N, F] float input
// (from the policy or the feature names the exporter recorded), or inputs
// named like columns.
import { InputError } from '@mlship/errors';
import { FEATURE_NAMES_METADATA_KEY } from '@mlship/onnx';
import type { LoadedModel, TensorSignature } from '@mlship/onnx';
import type { Policy } from '@mlship/eval';

export interface InputFeed {
  input: string;
  elementType: 'float32' | 'float64' | 'int64';
  /** Columns in feature order; the tensor is [N, columns.length] (or [N] for rank-1 inputs). */
  columns: string[];
  rank: number;
}

const NUMERIC = new Set(['float32', 'float64', 'int64']);

export function mapInputs(model: LoadedModel, policy: Policy, policyFile: string | undefined): InputFeed[] {
  const where = policyFile ?? 'the policy';
  return model.signature.inputs.map((input) => {
    if (!NUMERIC.has(input.elementType)) {
      throw new InputError(
        `${model.file}: input '${input.name}' takes ${input.elementType} tensors; mlship feeds float32, float64 or int64 columns`,
      );
    }
    const columns = columnsFor(model, input, policy, where);
    const width = input.shape.length >= 2 ? input.shape[input.shape.length - 1] : 1;
    if (typeof width === 'number' && width !== columns.length) {
      throw new InputError(
        `${model.file}: input '${input.name}' has shape [${input.shape.map((d) => d ?? '?').join(', ')}] (${width} features) but ${columns.length} columns are mapped to it (${columns.join(', ')}); fix 'features' or 'inputs' in ${where}`,
      );
    }
    return {
      input: input.name,
      elementType: input.elementType as InputFeed['elementType'],
      columns,
      rank: input.shape.length,
    };
  });
}

function columnsFor(model: LoadedModel, input: TensorSignature, policy: Policy, where: string): string[] {
  const explicit = policy.inputs?.[input.name];
  if (explicit !== undefined) return Array.isArray(explicit) ? explicit : [explicit];
  if (policy.inputs) {
    throw new InputError(
      `${model.file}: input '${input.name}' is not mapped under 'inputs' in ${where}; map it to its column(s)`,
    );
  }
  const single = model.signature.inputs.length === 1;
  if (single && policy.features) return policy.features;
  const recorded = model.metadata[FEATURE_NAMES_METADATA_KEY];
  if (single && recorded) {
    const names = JSON.parse(recorded) as unknown;
    if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return names;
  }
  const width = input.shape[input.shape.length - 1];
  if (input.shape.length <= 1 || width === 1) return [input.name];
  throw new InputError(
    `${model.file}: input '${input.name}' takes [${input.shape.map((d) => d ?? '?').join(', ')}] features and the model records no feature names; list the columns in order under 'features:' in ${where}`,
  );
}

/** Every column any model reads. */
export function mappedColumns(feeds: InputFeed[][]): string[] {
  return [...new Set(feeds.flat().flatMap((f) => f.columns))];
}
