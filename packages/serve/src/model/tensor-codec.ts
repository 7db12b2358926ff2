// Protocol tensors to model feeds and back. A request is checked against the
// model's own signature (names, datatypes, shapes, element types) before
// ONNX Runtime sees it, so a bad request gets one line naming the input, not
// the runtime's message.
import type { FeedData, FeedTensor, OutputTensor } from '@mlship/onnx';
import type { Prediction } from '@mlship/deploy';
import { ProtocolError, type RequestInput, type ResponseOutput } from '../oip/protocol.ts';
import type { ModelInput, ModelOutput, ServedModel } from './served-model.ts';

/** Elements one request may carry (a 64 MiB body cannot hold more numbers). */
const MAX_ELEMENTS = 16_000_000;
const MAX_DEPTH = 32;

export interface DecodedInputs {
  /** The batch size: every input's first dimension. */
  rows: number;
  feeds: Record<string, FeedTensor>;
}

const bad = (message: string) => new ProtocolError(400, message);

/** The request's tensors as feeds for `model`, or a 400 naming what is wrong. */
export function decodeInputs(inputs: readonly RequestInput[], model: ServedModel): DecodedInputs {
  const expected = new Map(model.inputs.map((i) => [i.name, i]));
  const feeds: Record<string, FeedTensor> = {};
  let rows: number | undefined;
  for (const input of inputs) {
    const spec = expected.get(input.name);
    if (!spec)
      throw bad(
        `input '${input.name}' is not an input of ${model.name} (its inputs: ${model.inputs.map((i) => i.name).join(', ')})`,
      );
    if (feeds[input.name]) throw bad(`input '${input.name}' is given twice`);
    if (input.datatype !== spec.datatype)
      throw bad(`input '${input.name}': datatype ${input.datatype}, but ${model.name} takes ${spec.datatype}`);
    checkShape(input, spec);
    const batch = input.shape.length === 0 ? 1 : input.shape[0]!;
    if (rows !== undefined && batch !== rows)
      throw bad(`input '${input.name}' has ${batch} rows but the inputs before it have ${rows}; send one batch size`);
    rows = batch;
    const count = input.shape.reduce((a, b) => a * b, 1);
    if (count > MAX_ELEMENTS) throw bad(`input '${input.name}': ${count} elements is more than ${MAX_ELEMENTS}`);
    feeds[input.name] = { data: elements(input, spec, count), dims: input.shape };
  }
  const missing = model.inputs.filter((i) => !feeds[i.name]).map((i) => i.name);
  if (missing.length)
    throw bad(`missing input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}`);
  return { rows: rows ?? 1, feeds };
}

function checkShape(input: RequestInput, spec: ModelInput): void {
  const want = `[${spec.shape.map((d) => d ?? -1).join(', ')}]`;
  if (input.shape.length !== spec.shape.length)
    throw bad(`input '${input.name}': shape [${input.shape.join(', ')}], but the model takes ${want} (-1: any size)`);
  spec.shape.forEach((d, k) => {
    if (d !== null && input.shape[k] !== d)
      throw bad(
        `input '${input.name}': dimension ${k} is ${input.shape[k]}, but the model takes ${want} (-1: any size)`,
      );
  });
}

/** Flattens nested data (row-major) into the feed's typed array, checking each element's type. */
function elements(input: RequestInput, spec: ModelInput, count: number): FeedData {
  const flat = flatten(input.data, input.name);
  if (flat.length !== count)
    throw bad(
      `input '${input.name}': shape [${input.shape.join(', ')}] holds ${count} elements but data has ${flat.length}`,
    );
  const at = (i: number) => `input '${input.name}': data[${i}] is ${JSON.stringify(flat[i])}`;
  switch (spec.datatype) {
    case 'BYTES': {
      const out: string[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'string') throw bad(`${at(i)}, not a string (BYTES)`);
        out[i] = v;
      }
      return out;
    }
    case 'INT64': {
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(`${at(i)}, not an integer (INT64)`);
        out[i] = BigInt(v);
      }
      return out;
    }
    case 'INT32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647)
          throw bad(`${at(i)}, not a 32-bit integer (INT32)`);
        out[i] = v;
      }
      return out;
    }
    default: {
      const out = spec.datatype === 'FP64' ? new Float64Array(count) : new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'number') throw bad(`${at(i)}, not a number (${spec.datatype})`);
        out[i] = v;
      }
      return out;
    }
  }
}

