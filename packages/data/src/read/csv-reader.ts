// CSV to column batches. Written here rather than taken from csv-parse,
// papaparse or udsv because those emit one array or object per row; this
// parser hands each field straight to its column builder, so the only
// allocation per field is the field's own text. Handles RFC 4180 quoting,
// CRLF, a UTF-8 BOM, and reports ragged rows and unterminated quotes with
// file and line.
import { createReadStream } from 'node:fs';
import { FileFormatError } from '@mlship/errors';
import { ColumnBuilder, DEFAULT_BATCH_ROWS, type ColumnBatch, type ReadOptions } from './columns.ts';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const CHUNK_BYTES = 1 << 20;
/** No real record is this long; garbage without line breaks stops here instead of filling memory. */
const MAX_RECORD_CHARS = 64 << 20;

/** Tokens read as a missing value in CSV. */
export const CSV_NULL_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'None']);

export async function* readCsv(file: string, options: ReadOptions = {}): AsyncGenerator<ColumnBatch> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let header: string[] | undefined;
  /** For each field position, the builder it feeds, or undefined when not selected. */
  let targets: (ColumnBuilder | undefined)[] = [];
  let builders = new Map<string, ColumnBuilder>();
  let rows = 0;
  let batches = 0;
  let line = 1; // line where the next record starts
  let batchFirstLine = 2;
  let rest = '';
  const fields: string[] = [];
  const ready: ColumnBatch[] = [];

  const flush = (): ColumnBatch => {
    const columns = new Map([...builders].map(([name, b]) => [name, b.take(batchRows)] as const));
    const batch = { rowCount: rows, columns, source: { file, firstRow: batchFirstLine } };
    rows = 0;
    batches++;
    return batch;
  };

  const onRecord = (recordLine: number, blank: boolean): void => {
    // A blank line is no record (as pandas' skip_blank_lines), also in a one-column file, where it
    // would otherwise be a row with one null; a quoted empty field ("") is a value.
    if (blank) return;
    if (header === undefined) {
      header = fields.map((f, i) => f.trim() || `column_${i + 1}`);
      const repeated = header.find((name, i) => header!.indexOf(name) !== i);
      if (repeated !== undefined) {
        throw new FileFormatError(
          `${file}:${recordLine}: column '${repeated}' appears twice in the header; give columns unique names`,
          { location: { file, line: recordLine } },
        );
      }
      const wanted = options.columns;
      for (const name of wanted ?? []) {
        if (!header.includes(name)) {
          throw new FileFormatError(`${file}: column '${name}' is not in the header (${header.join(', ')})`, {
            location: { file, line: 1 },
          });
        }
      }
      builders = new Map();
      targets = header.map((name) => {
        if (wanted && !wanted.includes(name)) return undefined;
        const b = new ColumnBuilder(batchRows);
        builders.set(name, b);
        return b;
      });
      return;
    }
    if (fields.length !== header.length) {
      throw new FileFormatError(
        `${file}:${recordLine}: row has ${fields.length} fields but the header has ${header.length}; fix the row or quote fields containing commas`,
        { location: { file, line: recordLine } },
      );
    }
    if (rows === 0) batchFirstLine = recordLine;
    for (let i = 0; i < fields.length; i++) {
      const target = targets[i];
      if (target === undefined) continue;
      const f = fields[i]!;
      target.pushText(CSV_NULL_TOKENS.has(f) ? null : f);
    }
    if (++rows === batchRows) ready.push(flush());
  };

  /**
   * Parses complete records from `text`; returns the offset of the first
   * incomplete one (kept for the next chunk) unless `final`.
   */
  const parse = (text: string, final: boolean): number => {
    const n = text.length;
    let pos = 0;
    while (pos < n) {
      const recordStart = pos;
      const recordLine = line;
      let newlines = 0;
      fields.length = 0;
      let complete = false;
      for (;;) {
        // one field
        if (pos < n && text.charCodeAt(pos) === QUOTE) {
          let end = pos + 1;
          let value = '';
          let closed = false;
          while (end < n) {
            const q = text.indexOf('"', end);
            if (q < 0) break;
            for (let k = end; k < q; k++) if (text.charCodeAt(k) === LF) newlines++;
            value += text.slice(end, q);
            if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
              value += '"';
              end = q + 2;
            } else if (q + 1 >= n && !final) {
              end = n; // cannot tell "" from " yet
              break;
            } else {
              end = q + 1;
              closed = true;
              break;
            }
          }
          if (!closed) {
            if (!final) return recordStart;
            throw new FileFormatError(`${file}:${recordLine}: quoted field is not closed; the file may be truncated`, {
              location: { file, line: recordLine },
            });
          }
          fields.push(value);
          pos = end;
        } else {
          let end = pos;
          while (end < n) {
            const c = text.charCodeAt(end);
            if (c === COMMA || c === LF || c === CR) break;
            end++;
          }
          fields.push(text.slice(pos, end));
          pos = end;
        }
        if (pos >= n) {
          if (!final) return recordStart;
          complete = true;
          break;
        }
        const c = text.charCodeAt(pos);
        if (c === COMMA) {
          pos++;
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= n && !final) return recordStart;
          pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else if (c === LF) {
          pos++;
        } else {
          throw new FileFormatError(`${file}:${recordLine}: unexpected text after a closing quote`, {
            location: { file, line: recordLine },
          });
        }
        newlines++;
        complete = true;
        break;
      }
      if (complete) {
        line = recordLine + newlines;
        onRecord(recordLine, fields.length === 1 && fields[0] === '' && text.charCodeAt(recordStart) !== QUOTE);
      }
    }
    return n;
  };

  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      // Text never holds NUL bytes: a binary file fails on its first chunk, not after reading it all.
      if ((chunk as Buffer).includes(0))
        throw new FileFormatError(`${file}: holds NUL bytes, so it is binary, not CSV text; check the file`, {
          location: { file },
        });
      let text: string;
      try {
        text = rest + decoder.decode(chunk as Buffer, { stream: true });
      } catch (cause) {
        throw new FileFormatError(`${file}: not valid UTF-8 text near line ${line}; save it as UTF-8 CSV`, {
          location: { file, line },
          cause,
        });
      }
      rest = text.slice(parse(text, false));
      if (rest.length > MAX_RECORD_CHARS)
        throw new FileFormatError(
          `${file}:${line}: a record longer than ${MAX_RECORD_CHARS / 2 ** 20} MiB without a line break; check that it is a CSV file`,
          { location: { file, line } },
        );
      yield* ready.splice(0);
    }
    parse(rest + decoder.decode(), true);
    yield* ready.splice(0);
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw new FileFormatError(`${file}: cannot read (${(error as Error).message})`, {
      location: { file },
      cause: error,
    });
  }
  if (header === undefined)
    throw new FileFormatError(`${file}: the file is empty; a CSV needs a header row`, { location: { file } });
  // A header-only file still yields one empty batch, so its columns are known.
  if (rows > 0 || batches === 0) yield flush();
}
