// The one way data is read: every file a path or glob names goes through the
// engine once, and its rows reach `onBatch` as column batches in file order
// (numbers in Float64Array with a null mask, text as codes into a per-batch
// dictionary), with no per-row objects.
import { FileFormatError } from '@mlship/errors';
import { DEFAULT_BATCH_ROWS, type Column, type ColumnBatch } from '../read/columns.ts';
import { loadBindings, numericChunk, rowSpan, textChunk, type NumericChunk, type TextChunk } from './chunk-decoder.ts';
import { resolveDataFiles } from './data-format.ts';
import { sinkQuery } from './duckdb-engine.ts';
import { engineError } from './engine-errors.ts';
import { planSource, type ColumnPlan, type SourcePlan } from './source-plan.ts';

export interface ScanOptions {
  /** Only these columns are read; a name absent from the data is an error. */
  columns?: readonly string[];
  /** Rows per batch (default 65,536). */
  batchRows?: number;
}

export type BatchHandler = (batch: ColumnBatch) => void;

/**
 * Rows per chunk the engine hands over (DuckDB's vector size). Batches of
 * this size are the engine's chunks as they are, and each is consumed while
 * the engine parses the next (see sinkQuery); a larger batch keeps the
 * engine waiting while it is consumed.
 */
export const ENGINE_CHUNK_ROWS = 2048;

export interface ScannedFile {
  file: string;
  plan: SourcePlan;
  rows: number;
}

const MAX_INVALID_SAMPLES = 5;

/**
 * Reads every file of a path or glob, in sorted file order, handing each
 * batch to `onBatch`. CSV and Parquet files of one data set must have the
 * first file's columns; JSON files may differ (a batch may lack a column:
 * read it with `columnOf`). Returns each file's plan, for queries that follow.
 */
export async function scanColumns(
  pattern: string,
  onBatch: BatchHandler,
  options: ScanOptions = {},
): Promise<ScannedFile[]> {
  const files = await resolveDataFiles(pattern);
  await loadBindings();
  const scanned: ScannedFile[] = [];
  let names: string | undefined;
  let seen = 0;
  for (const file of files) {
    const { plan, rows } = await scanFile(file, options, onBatch, (p) => {
      if (p.format !== 'csv' && p.format !== 'parquet') return;
      const these = p.columns.map((c) => c.name).join(', ');
      names ??= these;
      if (these !== names)
        throw new FileFormatError(
          `${file}: columns (${these}) differ from the first file's (${names}); all files of one data set need the same columns`,
          { location: { file } },
        );
    });
    scanned.push({ file, plan, rows });
    seen += rows;
  }
  if (seen === 0 && scanned.every((s) => s.plan.columns.length === 0))
    throw new FileFormatError(`${pattern}: the data has no columns; give a file with a header row or records`, {
      location: { file: pattern },
    });
  return scanned;
}

function selectColumns(plan: SourcePlan, wanted: readonly string[] | undefined): ColumnPlan[] {
  if (!wanted) return plan.columns;
  const have = plan.columns.map((c) => c.name);
  for (const name of wanted) {
    if (!have.includes(name)) {
      const where = plan.format === 'csv' ? 'the header' : 'the file';
      throw new FileFormatError(`${plan.file}: column '${name}' is not in ${where} (${have.join(', ')})`, {
        location: { file: plan.file, line: 1 },
      });
    }
  }
  return plan.columns.filter((c) => wanted.includes(c.name));
}

async function scanFile(
  file: string,
  options: ScanOptions,
  onBatch: BatchHandler,
  checkColumns: (plan: SourcePlan) => void,
): Promise<{ plan: SourcePlan; rows: number }> {
  const tolerant = new Set<string>();
  let delivered = 0;
  // The consumer's own error reaches the caller as it was thrown, not as a file that cannot be read.
  let consumerFailed: { error: unknown } | undefined;
  // A CSV column whose first rows are numbers may hold text further down: the scan restarts with
  // that column parsed leniently (text counted invalid), skipping the rows already handed over.
  for (let attempt = 0; ; attempt++) {
    const plan = await planSource(file, tolerant);
    checkColumns(plan);
    const columns = selectColumns(plan, options.columns);
    const assembler = new BatchAssembler(
      file,
      plan,
      columns,
      options.batchRows ?? DEFAULT_BATCH_ROWS,
      delivered,
      (b) => {
        delivered += b.rowCount;
        try {
          onBatch(b);
        } catch (error) {
          consumerFailed = { error };
          throw error;
        }
      },
    );
    const sql = [
      ...(plan.rowNumberSql ? [plan.rowNumberSql] : []),
      ...columns.flatMap((c) => [
        c.sql,
        ...(c.invalidSql ? [c.invalidSql] : []),
        ...(hashed(plan, c) ? [`hash(${c.sql})`] : []),
      ]),
    ];
    try {
      if (sql.length > 0) await sinkQuery(sql, plan.from, (chunk) => assembler.add(chunk), { serial: plan.ordered });
      assembler.finish();
      return { plan, rows: delivered };
    } catch (cause) {
      if (consumerFailed) throw consumerFailed.error;
      if (cause instanceof FileFormatError) throw cause;
      const column = /Error when converting column "(.+?)"\. Could not convert/.exec((cause as Error).message)?.[1];
      if (plan.format === 'csv' && column !== undefined && !tolerant.has(column) && attempt < plan.columns.length) {
        tolerant.add(column);
        continue;
      }
      throw await engineError(file, cause);
    }
  }
}

