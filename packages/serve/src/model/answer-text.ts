// The JSON text of what a request was answered, written straight from the
// output tensors: the protocol's response body, the prediction log's
// `outputs`, and the profile rows of inputs and outputs. Each is exactly
// JSON.stringify of the object the tensor codec builds (the tests compare
// them byte for byte), without building the objects: on the hot path of every
// request they were the allocations the garbage collector traced most. Models
// whose names would make JSON.stringify reorder or merge keys (a class or
// feature named like an array index, twice, or `__proto__`) take the generic
// path.
import type { FeedTensor, OutputTensor } from '@mlship/onnx';
import type { ResponseOutput } from '../oip/protocol.ts';
import type { ServedModel } from './served-model.ts';
import { encodeOutputs, inputRows, outputRow, predictionsOf } from './tensor-codec.ts';

type Outputs = Record<string, OutputTensor>;

const quote = JSON.stringify as (s: string) => string;

/** A number as JSON.stringify writes it (non-finite numbers are null). */
const num = (v: number) => (Number.isFinite(v) ? String(v) : 'null');

/** Keys an object keeps in insertion order and JSON.stringify writes as given. */
function plainKeys(keys: readonly string[]): boolean {
  return (
    new Set(keys).size === keys.length &&
    keys.every((k) => k !== '__proto__' && !(/^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1))
  );
}

interface TextPlan {
  /** Class names as the predictions name them, JSON-quoted, or undefined when the generic path must be taken. */
  classes: string[] | undefined;
  /** `"probability[C]":` per class. */
  probabilityKeys: string[];
  /** `"column":` per input column, or undefined for the generic path. */
  inputKeys: string[] | undefined;
}

const plans = new WeakMap<ServedModel, Map<number, TextPlan>>();

/** What the text writers need of a model, worked out once per model and probability width. */
function plan(model: ServedModel, width: number): TextPlan {
  let byWidth = plans.get(model);
  if (!byWidth) plans.set(model, (byWidth = new Map()));
  let p = byWidth.get(width);
  if (!p) {
    const roles = model.roles;
    const names =
      roles.task === 'classification'
        ? roles.classes?.length === width
          ? roles.classes
          : Array.from({ length: width }, (_, j) => String(j))
        : [];
    const columns = model.inputs.flatMap((i) => i.columns);
    p = {
      classes: plainKeys(names) ? names.map(quote) : undefined,
      probabilityKeys: names.map((c) => `${quote(`probability[${c}]`)}:`),
      inputKeys: plainKeys(columns) ? columns.map((c) => `${quote(c)}:`) : undefined,
    };
    byWidth.set(width, p);
  }
  return p;
}

function probabilityWidth(outputs: Outputs, model: ServedModel): number {
  const roles = model.roles;
  if (roles.task !== 'classification' || !roles.probabilities) return 0;
  const probs = outputs[roles.probabilities];
  return probs ? (probs.dims[probs.dims.length - 1] ?? 0) : 0;
}

/** Each row's label (as the predictions give it) and, for a classifier with probabilities, the top class. */
function labelOf(outputs: Outputs, model: ServedModel, width: number, i: number): string {
  const roles = model.roles;
  if (roles.task !== 'classification') return '';
  if (roles.label) return String(outputs[roles.label]!.data[i]);
  const probs = outputs[roles.probabilities!]!.data;
  let top = 0;
  for (let j = 1; j < width; j++) if (Number(probs[i * width + j]) > Number(probs[i * width + top])) top = j;
  return roles.classes?.length === width ? roles.classes[top]! : String(top);
}

/** JSON.stringify(predictionsOf(outputs, model, rows)): the log line's `outputs`. */
export function predictionsJson(outputs: Outputs, model: ServedModel, rows: number): string {
  const roles = model.roles;
  if (roles.task === 'regression') {
    const t = outputs[roles.value]!;
    const width = t.data.length / Math.max(1, rows);
    let text = '[';
    for (let i = 0; i < rows; i++) text += `${i ? ',' : ''}{"kind":"value","value":${num(Number(t.data[i * width]))}}`;
    return `${text}]`;
  }
  const width = probabilityWidth(outputs, model);
  const p = plan(model, width);
  if (!p.classes) return JSON.stringify(predictionsOf(outputs, model, rows));
  const probs = width > 0 ? outputs[roles.probabilities!]!.data : undefined;
  let text = '[';
  for (let i = 0; i < rows; i++) {
    text += `${i ? ',' : ''}{"kind":"class","label":${quote(labelOf(outputs, model, width, i))}`;
    if (probs) {
      text += ',"probabilities":{';
      for (let j = 0; j < width; j++) text += `${j ? ',' : ''}${p.classes[j]}:${num(Number(probs[i * width + j]))}`;
      text += '}';
    }
    text += '}';
  }
  return `${text}]`;
}

