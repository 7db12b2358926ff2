// What the engine is told about a CSV file instead of letting it guess: the
// header's column names and the blank lines before it. DuckDB's sniffer
// re-reads a file another way when rows do not fit (it took a ragged row for
// the header), so the dialect is fixed (RFC 4180, comma, double quotes) and
// the header is read here. Also the checks that make a bad file fail fast
// with one line: empty, not text, or a quote left open at the end (the engine
// drops such a last row without an error).
import { open } from 'node:fs/promises';
import { FileFormatError } from '@mlship/errors';

const HEAD_BYTES = 1 << 20;
const QUOTE = 0x22;

export interface CsvHeader {
  names: string[];
  /** Blank lines before the header. */
  skip: number;
}

function fail(file: string, what: string, line?: number): FileFormatError {
  return new FileFormatError(`${file}${line ? `:${line}` : ''}: ${what}`, {
    location: { file, ...(line ? { line } : {}) },
  });
}

export async function readCsvHeader(file: string): Promise<CsvHeader> {
  const handle = await open(file, 'r');
  let head: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (size === 0) throw fail(file, 'the file is empty; give a CSV file with a header row');
  let text: string;
  try {
    // A cut at HEAD_BYTES may split a character: only the lines before the last line break are decoded.
    const end = size > HEAD_BYTES ? head.lastIndexOf(0x0a) + 1 : head.length;
    if (end === 0)
      throw fail(file, 'no line break in the first megabyte: not CSV text; check that the file is the data you meant');
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
  } catch (cause) {
    if (cause instanceof FileFormatError) throw cause;
    throw fail(file, 'not UTF-8 text; re-export the file as UTF-8', 1);
  }
  if (text.includes('\u0000'))
    throw fail(file, 'holds NUL bytes: not CSV text; check that the file is the data you meant');
  text = text.replace(/^\uFEFF/, '');
  let skip = 0;
  let at = 0;
  for (;;) {
    const blank = /^\r?\n/.exec(text.slice(at));
    if (!blank) break;
    skip++;
    at += blank[0].length;
  }
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = at;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') break;
    else field += ch;
  }
  if (quoted) throw fail(file, 'quoted field in the header is not closed; close the quote', skip + 1);
  fields.push(field);
  const names = fields.map((f, k) => f.trim() || `column_${k + 1}`);
  const repeated = names.find((name, k) => names.indexOf(name) !== k);
  if (repeated !== undefined)
    throw fail(file, `column '${repeated}' appears twice in the header; give columns unique names`, skip + 1);
  return { names, skip };
}

/**
 * Fails when the file ends inside a quoted field (an odd number of quote
 * characters: RFC 4180 doubles a quote inside a field). A cut file mostly ends
 * this way, and the engine would drop its last row without a word.
 */
export async function checkQuotesClosed(file: string): Promise<void> {
  const handle = await open(file, 'r');
  let quotes = 0;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      for (let k = chunk.indexOf(QUOTE); k >= 0; k = chunk.indexOf(QUOTE, k + 1)) quotes++;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  if (quotes % 2 === 1)
    throw fail(
      file,
      'a quoted field is not closed at the end of the file (is the file cut short?); re-export it or close the quote',
    );
}
