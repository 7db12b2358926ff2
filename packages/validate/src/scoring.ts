// Runs a model over the holdout batch by batch and turns its outputs into
// what the statistics need: a class index (and the probabilities in the
// holdout's class order) or a number per row.
import { InputError } from '@mlship/errors';
import type { LoadedModel, OutputTensor, TensorSignature } from '@mlship/onnx';
import type { ClassifierOutputs } from '@mlship/eval';
import type { Holdout } from './holdout.ts';
import { buildFeeds } from './feature-tensors.ts';
import type { InputFeed } from './input-mapping.ts';

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
    if (!value)
      throw new InputError(
        `${model.file}: no float output to read predictions from (outputs: ${names(outs)}); is this a regression model?`,
      );
    return { value };
  }
  const label =
    outs.find((o) => /label/i.test(o.name) && o.elementType !== 'float32' && o.elementType !== 'float64') ??
    outs.find((o) => (o.elementType === 'int64' || o.elementType === 'string') && o.shape.length <= 2);
  const probabilities =
    floats.find((o) => /prob/i.test(o.name) && o.shape.length === 2) ?? floats.find((o) => o.shape.length === 2);
  if (!label && !probabilities) {
    const hint = zipmap
      ? `; output '${zipmap.name}' is a ${zipmap.elementType} (sklearn-onnx ZipMap): export with options={'zipmap': False}`
      : '';
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

const DENSE_LABELS = 1024;

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
  task: 'classification' | 'regression',
  now: () => number,
): Promise<RawScores> {
  const roles = outputRoles(model, task);
  const batches: Record<string, OutputTensor>[] = [];
  let inferenceMs = 0;
  for (const batch of holdout.batches) {
    const tensors = buildFeeds(batch, feeds, batch.tensors);
    const start = now();
    batches.push(await model.run(tensors));
    inferenceMs += now() - start;
  }
  return { model, roles, batches, inferenceMs };
}

export interface ScoredClassifier {
  outputs: ClassifierOutputs;
  /** Time inside the model's run() alone. */
  inferenceMs: number;
}

/**
 * Scores a classifier. When the probability columns' classes are known up
 * front (the graph's class labels or the policy's `classes`), each batch's
 * outputs go straight into the compact arrays the statistics read (a class
 * index per row, probabilities in the shared class order) right after its
 * run, and are dropped: the runtime's next outputs reuse their memory, where
 * keeping every batch's outputs until the end touched twice the fresh memory.
 * Otherwise the columns' classes are learnt from the labels over the whole
 * holdout first (classifierOutputs).
 */
export async function scoreClassifier(
  model: LoadedModel,
  feeds: InputFeed[],
  holdout: Holdout,
  mapping: ClassMapping,
  policyClasses: string[] | undefined,
  now: () => number,
): Promise<ScoredClassifier> {
  const roles = outputRoles(model, 'classification');
  const columnClasses = model.classLabels ?? policyClasses;
  if (roles.probabilities && !columnClasses) {
    const raw = await runModel(model, feeds, holdout, 'classification', now);
    return { outputs: classifierOutputs(raw, holdout.rows, mapping, policyClasses), inferenceMs: raw.inferenceMs };
  }
  const writer = new ClassifierWriter(model, roles, holdout.rows, mapping, columnClasses);
  let inferenceMs = 0;
  for (const batch of holdout.batches) {
    const tensors = buildFeeds(batch, feeds, batch.tensors);
    const start = now();
    const out = await model.run(tensors);
    inferenceMs += now() - start;
    writer.write(out);
  }
  return { outputs: writer.finish(), inferenceMs };
}

/** Label values → class indices; integer labels in a small range go through a dense table, no string per row. */
class LabelCodes {
  private readonly mapping: ClassMapping;
  private readonly codes = new Map<string, number>();
  private readonly dense = new Int32Array(DENSE_LABELS).fill(-1);

  constructor(mapping: ClassMapping) {
    this.mapping = mapping;
  }

  private codeOf(key: string): number {
    let k = this.codes.get(key);
    if (k === undefined) this.codes.set(key, (k = classIndexOf(this.mapping, key)));
    return k;
  }

  write(data: OutputTensor['data'], n: number, predicted: Int32Array, offset: number): void {
    if (!(data instanceof BigInt64Array)) {
      for (let i = 0; i < n; i++) predicted[offset + i] = this.codeOf(String(data[i]));
      return;
    }
    // int64 read as two int32 words (little-endian): no BigInt conversion per row.
    const words = new Int32Array(data.buffer, data.byteOffset, n * 2);
    const dense = this.dense;
    for (let i = 0; i < n; i++) {
      const low = words[2 * i]!;
      if (words[2 * i + 1] === 0 && low >= 0 && low < DENSE_LABELS) {
        let k = dense[low]!;
        if (k < 0) dense[low] = k = this.codeOf(String(low));
        predicted[offset + i] = k;
      } else {
        predicted[offset + i] = this.codeOf(String(data[i]));
      }
    }
  }
}

/**
 * Writes batches of a classifier's outputs, in holdout order, into a class
 * index per row and row-major probabilities whose columns follow the shared
 * class order (classes only a model gives are appended to the mapping; the
 * probabilities are as wide as the classes known when they were laid out).
 */
