// The columnar batch every reader yields and every check and profile update
// consumes: numbers in Float64Array with a null mask, strings dictionary-encoded
// per batch, so no per-row objects exist on the hot path.

/** Numbers (and timestamps as epoch milliseconds). */
export interface NumericColumn {
  kind: 'numeric';
  values: Float64Array;
  /** 1 where the row is null (missing, or text that did not parse as a number). */
  nulls: Uint8Array;
  /** True for timestamp/date columns; values are epoch milliseconds. */
  timestamp: boolean;
  /** Rows whose text did not parse as a number; they are also null in `nulls`. */
  invalid: { count: number; samples: string[] };
}

/** Strings, booleans and anything else, as codes into this batch's dictionary. */
export interface CategoricalColumn {
  kind: 'categorical';
  /** Index into `dictionary`; -1 for null. */
  codes: Int32Array;
  dictionary: string[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface ColumnBatch {
  rowCount: number;
  /**
   * Columns in file order. JSON records may omit keys, so a JSON batch holds
   * the columns seen so far and later batches may add more: read a column
   * with `columnOf`, which gives all nulls where the batch has none.
   */
  columns: Map<string, Column>;
  /** The file the rows came from and the 1-based line (CSV/JSONL) or row number of the first row. */
  source: { file: string; firstRow: number };
}

export interface ReadOptions {
  /** Only these columns are decoded; a name absent from the data (in JSON: from every record) is an error. */
  columns?: readonly string[];
  /** Rows per batch (default 65,536). Parquet row groups are sliced to this size. */
  batchRows?: number;
}

export const DEFAULT_BATCH_ROWS = 65_536;
const MAX_INVALID_SAMPLES = 5;

export function isNull(column: Column, row: number): boolean {
  return column.kind === 'numeric' ? column.nulls[row] === 1 : column.codes[row] === -1;
}

/** The batch's column, or all nulls where the batch has none (a JSON key first seen in a later batch). */
export function columnOf(batch: ColumnBatch, name: string): Column {
  return (
    batch.columns.get(name) ?? { kind: 'categorical', codes: new Int32Array(batch.rowCount).fill(-1), dictionary: [] }
  );
}

/** The value of a row as text, for failure samples and reports. */
export function valueText(column: Column, row: number): string | null {
  if (column.kind === 'categorical') {
    const code = column.codes[row]!;
    return code < 0 ? null : column.dictionary[code]!;
  }
  if (column.nulls[row] === 1) return null;
  const v = column.values[row]!;
  return column.timestamp && Number.isFinite(v) ? new Date(v).toISOString() : String(v);
}

/**
 * Collects one column's values for a batch. The kind is fixed by the first
 * batch with a value (see `decideKind`): text readers start undecided and keep
 * raw strings until such a batch is complete.
 */
export class ColumnBuilder {
  kind: 'numeric' | 'categorical' | undefined;
  timestamp = false;
  private values: Float64Array;
  private nulls: Uint8Array;
  private codes: Int32Array;
  private dictionary: string[] = [];
  private dictionaryIndex = new Map<string, number>();
  private pending: (string | number | null)[] = [];
  private invalidCount = 0;
  private invalidSamples: string[] = [];
  private length = 0;

  constructor(capacity: number, kind?: 'numeric' | 'categorical') {
    this.kind = kind;
    this.values = new Float64Array(kind === 'numeric' ? capacity : 0);
    this.nulls = new Uint8Array(kind === 'numeric' ? capacity : 0);
    this.codes = new Int32Array(kind === 'categorical' ? capacity : 0);
  }

  get size(): number {
    return this.kind === undefined ? this.pending.length : this.length;
  }

  /** A raw token from a text format; `null` for a missing value. */
  pushText(text: string | null): void {
    if (this.kind === undefined) {
      this.pending.push(text);
    } else if (this.kind === 'numeric') {
      if (text === null) return this.pushNull();
      const v = parseNumber(text);
      if (v === undefined) {
        this.invalidCount++;
        if (this.invalidSamples.length < MAX_INVALID_SAMPLES) this.invalidSamples.push(text);
        this.pushNull();
      } else {
        this.values[this.length] = v;
        this.nulls[this.length++] = 0;
      }
    } else {
      this.pushCategory(text);
    }
  }

  /** A typed value (JSON, Parquet). */
  pushValue(value: unknown): void {
    if (value === null || value === undefined) {
      if (this.kind === undefined) this.pending.push(null);
      else this.pushNull();
      return;
    }
    if (this.kind === undefined) {
      this.pending.push(typeof value === 'number' ? value : stringify(value));
      return;
    }
    if (this.kind === 'numeric') {
      if (typeof value === 'number') {
        this.values[this.length] = value;
        this.nulls[this.length++] = 0;
      } else if (typeof value === 'bigint') {
        this.values[this.length] = Number(value);
        this.nulls[this.length++] = 0;
      } else if (value instanceof Date) {
        this.values[this.length] = value.getTime();
        this.nulls[this.length++] = 0;
      } else {
        this.pushText(stringify(value));
      }
    } else {
      this.pushCategory(stringify(value));
    }
  }

  pushNull(): void {
    if (this.kind === undefined) this.pending.push(null);
    else if (this.kind === 'numeric') {
      this.values[this.length] = Number.NaN;
      this.nulls[this.length++] = 1;
    } else this.codes[this.length++] = -1;
  }

  private pushCategory(text: string | null): void {
    if (text === null) {
      this.codes[this.length++] = -1;
      return;
    }
    let code = this.dictionaryIndex.get(text);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(text);
      this.dictionaryIndex.set(text, code);
    }
    this.codes[this.length++] = code;
  }

  /** Fixes the kind from the values seen so far, then replays them. */
  decideKind(capacity: number): void {
    if (this.kind !== undefined) return;
    const pending = this.pending;
    // Integers beyond 2^53 (64-bit identifiers) cannot be held as numbers: distinct ids would collide.
    const numeric =
      pending.every(
        (v) => v === null || typeof v === 'number' || (parseNumber(v) !== undefined && !isUnsafeInteger(v)),
      ) && pending.some((v) => v !== null);
    this.kind = numeric ? 'numeric' : 'categorical';
    this.values = new Float64Array(numeric ? capacity : 0);
    this.nulls = new Uint8Array(numeric ? capacity : 0);
    this.codes = new Int32Array(numeric ? 0 : capacity);
    this.pending = [];
    for (const v of pending) {
      if (typeof v === 'number') this.pushValue(v);
      else this.pushText(v);
    }
  }

  /** Hands out the batch's column and starts an empty one of the same kind. */
  take(capacity: number): Column {
    // A batch of only nulls says nothing about the kind: it goes out as an
    // all-null text column and the next batch decides.
    const undecided = this.kind === undefined && this.pending.every((v) => v === null);
    this.decideKind(capacity);
    const n = this.length;
    let column: Column;
    if (this.kind === 'numeric') {
      column = {
        kind: 'numeric',
        values: this.values.subarray(0, n),
        nulls: this.nulls.subarray(0, n),
        timestamp: this.timestamp,
        invalid: { count: this.invalidCount, samples: this.invalidSamples },
      };
      this.values = new Float64Array(capacity);
      this.nulls = new Uint8Array(capacity);
      this.invalidCount = 0;
      this.invalidSamples = [];
    } else {
      column = { kind: 'categorical', codes: this.codes.subarray(0, n), dictionary: this.dictionary };
      this.codes = new Int32Array(capacity);
      this.dictionary = [];
      this.dictionaryIndex = new Map();
    }
    this.length = 0;
    if (undecided) this.kind = undefined;
    return column;
  }
}

function isUnsafeInteger(text: string): boolean {
  return /^\s*[-+]?\d{16,}\s*$/.test(text) && !Number.isSafeInteger(Number(text));
}

const NUMBER = /^\s*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)\s*$/i;

/** Parses decimal text, NaN and ±Infinity; undefined when the text is not a number. */
export function parseNumber(text: string): number | undefined {
  const v = Number(text);
  // Number('') and Number('  ') are 0: only a zero can be blank text.
  if (v !== 0 && !Number.isNaN(v)) return v;
  if (v === 0) return text.trim() === '' ? undefined : v;
  if (!NUMBER.test(text)) return undefined;
  const t = text.trim().toLowerCase().replace(/^\+/, '');
  if (t === 'nan') return Number.NaN;
  if (t.startsWith('-')) return Number.NEGATIVE_INFINITY;
  return Number.POSITIVE_INFINITY;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}