/**
 * A CSV text column comes with the engine's 64-bit hash of each value, so a
 * value longer than a string slot holds (12 bytes: dates, ids, names) that
 * repeats within a chunk is read out of the engine's memory and decoded once
 * per chunk, not once per row (see textChunk).
 */
function hashed(plan: SourcePlan, column: ColumnPlan): boolean {
  return plan.format === 'csv' && column.kind === 'categorical';
}

type DecodedChunk = {
  rows: number;
  /** The first row's position in the file, where the format gives one (Parquet); else -1. */
  first: number;
  columns: (NumericChunk | TextChunk)[];
  invalid: (TextChunk | undefined)[];
};

/** Chunks in, ordered batches of `batchRows` out. */
class BatchAssembler {
  rows = 0;
  private readonly pending = new Map<number, DecodedChunk>();
  private next = 0;
  private batch: BatchBuilder;
  private readonly file: string;
  private readonly plan: SourcePlan;
  private readonly columns: ColumnPlan[];
  private readonly batchRows: number;
  /** Rows already handed over by an earlier attempt, skipped now. */
  private skip: number;
  private readonly emit: BatchHandler;

  constructor(
    file: string,
    plan: SourcePlan,
    columns: ColumnPlan[],
    batchRows: number,
    skip: number,
    emit: BatchHandler,
  ) {
    this.file = file;
    this.plan = plan;
    this.columns = columns;
    this.batchRows = batchRows;
    this.skip = skip;
    this.emit = emit;
    this.batch = new BatchBuilder(columns, batchRows, this.firstRowOf(skip));
  }

  private firstRowOf(position: number): number {
    // CSV: the line of the row, after the header (exact unless quoted fields hold line breaks).
    return position + (this.plan.format === 'csv' ? 2 : 1);
  }

  /**
   * Copies the chunk out of the engine's memory (the numbers; the text as
   * codes and a dictionary) and returns the rest of the work, which the
   * engine runs after it is released (see sinkQuery).
   */
  add(chunk: import('@duckdb/node-api').DuckDBDataChunk): (() => void) | undefined {
    const rows = chunk.rowCount;
    if (rows === 0) return undefined;
    let index = 0;
    let first = -1;
    if (this.plan.rowNumberSql) {
      const span = rowSpan(chunk, index++, rows);
      if (!span.consecutive) throw new Error(`${this.file}: the engine returned rows out of order within a chunk`);
      first = span.first;
    }
    const decoded: DecodedChunk = { rows, first, columns: [], invalid: [] };
    for (const c of this.columns) {
      const at = index++;
      const invalid = c.invalidSql ? index++ : -1;
      const hash = hashed(this.plan, c) ? index++ : undefined;
      decoded.columns.push(c.kind === 'numeric' ? numericChunk(chunk, at, rows) : textChunk(chunk, at, rows, hash));
      decoded.invalid.push(invalid >= 0 ? textChunk(chunk, invalid, rows) : undefined);
    }
    return () => this.accept(decoded);
  }

  private accept(decoded: DecodedChunk): void {
    if (!this.plan.rowNumberSql) {
      this.next += decoded.rows;
      this.take(decoded);
      return;
    }
    // A parallel Parquet scan hands over row groups' chunks in any order: the next one is taken as it
    // is, the others wait for their turn.
    if (decoded.first === this.next) {
      this.next += decoded.rows;
      this.take(decoded);
    } else this.pending.set(decoded.first, decoded);
    for (let ready = this.pending.get(this.next); ready; ready = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.next += ready.rows;
      this.take(ready);
    }
  }

  private take(chunk: DecodedChunk): void {
    let from = 0;
    if (this.skip > 0) {
      from = Math.min(this.skip, chunk.rows);
      this.skip -= from;
    }
    // A chunk that is a whole batch is handed over as it is, with no copy.
    if (from === 0 && this.batch.size === 0 && chunk.rows === this.batchRows) {
      const b = chunkBatch(chunk, this.columns, this.file, this.batch.firstRow);
      this.rows += chunk.rows;
      this.batch = new BatchBuilder(this.columns, this.batchRows, b.source.firstRow + b.rowCount);
      this.emit(b);
      return;
    }
    while (from < chunk.rows) {
      const n = Math.min(chunk.rows - from, this.batchRows - this.batch.size);
      this.batch.append(chunk, from, n);
      from += n;
      this.rows += n;
      if (this.batch.size === this.batchRows) this.flush();
    }
  }

