// JSON Lines and JSON arrays of objects to column batches. JSON Lines is read
// line by line (one object per line is what JSON.parse gives); a JSON array is
// parsed whole, so it suits files that fit in memory (use JSON Lines,
// CSV or Parquet for large data).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { FileFormatError } from '@mlship/errors';
import { ColumnBuilder, DEFAULT_BATCH_ROWS } from './columns.ts';
import type { ColumnBatch, ReadOptions } from './columns.ts';

// Records may omit keys (Spark and many exporters leave out null fields), so
// every key seen anywhere is a column: one first seen mid-batch is backfilled
// with nulls for the batch's earlier rows; one first seen in a later batch is
// absent from the batches already yielded (see `columnOf`).
class RecordColumns {
  private readonly builders = new Map<string, ColumnBuilder>();
  private rows = 0;
  private firstRow = 1;
  private batches = 0;
  private readonly file: string;
  private readonly selected: ReadonlySet<string> | undefined;
  private readonly batchRows: number;

  constructor(file: string, options: ReadOptions) {
    this.file = file;
    this.selected = options.columns && new Set(options.columns);
    this.batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  }

  /** Adds one record; returns a full batch when one is complete. */
  add(record: unknown, row: number): ColumnBatch | undefined {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new FileFormatError(`${this.file}:${row}: expected a JSON object per record`, {
        location: { file: this.file, line: row },
      });
    }
    const values = record as Record<string, unknown>;
    if (this.rows === 0) this.firstRow = row;
    for (const name in values) {
      if (this.builders.has(name) || (this.selected && !this.selected.has(name))) continue;
      const builder = new ColumnBuilder(this.batchRows);
      for (let i = 0; i < this.rows; i++) builder.pushNull();
      this.builders.set(name, builder);
    }
    for (const [name, builder] of this.builders) builder.pushValue(values[name]);
    return ++this.rows === this.batchRows ? this.flush() : undefined;
  }

  flush(): ColumnBatch {
    const columns = new Map([...this.builders].map(([name, b]) => [name, b.take(this.batchRows)] as const));
    const batch = { rowCount: this.rows, columns, source: { file: this.file, firstRow: this.firstRow } };
    this.rows = 0;
    this.batches++;
    return batch;
  }

  /** The last partial batch; an empty file still yields one empty batch. */
  finish(): ColumnBatch | undefined {
    return this.rows > 0 || this.batches === 0 ? this.flush() : undefined;
  }
}

export async function* readJsonLines(file: string, options: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
  const columns = new RecordColumns(file, options);
  let line = 0;
  try {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const raw of lines) {
      line++;
      // A UTF-8 byte order mark (Windows editors write one) is not part of the first record.
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (cause) {
        throw new FileFormatError(
          `${file}:${line}: not valid JSON (${(cause as Error).message}); the file may be truncated`,
          { location: { file, line }, cause },
        );
      }
      const batch = columns.add(record, line);
      if (batch) yield batch;
    }
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw new FileFormatError(`${file}: cannot read (${(error as Error).message})`, {
      location: { file },
      cause: error,
    });
  }
  const last = columns.finish();
  if (last) yield last;
}

export async function* readJsonArray(file: string, options: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new FileFormatError(`${file}: cannot read (${(cause as Error).message})`, { location: { file }, cause });
  }
  let records: unknown;
  try {
    records = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw new FileFormatError(`${file}: not valid JSON (${(cause as Error).message}); the file may be truncated`, {
      location: { file },
      cause,
    });
  }
  if (!Array.isArray(records)) {
    throw new FileFormatError(`${file}: expected a JSON array of objects (or JSON Lines, one object per line)`, {
      location: { file },
    });
  }
  const columns = new RecordColumns(file, options);
  for (let i = 0; i < records.length; i++) {
    const batch = columns.add(records[i], i + 1);
    if (batch) yield batch;
  }
  const last = columns.finish();
  if (last) yield last;
}
