// DuckDB's errors, which span many lines and name its own options, turned
// into one line that names the file (and line, and for JSON the column) and
// says what to do.
import { FileFormatError } from '@mlship/errors';
import { isRemote } from './data-format.ts';
import { locateJsonFault, type JsonLocation } from './json-error-location.ts';

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/**
 * The one-line error for a failed engine query on `file` (a query over
 * several files names the file the engine names).
 */
export async function engineError(file: string, cause: unknown): Promise<FileFormatError> {
  const message = cause instanceof Error ? cause.message : String(cause);
  // DuckDB's "in line N" (JSON Lines) and "in record/value N" (JSON arrays) count records, plus one, not file lines:
  // the record is found in the file, and the line and column of its fault named. Its reason is kept.
  const json = /Malformed JSON in file "(.*?)", at byte \d+ in (line|record\/value) (\d+): (.+?)[.\s]*$/m.exec(message);
  const malformedJson = json?.[4];
  const cutShort = malformedJson !== undefined && /unexpected end of data/i.test(malformedJson);
  let jsonAt: JsonLocation | undefined;
  if (json && !/byte order mark/i.test(json[4]!)) {
    file = json[1]!;
    if (!isRemote(file))
      jsonAt = await locateJsonFault(file, json[2] === 'line' ? 'jsonl' : 'json', Number(json[3]) - 1).catch(
        () => undefined,
      );
  }
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1] ?? jsonAt?.line;
  const at = `${file}${line ? `:${line}` : ''}${jsonAt?.column ? `:${jsonAt.column}` : ''}`;
  const location = {
    file,
    ...(line ? { line: Number(line) } : {}),
    ...(jsonAt?.column ? { column: jsonAt.column } : {}),
  };
  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  let what: string;
  if (fields) {
    what = `row has ${fields[2]} fields but the header has ${fields[1]}; fix the row or quote fields containing commas`;
  } else if (/unterminated quote/i.test(message)) {
    what = 'quoted field is not closed (is the file cut short?); close the quote or re-export the file';
  } else if (/httpfs|Extension Autoloading|extension .* not found/i.test(message)) {
    what =
      "reading a URL needs DuckDB's httpfs extension, which could not be installed (no network?); on an offline runner put httpfs.duckdb_extension under $MLSHIP_DUCKDB_EXTENSIONS/v1.5.6/linux_amd64/ (see docs/data.md), or copy the file to the runner first";
  } else if (/byte order mark/i.test(message)) {
    what = 'starts with a byte order mark, which the JSON reader refuses; save the file as UTF-8 without BOM';
  } else if (/invalid state/i.test(message)) {
    what = 'not RFC 4180 CSV (mixed line endings, or a quote inside an unquoted field?); re-export the file as CSV';
  } else if (/Invalid unicode|byte sequence/i.test(message)) {
    what = 'not UTF-8 text; re-export the file as UTF-8';
  } else if (/Maximum line size/i.test(message)) {
    what = 'no line breaks in the first megabytes: not CSV text; check that the file is the data you meant';
  } else if (cutShort) {
    what = 'not valid JSON: a record is still open at the end of the file (cut short?); fix the file or re-export it';
  } else if (malformedJson !== undefined && !/byte order mark/i.test(message)) {
    what = `not valid JSON (${malformedJson}); fix the record ${line ? 'at that line' : '(a JSON linter names its line)'} or re-export the file`;
  } else if (/magic bytes|parquet|thrift|footer|metadata/i.test(message) && /\.(parquet|pq)$/i.test(file)) {
    what = `not a readable Parquet file (${firstLine(message).replace(/^[\w ]+Error: /, '')}); re-export it or check that it was copied whole`;
  } else if (/json/i.test(message) && /\.(json|jsonl|ndjson)$/i.test(file)) {
    what = `not valid JSON (${firstLine(message).replace(/^[\w ]+Error: /, '')}); fix the file or re-export it`;
  } else if (/No files found|No such file|Cannot open file/i.test(message)) {
    what = 'cannot be read; check the path';
  } else {
    what = `cannot be read (${firstLine(message).replace(/^[\w ]+Error: /, '')})`;
  }
  return new FileFormatError(`${at}: ${what}`, { location, cause });
}
