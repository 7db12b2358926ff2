// The holdout in memory, columnar: feature columns per batch (as the data
// package decodes them), the label as class codes or numbers, and the
// slice/fairness columns concatenated for slicing.
import { columnOf, scanColumns } from '@mlship/data';
import type { BatchHandler, Column, ColumnBatch } from '@mlship/data';
import { FileFormatError, InputError } from '@mlship/errors';
import type { SliceColumn, Task } from '@mlship/eval';
import { buildFeeds } from './feature-tensors.ts';
import type { FeatureBatch, TensorCache } from './feature-tensors.ts';
import type { InputFeed } from './input-mapping.ts';

export interface HoldoutBatch extends FeatureBatch {
  /** The models' input tensors for this batch, built while decoding. */
  tensors: TensorCache;
}

export interface Holdout {
  source: string;
  rows: number;
  batches: HoldoutBatch[];
  /** Classification: class code per row into `labelValues`; regression: the numbers. */
  label: { kind: 'classes'; codes: Int32Array; values: string[] } | { kind: 'numbers'; values: Float64Array };
  /** Slice and fairness columns over all rows. */
  groups: Map<string, SliceColumn>;
}

/** Reads a data file's columns, handing each batch over (the engine's scanColumns). */
export type ReadBatches = (
  path: string,
  onBatch: BatchHandler,
  options: { columns: string[]; batchRows?: number },
) => Promise<unknown>;

export interface HoldoutRequest {
  path: string;
  task: Task;
  label: string;
  features: string[];
  groupColumns: string[];
  /** Each model's input mapping: their tensors are built per batch as it is decoded. */
  feeds: InputFeed[][];
  batchRows?: number;
}

export async function readHoldout(req: HoldoutRequest, read: ReadBatches = scanColumns): Promise<Holdout> {
  const columns = [...new Set([req.label, ...req.features, ...req.groupColumns])];
  const batches: HoldoutBatch[] = [];
  const labelCodes: Int32Array[] = [];
  const labelNumbers: Float64Array[] = [];
  const classIndex = new Map<string, number>();
  const groupParts = new Map<string, Column[]>(req.groupColumns.map((c) => [c, []]));
  let rows = 0;
  const onBatch = (batch: ColumnBatch): void => {
    if (batch.rowCount === 0) return;
    const features = new Map<string, Float64Array>();
    for (const name of req.features) features.set(name, numericFeature(batch, name));
    const tensors: TensorCache = new Map();
    for (const feeds of req.feeds)
      buildFeeds({ rowCount: batch.rowCount, features, source: batch.source }, feeds, tensors);
    batches.push({ rowCount: batch.rowCount, features, tensors });
    // A JSON batch lacks a column whose key no record has had so far: columnOf gives its nulls.
    const label = columnOf(batch, req.label);
    if (req.task === 'classification') labelCodes.push(classCodes(batch, label, req.label, classIndex));
    else labelNumbers.push(numericLabel(batch, label, req.label));
    for (const [name, parts] of groupParts) parts.push(columnOf(batch, name));
    rows += batch.rowCount;
  };
  await read(req.path, onBatch, { columns, ...(req.batchRows ? { batchRows: req.batchRows } : {}) });
  if (rows === 0) throw new InputError(`${req.path}: the holdout has no rows; give a data file with labelled rows`);
  const groups = new Map<string, SliceColumn>();
  for (const [name, parts] of groupParts) groups.set(name, concatColumn(parts, rows));
  const label: Holdout['label'] =
    req.task === 'classification'
      ? sortedClasses(concat(labelCodes, rows, Int32Array), [...classIndex.keys()])
      : { kind: 'numbers', values: concat(labelNumbers, rows, Float64Array) };
  return { source: req.path, rows, batches, label, groups };
}

/**
 * Classes in sorted order (numerically when every label is a number), as
 * sklearn orders `classes_` — so exported models' probability columns line up
 * with no reordering.
 */
function sortedClasses(codes: Int32Array, seen: string[]): { kind: 'classes'; codes: Int32Array; values: string[] } {
  const numeric = seen.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  const values = [...seen].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  const remap = Int32Array.from(seen, (v) => values.indexOf(v));
  for (let i = 0; i < codes.length; i++) codes[i] = remap[codes[i]!]!;
  return { kind: 'classes', codes, values };
}

const isNumberText = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

function where(batch: ColumnBatch, row: number): string {
  return `${batch.source.file}: row ${batch.source.firstRow + row}`;
}

function numericFeature(batch: ColumnBatch, name: string): Float64Array {
  const col = columnOf(batch, name);
  // A batch where the column is entirely missing comes as null text (its kind is not known yet).
  if (col.kind === 'categorical' && allNull(col)) return new Float64Array(batch.rowCount).fill(Number.NaN);
  if (col.kind !== 'numeric') {
    // The first value that is not a number, not the first value: the column read as text because of it.
    const row = col.codes.findIndex((c) => c >= 0 && !isNumberText(col.dictionary[c]!));
    const sample =
      row >= 0 ? col.dictionary[col.codes[row]!]! : (col.dictionary[col.codes.find((c) => c >= 0) ?? 0] ?? '');
    const at = row >= 0 ? where(batch, row) : batch.source.file;
    throw new FileFormatError(
      `${at}: feature column '${name}' holds '${sample}', not a number; encode it as numbers before scoring`,
      { location: { file: batch.source.file, ...(row >= 0 ? { line: batch.source.firstRow + row } : {}) } },
    );
  }
  // The engine reads a null as NaN: the column is the feature as it is.
  return col.values;
}