/** The profile's output rows as JSON Lines: JSON.stringify(outputRow(p)) per prediction. */
export function outputRowsJsonl(outputs: Outputs, model: ServedModel, rows: number): string {
  const roles = model.roles;
  const lines: string[] = new Array(rows);
  if (roles.task === 'regression') {
    const t = outputs[roles.value]!;
    const width = t.data.length / Math.max(1, rows);
    for (let i = 0; i < rows; i++) lines[i] = `{"value":${num(Number(t.data[i * width]))}}`;
    return lines.join('\n');
  }
  const width = probabilityWidth(outputs, model);
  const p = plan(model, width);
  if (!p.classes)
    return predictionsOf(outputs, model, rows)
      .map((prediction) => JSON.stringify(outputRow(prediction)))
      .join('\n');
  const probs = width > 0 ? outputs[roles.probabilities!]!.data : undefined;
  for (let i = 0; i < rows; i++) {
    let line = `{"label":${quote(labelOf(outputs, model, width, i))}`;
    if (probs) for (let j = 0; j < width; j++) line += `,${p.probabilityKeys[j]}${num(Number(probs[i * width + j]))}`;
    lines[i] = `${line}}`;
  }
  return lines.join('\n');
}

/** The profile's input rows as JSON Lines: JSON.stringify of each of inputRows(feeds, model, rows). */
export function inputRowsJsonl(feeds: Record<string, FeedTensor>, model: ServedModel, rows: number): string {
  const keys = plan(model, 0).inputKeys;
  if (!keys)
    return inputRows(feeds, model, rows)
      .map((row) => JSON.stringify(row))
      .join('\n');
  const lines: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    let line = '{';
    let k = 0;
    for (const input of model.inputs) {
      const width = input.columns.length;
      const data = feeds[input.name]?.data;
      if (!data || width === 0) {
        k += width;
        continue;
      }
      for (let j = 0; j < width; j++) {
        const v = data[i * width + j];
        const text = typeof v === 'string' ? quote(v) : num(Number(v));
        line += `${line.length > 1 ? ',' : ''}${keys[k + j]}${text}`;
      }
      k += width;
    }
    lines[i] = `${line}}`;
  }
  return lines.join('\n');
}

/** Per row, whether the two answers differ (another class, or values more than 1% apart): the shadow comparison. */
export function disagreements(
  a: { outputs: Outputs; model: ServedModel },
  b: { outputs: Outputs; model: ServedModel },
  rows: number,
): number {
  const ra = a.model.roles;
  const rb = b.model.roles;
  let differ = 0;
  if (ra.task === 'regression' && rb.task === 'regression') {
    const ta = a.outputs[ra.value]!;
    const tb = b.outputs[rb.value]!;
    const [wa, wb] = [ta.data.length / Math.max(1, rows), tb.data.length / Math.max(1, rows)];
    for (let i = 0; i < rows; i++) {
      const [x, y] = [Number(ta.data[i * wa]), Number(tb.data[i * wb])];
      if (Math.abs(x - y) > 0.01 * Math.max(Math.abs(x), Math.abs(y))) differ++;
    }
    return differ;
  }
  if (ra.task !== rb.task) return rows;
  const [wa, wb] = [probabilityWidth(a.outputs, a.model), probabilityWidth(b.outputs, b.model)];
  for (let i = 0; i < rows; i++)
    if (labelOf(a.outputs, a.model, wa, i) !== labelOf(b.outputs, b.model, wb, i)) differ++;
  return differ;
}

/** JSON.stringify of the protocol's response: { model_name, model_version, id, outputs: encodeOutputs(...) }. */
export function responseJson(
  model: ServedModel,
  id: string,
  outputs: Outputs,
  wanted: readonly { name: string }[] | undefined,
): string {
  const head = `{"model_name":${quote(model.name)},"model_version":${quote(model.version)},"id":${quote(id)},"outputs":[`;
  if (wanted?.length) return `${head}${encodeOutputs(outputs, model, wanted).map(outputJson).join(',')}]}`;
  let text = head;
  model.outputs.forEach((spec, k) => {
    const tensor = outputs[spec.name]!;
    const data = tensor.data;
    let values = '';
    if (Array.isArray(data)) values = JSON.stringify(data).slice(1, -1);
    else if (spec.datatype === 'BOOL' && !(data instanceof BigInt64Array))
      for (let i = 0; i < data.length; i++) values += `${i ? ',' : ''}${data[i] ? 'true' : 'false'}`;
    else for (let i = 0; i < data.length; i++) values += `${i ? ',' : ''}${num(Number(data[i]))}`;
    text += `${k ? ',' : ''}{"name":${quote(spec.name)},"shape":[${tensor.dims.join(',')}],"datatype":"${spec.datatype}","data":[${values}]}`;
  });
  return `${text}]}`;
}

const outputJson = (o: ResponseOutput) => JSON.stringify(o);