class ClassifierWriter {
  private readonly roles: OutputRoles;
  private readonly model: LoadedModel;
  private readonly mapping: ClassMapping;
  private readonly columnClasses: string[] | undefined;
  private readonly labels: LabelCodes;
  private readonly predicted: Int32Array;
  private probabilities: Float32Array | undefined;
  /** Probability columns the model gives, and the class index of each. */
  private width = -1;
  /** Columns of the written probabilities: the classes known when they were laid out. */
  private columns = 0;
  private targets = new Int32Array(0);
  private inOrder = false;
  private offset = 0;

  constructor(
    model: LoadedModel,
    roles: OutputRoles,
    rows: number,
    mapping: ClassMapping,
    columnClasses: string[] | undefined,
  ) {
    this.model = model;
    this.roles = roles;
    this.mapping = mapping;
    this.columnClasses = columnClasses;
    this.labels = new LabelCodes(mapping);
    this.predicted = new Int32Array(rows);
  }

  /** The probability columns' classes, checked against the width the model gives. */
  private layOut(width: number, rows: number): void {
    const classes = this.columnClasses!;
    if (classes.length !== width) {
      throw new InputError(
        `${this.model.file}: ${width} probability columns but ${classes.length} class labels (${classes.join(', ')}); fix 'classes' in the policy`,
      );
    }
    this.width = width;
    this.targets = Int32Array.from(classes, (c) => classIndexOf(this.mapping, c));
    const c = (this.columns = this.mapping.classes.length);
    this.inOrder = width === c && this.targets.every((g, j) => g === j);
    this.probabilities = new Float32Array(rows * c);
  }

  write(out: Record<string, OutputTensor>): void {
    const { label, probabilities } = this.roles;
    const n = batchRows(out, this.roles);
    const offset = this.offset;
    const p = probabilities ? (out[probabilities.name]!.data as Float32Array) : undefined;
    if (p && this.width < 0) {
      const dims = out[probabilities!.name]!.dims;
      this.layOut(dims[dims.length - 1] ?? 0, this.predicted.length);
    }
    const width = this.width;
    const targets = this.targets;
    if (label) this.labels.write(out[label.name]!.data, n, this.predicted, offset);
    else
      for (let i = 0; i < n; i++) {
        let top = 0;
        for (let j = 1; j < width; j++) if (p![i * width + j]! > p![i * width + top]!) top = j;
        this.predicted[offset + i] = targets[top]!;
      }
    if (p) {
      const probs = this.probabilities!;
      const c = this.columns;
      // Columns already in the shared class order are copied as one block per batch.
      if (this.inOrder) probs.set(p.subarray(0, n * c), offset * c);
      else
        for (let i = 0; i < n; i++)
          for (let j = 0; j < width; j++) probs[(offset + i) * c + targets[j]!] = p[i * width + j]!;
    }
    this.offset += n;
  }

  finish(): ClassifierOutputs {
    return this.probabilities
      ? { predicted: this.predicted, probabilities: this.probabilities }
      : { predicted: this.predicted };
  }
}

/**
 * Class index per row and probabilities re-ordered into the shared class
 * order, from every batch's raw outputs, learning the probability columns'
 * classes from the labels the model gives where each column is the largest.
 */
export function classifierOutputs(
  raw: RawScores,
  rows: number,
  mapping: ClassMapping,
  policyClasses: string[] | undefined,
): ClassifierOutputs {
  const { probabilities } = raw.roles;
  let columnClasses: string[] | undefined;
  if (probabilities) {
    const first = raw.batches[0]?.[probabilities.name];
    const width = first ? (first.dims[first.dims.length - 1] ?? 0) : 0;
    columnClasses = probabilityClasses(raw, width, policyClasses, mapping.classes);
  }
  const writer = new ClassifierWriter(raw.model, raw.roles, rows, mapping, columnClasses);
  for (const out of raw.batches) writer.write(out);
  return writer.finish();
}

function batchRows(out: Record<string, OutputTensor>, roles: OutputRoles): number {
  const t = out[(roles.label ?? roles.probabilities ?? roles.value)!.name]!;
  return t.dims[0] ?? 0;
}

function probabilityClasses(
  raw: RawScores,
  width: number,
  policyClasses: string[] | undefined,
  holdoutClasses: readonly string[],
): string[] {
  const fromModel = raw.model.classLabels ?? policyClasses;
  // Checked against the width where the probabilities are laid out (ClassifierWriter).
  if (fromModel) return fromModel;
  if (!raw.roles.label) {
    throw new InputError(
      `${raw.model.file}: the model outputs probabilities without class labels; list the classes in column order under 'classes:' in the policy`,
    );
  }
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
  const learnt = votes.map((v) => [...v.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]);
  const unknown = learnt.flatMap((c, j) => (c === undefined ? [j] : []));
  // One column left and one holdout class unclaimed (a rare class, never the most likely): that is its class.
  const unclaimed = holdoutClasses.filter((c) => !learnt.includes(c));
  if (unknown.length === 1 && unclaimed.length === 1) learnt[unknown[0]!] = unclaimed[0]!;
  else if (unknown.length > 0) {
    // A made-up class for such a column would take its probabilities away from the real one.
    throw new InputError(
      `${raw.model.file}: the model outputs probabilities without class labels, and column${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} never held the most likely class on the holdout, so ${unknown.length === 1 ? 'its class' : 'their classes'} cannot be learnt; list the classes in column order under 'classes:' in the policy`,
    );
  }
  return learnt as string[];
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
