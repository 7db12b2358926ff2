// Runs a model over the holdout batch by batch and turns its outputs into
// what the statistics need: a class index (and the probabilities in the
// holdout's class order) or a number per row.
import { InputError } from '@mlship/errors';
import type { FeedTensor, LoadedModel, OutputTensor, TensorSignature } from '@mlship/onnx';
import type { ClassifierOutputs } from '@mlship/eval';
import type { Holdout, HoldoutBatch } from './holdout.ts';
import type { InputFeed } from './input-mapping.ts';

/** Tensors built once per batch and shared by both models when their mappings agree. */
export type TensorCache = Map<string, FeedTensor>;

export function buildFeeds(batch: HoldoutBatch, feeds: InputFeed[], cache: TensorCache): Record<string, FeedTensor> {
  const out: Record<string, FeedTensor> = {};
  for (const feed of feeds) {
    const key = `${feed.elementType}|${feed.rank}|${feed.columns.join('\u0000')}`;
    let tensor = cache.get(key);
    if (!tensor) {
      tensor = featureTensor(batch, feed);
      cache.set(key, tensor);
    }
    out[feed.input] = tensor;
  }
  return out;
}

/** Row-major [N, F] from F columns. */
function featureTensor(batch: HoldoutBatch, feed: InputFeed): FeedTensor {
  const n = batch.rowCount;
  const f = feed.columns.length;
  const dims = feed.rank <= 1 ? [n] : [n, f];
  if (feed.elementType === 'int64') {
    const data = new BigInt64Array(n * f);
    feed.columns.forEach((name, j) => {
      const col = batch.features.get(name)!;
      for (let i = 0; i < n; i++) data[i * f + j] = BigInt(Math.round(col[i]!));
    });
    return { data, dims };
  }
  const data = feed.elementType === 'float32' ? new Float32Array(n * f) : new Float64Array(n * f);
  for (let j = 0; j < f; j++) {
    const col = batch.features.get(feed.columns[j]!)!;
    for (let i = 0, k = j; i < n; i++, k += f) data[k] = col[i]!;
  }
  return { data, dims };
}

export interface OutputRoles {
  label?: TensorSignature;
  probabilities?: TensorSignature;
  value?: TensorSignature;
}

/** Picks the label/probabilities (classification) or value (regression) output, by name first, then by type. */
export function outputRoles(model: LoadedModel, task: 'classification' | 'regression'): OutputRoles {
  const outs = model.signature.outputs;
  const zipmap = outs.find((o) => o.elementType === 'sequence' || o.elementType === 'map');
  const floats = outs.filter((o) => o.elementType === 'float32' || o.elementType === 'float64');
  if (task === 'regression') {
    const value = floats[0];
    if (!value) throw new InputError(`${model.file}: no float output to read predictions from (outputs: ${names(outs)}); is this a regression model?`);
    return { value };
  }
  const label = outs.find((o) => /label/i.test(o.name) && o.elementType !== 'float32' && o.elementType !== 'float64')
    ?? outs.find((o) => (o.elementType === 'int64' || o.elementType === 'string') && o.shape.length <= 2);
  const probabilities = floats.find((o) => /prob/i.test(o.name) && o.shape.length === 2) ?? floats.find((o) => o.shape.length === 2);
  if (!label && !probabilities) {
    const hint = zipmap ? `; output '${zipmap.name}' is a ${zipmap.elementType} (sklearn-onnx ZipMap): export with options={'zipmap': False}` : '';
    throw new InputError(`${model.file}: no label or probability output (outputs: ${names(outs)})${hint}`);
  }
  return { ...(label ? { label } : {}), ...(probabilities ? { probabilities } : {}) };
}

function names(outs: TensorSignature[]): string {
  return outs.map((o) => `${o.name}: ${o.elementType}`).join(', ');
}

export interface ScoredModel {
  classification?: ClassifierOutputs;
  regression?: Float64Array;
  /** Time inside ONNX Runtime's run() alone. */
  inferenceMs: number;
}

export interface ClassMapping {
  /** Holdout classes plus any class only a model predicts; grows as needed. */
  classes: string[];
  index: Map<string, number>;
}

export function classMapping(holdout: Holdout): ClassMapping {
  const classes = holdout.label.kind === 'classes' ? [...holdout.label.values] : [];
  return { classes, index: new Map(classes.map((c, i) => [c, i])) };
}

function classIndexOf(mapping: ClassMapping, value: string): number {
  let k = mapping.index.get(value);
  if (k === undefined) {
    mapping.index.set(value, (k = mapping.classes.length));
    mapping.classes.push(value);
  }
  return k;
}

/** Raw outputs of every batch, kept until the class list is complete. */
export interface RawScores {
  model: LoadedModel;
  roles: OutputRoles;
  batches: Record<string, OutputTensor>[];
  inferenceMs: number;
}

