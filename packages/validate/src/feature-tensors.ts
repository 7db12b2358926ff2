// Model-ready input tensors from holdout columns: row-major [N, F] arrays,
// built once per batch while the decoded columns are still in cache, and
// shared by both models when their column mappings agree.
import { InputError } from '@mlship/errors';
import type { FeedTensor } from '@mlship/onnx';
import type { InputFeed } from './input-mapping.ts';

export interface FeatureBatch {
  rowCount: number;
  /** Numeric feature columns; nulls are NaN. */
  features: Map<string, Float64Array>;
  /** Where the rows came from, for errors: the file and the line (CSV/JSON Lines) or row of the first one. */
  source?: { file: string; firstRow: number };
}

/** Built tensors keyed by element type, rank and columns. */
export type TensorCache = Map<string, FeedTensor>;

export function buildFeeds(batch: FeatureBatch, feeds: InputFeed[], cache: TensorCache): Record<string, FeedTensor> {
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

function featureTensor(batch: FeatureBatch, feed: InputFeed): FeedTensor {
  const n = batch.rowCount;
  const f = feed.columns.length;
  const dims = feed.rank <= 1 ? [n] : [n, f];
  const columns = feed.columns.map((name) => batch.features.get(name)!);
  if (feed.elementType === 'int64') {
    const data = new BigInt64Array(n * f);
    for (let j = 0; j < f; j++) {
      const col = columns[j]!;
      for (let i = 0; i < n; i++) {
        const v = col[i]!;
        // An integer tensor has no NaN: a missing value cannot be fed, and BigInt() would throw a bare RangeError.
        if (!Number.isFinite(v)) throw missingInteger(batch, feed, feed.columns[j]!, i, v);
        data[i * f + j] = BigInt(Math.round(v));
      }
    }
    return { data, dims };
  }
  return {
    data:
      feed.elementType === 'float32'
        ? transpose(new Float32Array(n * f), columns, n)
        : transpose(new Float64Array(n * f), columns, n),
    dims,
  };
}

function missingInteger(batch: FeatureBatch, feed: InputFeed, column: string, row: number, v: number): InputError {
  const where = batch.source ? `${batch.source.file}: row ${batch.source.firstRow + row}: ` : '';
  const what = Number.isNaN(v) ? 'is missing' : `is ${v}`;
  return new InputError(
    `${where}column '${column}' ${what}, but model input '${feed.input}' takes int64 values; fill or drop rows with missing '${column}' in the holdout`,
    batch.source ? { location: { file: batch.source.file, line: batch.source.firstRow + row } } : {},
  );
}

/** Columns → row-major, in row blocks so the reads of every column and the writes stay in cache. */
function transpose<T extends Float32Array | Float64Array>(data: T, columns: Float64Array[], n: number): T {
  const f = columns.length;
  const block = 1024;
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    for (let j = 0; j < f; j++) {
      const col = columns[j]!;
      for (let i = start, k = start * f + j; i < end; i++, k += f) data[k] = col[i]!;
    }
  }
  return data;
}
