// Which files a path or glob names, and the format of each, by extension.
import { glob, stat } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { FileFormatError, InputError } from '@mlship/errors';

export type DataFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

/** A URL the engine reads itself (https://, s3://, gs://, …) rather than a local path. */
export function isRemote(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

export function formatOf(file: string): DataFormat {
  const ext = extname(isRemote(file) ? new URL(file).pathname : file).toLowerCase();
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

/** The files a path or glob names, sorted; an error when it names none. */
export async function resolveDataFiles(pattern: string, cwd = process.cwd()): Promise<string[]> {
  // The engine opens URLs (and expands their globs) itself.
  if (isRemote(pattern)) return [pattern];
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
