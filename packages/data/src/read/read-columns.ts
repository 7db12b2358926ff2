// The one entry point for reading data files as column batches: picks the
// reader by extension and expands globs, so callers never see formats.
import { glob, stat } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { FileFormatError, InputError } from '@mlship/errors';
import type { ColumnBatch, ReadOptions } from './columns.ts';
import { readCsv } from './csv-reader.ts';
import { readJsonArray, readJsonLines } from './json-reader.ts';
import { readParquet } from './parquet-reader.ts';

export type DataFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

export function formatOf(file: string): DataFormat {
  const ext = extname(file).toLowerCase();
  switch (ext) {
    case '.csv':
      return 'csv';
    case '.jsonl':
    case '.ndjson':
      return 'jsonl';
    case '.json':
      return 'json';
    case '.parquet':
    case '.pq':
      return 'parquet';
    default:
      throw new FileFormatError(`${file}: unknown data format '${ext}'; use .csv, .jsonl/.ndjson, .json or .parquet`, {
        location: { file },
      });
  }
}

/** Column batches of one file (CSV, JSON Lines, JSON array or Parquet). */
export function readFileColumns(file: string, options: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
  switch (formatOf(file)) {
    case 'csv':
      return readCsv(file, options);
    case 'jsonl':
      return readJsonLines(file, options);
    case 'json':
      return readJsonArray(file, options);
    case 'parquet':
      return readParquet(file, options);
  }
}

/** The files a path or glob names, sorted; an error when it names none. */
export async function resolveDataFiles(pattern: string, cwd = process.cwd()): Promise<string[]> {
  if (!/[*?[{]/.test(pattern)) {
    const info = await stat(pattern).catch(() => undefined);
    if (!info)
      throw new InputError(`data file '${pattern}' does not exist; give a file path or a glob such as 'data/*.csv'`);
    if (!info.isFile())
      throw new InputError(
        `data path '${pattern}' is not a file; give a file or a glob such as '${pattern.replace(/\/$/, '')}/*.csv'`,
      );
    return [pattern];
  }
  const files: string[] = [];
  for await (const f of glob(pattern, { cwd })) files.push(isAbsolute(f) ? f : join(cwd, f));
  if (files.length === 0) throw new InputError(`data glob '${pattern}' matches no file`);
  return files.sort();
}

/**
 * Column batches of every file a path or glob names, in sorted file order.
 * The columns of later CSV and Parquet files must match the first one's; JSON
 * records may omit keys, so JSON columns are the union over every record of
 * every file, and a batch may lack a column (read it with `columnOf`).
 */
export async function* readColumns(pattern: string, options: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
  const files = await resolveDataFiles(pattern);
  let names: string | undefined;
  const seen = new Set<string>();
  let rows = 0;
  for (const file of files) {
    const format = formatOf(file);
    for await (const batch of readFileColumns(file, options)) {
      if (format === 'csv' || format === 'parquet') {
        const these = [...batch.columns.keys()].join(', ');
        names ??= these;
        if (these !== names) {
          throw new FileFormatError(
            `${file}: columns (${these}) differ from the first file's (${names}); all files of one data set need the same columns`,
            { location: { file } },
          );
        }
      }
      for (const name of batch.columns.keys()) seen.add(name);
      rows += batch.rowCount;
      yield batch;
    }
  }
  // CSV and Parquet readers reject an unknown column at once; a JSON key can only be missed at the end.
  const missing = rows > 0 ? (options.columns ?? []).filter((c) => !seen.has(c)) : [];
  if (missing.length > 0) {
    throw new FileFormatError(
      `${pattern}: column '${missing[0]}' is in no record (the data has ${[...seen].join(', ')})`,
      { location: { file: pattern } },
    );
  }
}
