// The columnar batch the engine yields and every check and profile update
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

export const DEFAULT_BATCH_ROWS = 65_536;
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