  private flush(): void {
    const b = this.batch.build(this.file);
    this.batch = new BatchBuilder(this.columns, this.batchRows, b.source.firstRow + b.rowCount);
    this.emit(b);
  }

  finish(): void {
    if (this.pending.size > 0) throw new Error(`${this.file}: the engine skipped rows ${this.next}..`);
    // A header-only file still yields its columns, with no rows.
    if (this.batch.size > 0 || this.rows === 0) this.flush();
  }
}

/** A decoded chunk as a batch of its own (its text dictionaries hold exactly the values its rows use). */
function chunkBatch(chunk: DecodedChunk, plans: ColumnPlan[], file: string, firstRow: number): ColumnBatch {
  const columns = new Map<string, Column>();
  chunk.columns.forEach((col, j) => {
    const plan = plans[j]!;
    if (col.kind === 'numeric') {
      const invalid = { count: 0, samples: [] };
      countInvalid(chunk.invalid[j], 0, chunk.rows, invalid);
      columns.set(plan.name, {
        kind: 'numeric',
        values: col.values,
        nulls: col.nulls,
        timestamp: plan.timestamp,
        invalid,
      });
    } else columns.set(plan.name, { kind: 'categorical', codes: col.codes, dictionary: col.dictionary });
  });
  return { rowCount: chunk.rows, columns, source: { file, firstRow } };
}

/** Rows `from` to `to` of a tolerant column whose text did not parse as a number. */
function countInvalid(
  invalid: TextChunk | undefined,
  from: number,
  to: number,
  into: { count: number; samples: string[] },
): void {
  if (!invalid) return;
  for (let i = from; i < to; i++) {
    const code = invalid.codes[i]!;
    if (code < 0) continue;
    into.count++;
    if (into.samples.length < MAX_INVALID_SAMPLES) into.samples.push(invalid.dictionary[code]!);
  }
}

/** Rows of several chunks gathered into one batch (its arrays allocated on the first append). */
class BatchBuilder {
  size = 0;
  readonly firstRow: number;
  private values: (Float64Array | undefined)[] = [];
  private nulls: (Uint8Array | undefined)[] = [];
  private codes: (Int32Array | undefined)[] = [];
  private readonly dictionaries: string[][];
  private readonly indexes: Map<string, number>[];
  private readonly invalid: { count: number; samples: string[] }[];
  private readonly columns: ColumnPlan[];
  private readonly capacity: number;

  constructor(columns: ColumnPlan[], capacity: number, firstRow: number) {
    this.columns = columns;
    this.capacity = capacity;
    this.firstRow = firstRow;
    this.dictionaries = columns.map(() => []);
    this.indexes = columns.map(() => new Map());
    this.invalid = columns.map(() => ({ count: 0, samples: [] }));
  }

  private allocate(): void {
    const numeric = this.columns.map((c) => c.kind === 'numeric');
    this.values = numeric.map((n) => (n ? new Float64Array(this.capacity) : undefined));
    this.nulls = numeric.map((n) => (n ? new Uint8Array(this.capacity) : undefined));
    this.codes = numeric.map((n) => (n ? undefined : new Int32Array(this.capacity)));
  }

  append(chunk: DecodedChunk, from: number, n: number): void {
    if (this.size === 0) this.allocate();
    chunk.columns.forEach((col, j) => {
      if (col.kind === 'numeric') {
        this.values[j]!.set(col.values.subarray(from, from + n), this.size);
        this.nulls[j]!.set(col.nulls.subarray(from, from + n), this.size);
        countInvalid(chunk.invalid[j], from, from + n, this.invalid[j]!);
        return;
      }
      const dictionary = this.dictionaries[j]!;
      const index = this.indexes[j]!;
      const remap = col.dictionary.map((text) => {
        let code = index.get(text);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(text);
          index.set(text, code);
        }
        return code;
      });
      const codes = this.codes[j]!;
      for (let i = 0; i < n; i++) {
        const c = col.codes[from + i]!;
        codes[this.size + i] = c < 0 ? -1 : remap[c]!;
      }
    });
    this.size += n;
  }

  build(file: string): ColumnBatch {
    const n = this.size;
    // A header-only file still yields its columns, with no rows.
    if (n === 0) this.allocate();
    const columns = new Map<string, Column>();
    this.columns.forEach((c, j) => {
      columns.set(
        c.name,
        c.kind === 'numeric'
          ? {
              kind: 'numeric',
              values: this.values[j]!.subarray(0, n),
              nulls: this.nulls[j]!.subarray(0, n),
              timestamp: c.timestamp,
              invalid: this.invalid[j]!,
            }
          : { kind: 'categorical', codes: this.codes[j]!.subarray(0, n), dictionary: this.dictionaries[j]! },
      );
    });
    return { rowCount: n, columns, source: { file, firstRow: this.firstRow } };
  }
}