function allNull(col: Column): boolean {
  return col.kind === 'categorical' && col.codes.every((c) => c < 0);
}

function classCodes(batch: ColumnBatch, col: Column, name: string, classIndex: Map<string, number>): Int32Array {
  const codes = new Int32Array(batch.rowCount);
  if (col.kind === 'categorical') {
    const map = col.dictionary.map((v) => {
      let k = classIndex.get(v);
      if (k === undefined) classIndex.set(v, (k = classIndex.size));
      return k;
    });
    for (let i = 0; i < codes.length; i++) {
      const c = col.codes[i]!;
      if (c < 0) throw missingLabel(batch, i, name);
      codes[i] = map[c]!;
    }
    return codes;
  }
  // Integer class labels (0/1, 1..k) read as numbers; they key classes by their text.
  for (let i = 0; i < codes.length; i++) {
    if (col.nulls[i]) throw missingLabel(batch, i, name);
    if (!Number.isInteger(col.values[i])) {
      // Fractional labels are a regression target: as classes, every distinct value would be one.
      const why = Number.isFinite(col.values[i])
        ? "the task is classification but the label holds fractional numbers; use --task regression (action input 'task'), or integer or text classes"
        : 'drop or fix the row in the holdout';
      throw new FileFormatError(`${where(batch, i)}: label '${name}' is ${col.values[i]}, not a class: ${why}`, {
        location: { file: batch.source.file, line: batch.source.firstRow + i },
      });
    }
    const key = String(col.values[i]);
    let k = classIndex.get(key);
    if (k === undefined) classIndex.set(key, (k = classIndex.size));
    codes[i] = k;
  }
  return codes;
}

function numericLabel(batch: ColumnBatch, col: Column, name: string): Float64Array {
  if (allNull(col)) throw missingLabel(batch, 0, name);
  if (col.kind !== 'numeric') {
    const sample = col.dictionary[col.codes.find((c) => c >= 0) ?? 0] ?? '';
    throw new FileFormatError(
      `${batch.source.file}: label column '${name}' holds text ('${sample}') but the task is regression; use --task classification or a numeric label`,
      {
        location: { file: batch.source.file },
      },
    );
  }
  for (let i = 0; i < batch.rowCount; i++) {
    if (col.nulls[i]) throw missingLabel(batch, i, name);
    // A NaN or infinite label makes every regression metric NaN, and the gates "could not be computed".
    if (!Number.isFinite(col.values[i]!)) {
      throw new FileFormatError(
        `${where(batch, i)}: label '${name}' is ${col.values[i]}, not a finite number; drop or fix the row in the holdout`,
        {
          location: { file: batch.source.file, line: batch.source.firstRow + i },
        },
      );
    }
  }
  return col.values;
}

function missingLabel(batch: ColumnBatch, row: number, name: string): FileFormatError {
  // In a column read as numbers, text that is not a number is null too: say so rather than "missing".
  const col = batch.columns.get(name);
  const text = col?.kind === 'numeric' && col.invalid.count > 0 ? col.invalid.samples[0] : undefined;
  const what =
    text === undefined
      ? 'is missing; drop unlabelled rows from the holdout'
      : `is missing, or is text such as '${text}' in a column whose first rows are numbers; make the labels all numbers or all text`;
  return new FileFormatError(`${where(batch, row)}: label '${name}' ${what}`, {
    location: { file: batch.source.file, line: batch.source.firstRow + row },
  });
}

function concat<T extends Int32Array | Float64Array>(parts: T[], total: number, Ctor: { new (n: number): T }): T {
  const out = new Ctor(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** One column over all batches; categorical dictionaries are merged. */
function concatColumn(parts: Column[], total: number): SliceColumn {
  // Batches where a numeric column is entirely missing come as null text; they do not make it text.
  if (parts.some((p) => p.kind === 'numeric') && parts.every((p) => p.kind === 'numeric' || allNull(p))) {
    const values = new Float64Array(total);
    const nulls = new Uint8Array(total);
    let offset = 0;
    for (const p of parts) {
      if (p.kind === 'numeric') {
        values.set(p.values, offset);
        nulls.set(p.nulls, offset);
      } else {
        values.fill(Number.NaN, offset, offset + p.codes.length);
        nulls.fill(1, offset, offset + p.codes.length);
      }
      offset += p.kind === 'numeric' ? p.values.length : p.codes.length;
    }
    return { kind: 'numeric', values, nulls };
  }
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(total);
  let offset = 0;
  for (const p of parts) {
    if (p.kind === 'numeric') {
      for (let i = 0; i < p.values.length; i++) codes[offset + i] = p.nulls[i] ? -1 : code(String(p.values[i]));
      offset += p.values.length;
      continue;
    }
    const map = p.dictionary.map(code);
    for (let i = 0; i < p.codes.length; i++) codes[offset + i] = p.codes[i]! < 0 ? -1 : map[p.codes[i]!]!;
    offset += p.codes.length;
  }
  return { kind: 'categorical', codes, dictionary };

  function code(v: string): number {
    let k = index.get(v);
    if (k === undefined) {
      index.set(v, (k = dictionary.length));
      dictionary.push(v);
    }
    return k;
  }
}
