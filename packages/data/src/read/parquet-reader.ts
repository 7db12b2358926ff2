// Parquet to column batches with hyparquet: one row group, one column at a
// time (parquetScan.readColumn), sliced into batches. Timestamps and dates are
// decoded straight to epoch milliseconds so no Date objects are made.
import { open } from 'node:fs/promises';
import { parquetMetadataAsync, parquetScan, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, DecodedArray, FileMetaData, SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { FileFormatError } from '@mlship/errors';
import {
  DEFAULT_BATCH_ROWS,
  type CategoricalColumn,
  type Column,
  type ColumnBatch,
  type NumericColumn,
  type ReadOptions,
} from './columns.ts';

const parsers = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v) / 1e3,
  timestampFromNanoseconds: (v: bigint) => Number(v) / 1e6,
  dateFromDays: (days: number) => days * 86_400_000,
};

interface ColumnPlan {
  name: string;
  kind: 'numeric' | 'categorical';
  timestamp: boolean;
}

export async function* readParquet(file: string, options: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const handle = await open(file).catch((cause: Error) => {
    throw new FileFormatError(`${file}: cannot read (${cause.message})`, { location: { file }, cause });
  });
  try {
    const buffer = await fileBuffer(handle);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(buffer, { parsers });
    } catch (cause) {
      throw new FileFormatError(
        `${file}: not a readable Parquet file (${(cause as Error).message}); it may be truncated`,
        { location: { file }, cause },
      );
    }
    const plans = columnPlans(file, metadata, options.columns);
    const scan = await parquetScan({ file: buffer, metadata, columns: plans.map((p) => p.name), compressors, parsers });
    let batches = 0;
    for (const range of scan.ranges) {
      const rows = range.rowEnd - range.rowStart;
      // Each column is converted as soon as it is decoded, so hyparquet's row
      // group of JS values can be collected before the next column is read.
      const group: Column[] = [];
      for (const plan of plans) {
        let data: DecodedArray;
        try {
          data = await scan.readColumn({ column: plan.name, ...range });
        } catch (cause) {
          throw new FileFormatError(
            `${file}: column '${plan.name}' rows ${range.rowStart}-${range.rowEnd} cannot be decoded (${(cause as Error).message})`,
            { location: { file }, cause },
          );
        }
        group.push(toColumn(plan, data, 0, rows));
      }
      for (let start = 0; start < rows; start += batchRows) {
        const end = Math.min(start + batchRows, rows);
        const columns = new Map<string, Column>();
        plans.forEach((plan, i) => columns.set(plan.name, sliceColumn(group[i]!, start, end)));
        batches++;
        yield { rowCount: end - start, columns, source: { file, firstRow: range.rowStart + start + 1 } };
      }
    }
    if (batches === 0) {
      const columns = new Map<string, Column>(plans.map((p) => [p.name, toColumn(p, [], 0, 0)]));
      yield { rowCount: 0, columns, source: { file, firstRow: 1 } };
    }
  } finally {
    await handle.close();
  }
}

/** Reads byte ranges on demand, so the file is never held whole. */
async function fileBuffer(handle: import('node:fs/promises').FileHandle): Promise<AsyncBuffer> {
  const { size } = await handle.stat();
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const bytes = new Uint8Array(end - start);
      await handle.read(bytes, 0, bytes.length, start);
      return bytes.buffer;
    },
  };
}

function columnPlans(file: string, metadata: FileMetaData, selected: readonly string[] | undefined): ColumnPlan[] {
  const top = parquetSchema(metadata).children;
  const byName = new Map(top.map((c) => [c.element.name, c] as const));
  for (const name of selected ?? []) {
    if (!byName.has(name)) {
      throw new FileFormatError(`${file}: column '${name}' is not in the file (${[...byName.keys()].join(', ')})`, {
        location: { file },
      });
    }
  }
  return (selected ?? [...byName.keys()]).map((name) => {
    const node = byName.get(name)!;
    return {
      name,
      ...(node.children.length > 0 ? { kind: 'categorical' as const, timestamp: false } : kindOf(node.element)),
    };
  });
}

function kindOf(e: SchemaElement): { kind: 'numeric' | 'categorical'; timestamp: boolean } {
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  // INT96 is the legacy timestamp Spark, Hive and Impala still write; hyparquet decodes it to milliseconds.
  const timestamp =
    logical === 'TIMESTAMP' ||
    logical === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    converted === 'DATE' ||
    (e.type === 'INT96' && converted === undefined);
  if (timestamp) return { kind: 'numeric', timestamp };
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16') return { kind: 'numeric', timestamp };
  const numeric =
    e.type === 'INT32' || e.type === 'INT64' || e.type === 'FLOAT' || e.type === 'DOUBLE' || e.type === 'INT96';
  return { kind: numeric ? 'numeric' : 'categorical', timestamp };
}

/** Rows [start, end) as views on the row group's arrays; slices share the dictionary. */
function sliceColumn(column: Column, start: number, end: number): Column {
  if (column.kind === 'categorical') return { ...column, codes: column.codes.subarray(start, end) };
  return { ...column, values: column.values.subarray(start, end), nulls: column.nulls.subarray(start, end) };
}

function toColumn(plan: ColumnPlan, data: DecodedArray, start: number, end: number): Column {
  const n = end - start;
  if (plan.kind === 'numeric') {
    const values = new Float64Array(n);
    const nulls = new Uint8Array(n);
    if (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array) {
      values.set(data.subarray(start, end));
    } else {
      for (let i = 0; i < n; i++) {
        const v = data[start + i];
        if (v === null || v === undefined) {
          values[i] = Number.NaN;
          nulls[i] = 1;
        } else values[i] = typeof v === 'number' ? v : Number(v);
      }
    }
    return {
      kind: 'numeric',
      values,
      nulls,
      timestamp: plan.timestamp,
      invalid: { count: 0, samples: [] },
    } satisfies NumericColumn;
  }
  const codes = new Int32Array(n);
  const dictionary: string[] = [];
  const index = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const v = data[start + i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(
        typeof v === 'string'
          ? v
          : typeof v === 'object' && !(v instanceof Date)
            ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x))
            : String(v),
      );
      index.set(v, code);
    }
    codes[i] = code;
  }
  return { kind: 'categorical', codes, dictionary } satisfies CategoricalColumn;
}