function flatten(data: readonly unknown[], name: string): unknown[] {
  if (!data.some(Array.isArray)) return data as unknown[];
  const out: unknown[] = [];
  const walk = (items: readonly unknown[], depth: number) => {
    if (depth > MAX_DEPTH) throw bad(`input '${name}': data is nested deeper than ${MAX_DEPTH} levels`);
    for (const item of items) {
      if (Array.isArray(item)) walk(item, depth + 1);
      else out.push(item);
      if (out.length > MAX_ELEMENTS) throw bad(`input '${name}': more than ${MAX_ELEMENTS} elements`);
    }
  };
  walk(data, 1);
  return out;
}

/** The outputs a request names, or a 400 naming one the model does not have. */
export function checkWantedOutputs(model: ServedModel, wanted: readonly { name: string }[]): ModelOutput[] {
  return wanted.map((w) => {
    const spec = model.outputs.find((o) => o.name === w.name);
    if (!spec)
      throw bad(
        `output '${w.name}' is not an output of ${model.name} (its outputs: ${model.outputs.map((o) => o.name).join(', ')})`,
      );
    return spec;
  });
}

/** The model's outputs as protocol tensors, all or the ones the request names. */
export function encodeOutputs(
  outputs: Record<string, OutputTensor>,
  model: ServedModel,
  wanted: readonly { name: string }[] | undefined,
): ResponseOutput[] {
  const specs = wanted?.length ? checkWantedOutputs(model, wanted) : model.outputs;
  return specs.map((spec) => {
    const tensor = outputs[spec.name]!;
    const data = tensor.data;
    return {
      name: spec.name,
      shape: [...tensor.dims],
      datatype: spec.datatype,
      data:
        data instanceof BigInt64Array
          ? Array.from(data, Number)
          : spec.datatype === 'BOOL'
            ? Array.from(data as Uint8Array, Boolean)
            : Array.isArray(data)
              ? data
              : Array.from(data as Float32Array),
    };
  });
}

/** What the model answered for each row, in the judge's terms. */
export function predictionsOf(outputs: Record<string, OutputTensor>, model: ServedModel, rows: number): Prediction[] {
  const roles = model.roles;
  const predictions: Prediction[] = new Array(rows);
  if (roles.task === 'regression') {
    const t = outputs[roles.value]!;
    const width = t.data.length / Math.max(1, rows);
    for (let i = 0; i < rows; i++) predictions[i] = { kind: 'value', value: Number(t.data[i * width]) };
    return predictions;
  }
  const probs = roles.probabilities ? outputs[roles.probabilities] : undefined;
  const width = probs ? (probs.dims[probs.dims.length - 1] ?? 0) : 0;
  const classes = roles.classes?.length === width ? roles.classes : Array.from({ length: width }, (_, j) => String(j));
  const labels = roles.label ? outputs[roles.label]!.data : undefined;
  for (let i = 0; i < rows; i++) {
    let probabilities: Record<string, number> | undefined;
    let top = 0;
    if (probs) {
      probabilities = {};
      for (let j = 0; j < width; j++) {
        const p = Number(probs.data[i * width + j]);
        probabilities[classes[j]!] = p;
        if (p > Number(probs.data[i * width + top])) top = j;
      }
    }
    const label = labels ? String(labels[i]) : classes[top]!;
    predictions[i] = probabilities ? { kind: 'class', label, probabilities } : { kind: 'class', label };
  }
  return predictions;
}

/** One profile row per request row: the inputs by feature column. */
export function inputRows(
  feeds: Record<string, FeedTensor>,
  model: ServedModel,
  rows: number,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = Array.from({ length: rows }, () => ({}));
  for (const input of model.inputs) {
    const feed = feeds[input.name];
    if (!feed || input.columns.length === 0) continue;
    const width = input.columns.length;
    const data = feed.data;
    for (let i = 0; i < rows; i++) {
      const row = out[i]!;
      for (let j = 0; j < width; j++) {
        const v = data[i * width + j];
        row[input.columns[j]!] =
          typeof v === 'bigint' ? Number(v) : typeof v === 'number' && !Number.isFinite(v) ? null : v;
      }
    }
  }
  return out;
}

/** One profile row per prediction: the label and each class's probability, or the value. */
export function outputRow(prediction: Prediction): Record<string, unknown> {
  if (prediction.kind === 'value') return { value: Number.isFinite(prediction.value) ? prediction.value : null };
  const row: Record<string, unknown> = { label: prediction.label };
  for (const [c, p] of Object.entries(prediction.probabilities ?? {})) row[`probability[${c}]`] = p;
  return row;
}