export async function runModel(
  model: LoadedModel,
  feeds: InputFeed[],
  holdout: Holdout,
  caches: TensorCache[],
  task: 'classification' | 'regression',
  now: () => number,
): Promise<RawScores> {
  const roles = outputRoles(model, task);
  const batches: Record<string, OutputTensor>[] = [];
  let inferenceMs = 0;
  for (const [b, batch] of holdout.batches.entries()) {
    const tensors = buildFeeds(batch, feeds, caches[b]!);
    const start = now();
    batches.push(await model.run(tensors));
    inferenceMs += now() - start;
  }
  return { model, roles, batches, inferenceMs };
}

/**
 * Class index per row and probabilities re-ordered into the shared class
 * order. `columnClasses` names the model's probability columns (from the
 * graph, the policy, or — failing both — learnt from its labels).
 */
export function classifierOutputs(raw: RawScores, rows: number, mapping: ClassMapping, policyClasses: string[] | undefined): ClassifierOutputs {
  const { label, probabilities } = raw.roles;
  const predicted = new Int32Array(rows);
  let offset = 0;
  let width = 0;
  if (probabilities) {
    const first = raw.batches[0]?.[probabilities.name];
    width = first ? first.dims[first.dims.length - 1] ?? 0 : 0;
  }
  const columnClasses = probabilities ? probabilityClasses(raw, width, policyClasses) : undefined;
  const columnIndex = columnClasses?.map((c) => classIndexOf(mapping, c));
  const labelCodes = new Map<string, number>();
  for (const out of raw.batches) {
    const n = batchRows(out, raw.roles);
    if (label) {
      const data = out[label.name]!.data;
      for (let i = 0; i < n; i++) {
        const key = String(data[i]);
        let k = labelCodes.get(key);
        if (k === undefined) labelCodes.set(key, (k = classIndexOf(mapping, key)));
        predicted[offset + i] = k;
      }
    } else {
      const p = out[probabilities!.name]!.data as Float32Array;
      for (let i = 0; i < n; i++) {
        let top = 0;
        for (let c = 1; c < width; c++) if (p[i * width + c]! > p[i * width + top]!) top = c;
        predicted[offset + i] = columnIndex![top]!;
      }
    }
    offset += n;
  }
  if (!probabilities) return { predicted };
  // Probabilities in the shared class order (classes the model never outputs get 0).
  const c = mapping.classes.length;
  const probs = new Float32Array(rows * c);
  offset = 0;
  const identity = columnIndex!.every((g, j) => g === j) && width === c;
  for (const out of raw.batches) {
    const p = out[probabilities.name]!.data as Float32Array;
    const n = batchRows(out, raw.roles);
    if (identity) probs.set(p.subarray(0, n * c), offset * c);
    else for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) probs[(offset + i) * c + columnIndex![j]!] = p[i * width + j]!;
    offset += n;
  }
  return { predicted, probabilities: probs };
}

function batchRows(out: Record<string, OutputTensor>, roles: OutputRoles): number {
  const t = out[(roles.label ?? roles.probabilities ?? roles.value)!.name]!;
  return t.dims[0] ?? 0;
}

function probabilityClasses(raw: RawScores, width: number, policyClasses: string[] | undefined): string[] {
  const fromModel = raw.model.classLabels ?? policyClasses;
  if (fromModel) {
    if (fromModel.length !== width) {
      throw new InputError(`${raw.model.file}: ${width} probability columns but ${fromModel.length} class labels (${fromModel.join(', ')}); fix 'classes' in the policy`);
    }
    return fromModel;
  }
  if (!raw.roles.label) {
    throw new InputError(`${raw.model.file}: the model outputs probabilities without class labels; list the classes in column order under 'classes:' in the policy`);
  }
  // Learn each column's class from the label the model gives where that column is the largest.
  const votes = Array.from({ length: width }, () => new Map<string, number>());
  for (const out of raw.batches) {
    const p = out[raw.roles.probabilities!.name]!.data as Float32Array;
    const labels = out[raw.roles.label.name]!.data;
    const n = batchRows(out, raw.roles);
    for (let i = 0; i < n; i++) {
      let top = 0;
      for (let c = 1; c < width; c++) if (p[i * width + c]! > p[i * width + top]!) top = c;
      const key = String(labels[i]);
      votes[top]!.set(key, (votes[top]!.get(key) ?? 0) + 1);
    }
  }
  return votes.map((v, j) => [...v.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? `class ${j}`);
}

export function regressionOutputs(raw: RawScores, rows: number): Float64Array {
  const name = raw.roles.value!.name;
  const out = new Float64Array(rows);
  let offset = 0;
  for (const batch of raw.batches) {
    const t = batch[name]!;
    const n = t.dims[0] ?? 0;
    const width = t.data.length / Math.max(1, n);
    for (let i = 0; i < n; i++) out[offset + i] = Number(t.data[i * width]);
    offset += n;
  }
  return out;
}
