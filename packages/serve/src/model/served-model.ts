// One model version as the server holds it: the ONNX Runtime session, its
// inputs and outputs in the protocol's terms, how its outputs read as a
// prediction per row, and the names of the feature columns it is profiled by.
import { createHash } from 'node:crypto';
import { InputError } from '@mlship/errors';
import {
  FEATURE_NAMES_METADATA_KEY,
  loadModel,
  type LoadedModel,
  type SessionOptions,
  type TensorSignature,
} from '@mlship/onnx';
import { oipDatatypeOf, type MetadataTensor, type OipDatatype } from '../oip/protocol.ts';

/** Input types the ONNX adapter feeds (its FeedData). */
const FEEDABLE: readonly OipDatatype[] = ['FP32', 'FP64', 'INT32', 'INT64', 'BYTES'];

export type Task = 'classification' | 'regression';

/** Requests run side by side (and prod and canary both in shadow mode): one thread per run. */
export const SERVING_SESSION_OPTIONS: SessionOptions = { intraOpThreads: 1 };

export interface ModelInput {
  name: string;
  datatype: OipDatatype;
  /** A fixed size, or null for a free (symbolic or unnamed) dimension. */
  shape: (number | null)[];
  /** Profile columns, one per feature, for an [N, F] input; one column for [N] or [N, 1]. */
  columns: string[];
}

export interface ModelOutput {
  name: string;
  datatype: OipDatatype;
  shape: (number | null)[];
}

/** Which outputs hold the answer: a label and probabilities, or a value. */
export type OutputRoles =
  | {
      task: 'classification';
      label: string | undefined;
      probabilities: string | undefined;
      classes: string[] | undefined;
    }
  | { task: 'regression'; value: string };

export interface ServedModel {
  /** The model name clients use in /v2/models/{name}. */
  name: string;
  /** vX.Y.Z from the registry, or sha256-<12 hex> of a model file. */
  version: string;
  /** Where it came from: the registry tag or the file path. */
  source: string;
  sha256: string;
  session: LoadedModel;
  inputs: ModelInput[];
  outputs: ModelOutput[];
  roles: OutputRoles;
}

export interface ServedModelSource {
  name: string;
  /** Undefined for a file: the version is then its content digest. */
  version?: string;
  source: string;
  bytes: Uint8Array;
  task?: Task;
}

const free = (d: number | string | null) => (typeof d === 'number' && d > 0 ? d : null);

/** Loads a model for serving; a model the protocol cannot carry is refused naming the tensor and what to do. */
export async function loadServedModel(src: ServedModelSource): Promise<ServedModel> {
  const sha256 = createHash('sha256').update(src.bytes).digest('hex');
  const session = await loadModel(src.bytes, src.source, SERVING_SESSION_OPTIONS);
  try {
    const inputs = session.signature.inputs.map((t) => modelInput(t, session, src.source));
    const outputs = session.signature.outputs.map((t) => {
      const datatype = oipDatatypeOf(t.elementType);
      if (!datatype)
        throw new InputError(
          `${src.source}: output '${t.name}' is a ${t.elementType}, which the Open Inference Protocol cannot carry${t.elementType === 'sequence' || t.elementType === 'map' ? " (sklearn-onnx's ZipMap: export with options={'zipmap': False})" : ''}`,
        );
      return { name: t.name, datatype, shape: t.shape.map(free) };
    });
    return {
      name: src.name,
      version: src.version ?? `sha256-${sha256.slice(0, 12)}`,
      source: src.source,
      sha256,
      session,
      inputs,
      outputs,
      roles: outputRoles(outputs, session.classLabels, src.task, src.source),
    };
  } catch (error) {
    await session.release();
    throw error;
  }
}

function modelInput(t: TensorSignature, session: LoadedModel, file: string): ModelInput {
  const datatype = oipDatatypeOf(t.elementType);
  if (!datatype || !FEEDABLE.includes(datatype))
    throw new InputError(
      `${file}: input '${t.name}' is ${t.elementType}; mlship serve feeds ${FEEDABLE.join(', ')} inputs: export the model with one of these`,
    );
  const shape = t.shape.map(free);
  const width = shape.length === 2 ? shape[1] : shape.length <= 1 ? 1 : null;
  const named = recordedFeatureNames(session);
  const columns =
    width === 1
      ? [t.name]
      : width !== null && width !== undefined && session.signature.inputs.length === 1 && named?.length === width
        ? named
        : width !== null && width !== undefined
          ? Array.from({ length: width }, (_, j) => `${t.name}[${j}]`)
          : [];
  return { name: t.name, datatype, shape, columns };
}

/** The ordered feature names exporters record in the metadata (a JSON array), when valid. */
function recordedFeatureNames(session: LoadedModel): string[] | undefined {
  const text = session.metadata[FEATURE_NAMES_METADATA_KEY];
  if (!text) return undefined;
  try {
    const names = JSON.parse(text) as unknown;
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The label and probabilities of a classifier (by name first, then by type:
 * what sklearn-onnx exports), or the value of a regressor. The task is
 * inferred when not given: a non-float label or a float output named like
 * probabilities makes a classifier.
 */
function outputRoles(
  outputs: ModelOutput[],
  classLabels: string[] | undefined,
  task: Task | undefined,
  file: string,
): OutputRoles {
  const floats = outputs.filter((o) => o.datatype === 'FP32' || o.datatype === 'FP64');
  const label =
    outputs.find((o) => /label/i.test(o.name) && (o.datatype === 'INT64' || o.datatype === 'BYTES')) ??
    outputs.find((o) => (o.datatype === 'INT64' || o.datatype === 'BYTES') && o.shape.length <= 2);
  const probabilities = floats.find((o) => /prob/i.test(o.name) && o.shape.length === 2);
  const classify = task ? task === 'classification' : Boolean(label ?? probabilities);
  if (classify) {
    const probs = probabilities ?? floats.find((o) => o.shape.length === 2);
    if (!label && !probs)
      throw new InputError(`${file}: no label or probability output (outputs: ${outputNames(outputs)})`);
    return { task: 'classification', label: label?.name, probabilities: probs?.name, classes: classLabels };
  }
  const value = floats[0];
  if (!value)
    throw new InputError(
      `${file}: no float output to read predictions from (outputs: ${outputNames(outputs)}); is this a regression model?`,
    );
  return { task: 'regression', value: value.name };
}

const outputNames = (outputs: ModelOutput[]) => outputs.map((o) => `${o.name}: ${o.datatype}`).join(', ');

/** The protocol's metadata tensors: free dimensions are -1. */
export function metadataTensors(tensors: readonly (ModelInput | ModelOutput)[]): MetadataTensor[] {
  return tensors.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape.map((d) => d ?? -1) }));
}

/**
 * Why a canary cannot take prod's traffic: every request valid for prod must
 * be valid for it, so inputs must match in name, datatype and shape. Undefined
 * when they do.
 */
export function inputMismatch(prod: ServedModel, canary: ServedModel): string | undefined {
  const describe = (i: ModelInput) => `${i.name} ${i.datatype}[${i.shape.map((d) => d ?? -1).join(', ')}]`;
  const a = prod.inputs.map(describe).join('; ');
  const b = canary.inputs.map(describe).join('; ');
  if (a === b) return undefined;
  return `the canary ${canary.source} takes inputs (${b}) but prod ${prod.source} takes (${a}); requests valid for prod would fail on it; a canary must accept the same inputs as prod (release it under a new model name, or change the callers first)`;
}
