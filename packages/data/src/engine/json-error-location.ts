// Where a JSON or JSON Lines file breaks, as a line and column of the file.
// The engine names the broken record by its number (records, not lines: blank
// lines are skipped and an array's records may span lines or share one), so
// the record is found here by counting records the same way, and the fault
// within it by reading that record (and, in an array, the one before, since a
// missing comma shows only in the next record) with a checker that accepts
// what the engine accepts (trailing commas, NaN and Infinity). Only the error
// path reads the file again; it streams it and reads at most WINDOW bytes.
// Also the check that refuses binary data before the engine reads it.
import { open } from 'node:fs/promises';
import { FileFormatError } from '@mlship/errors';

export interface JsonLocation {
  line: number;
  /** 1-based, in characters; absent when the record reads as valid here. */
  column?: number;
}

const CHUNK = 1 << 20;
const WINDOW = 1 << 20;

const SPACE = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d]) SPACE[b] = 1;

interface RecordStart {
  /** Byte offset of the record's first character. */
  offset: number;
  line: number;
  /** Byte offset of that line's start. */
  lineStart: number;
}

/** Streams the file's bytes to `visit` until it returns true. */
async function scanBytes(file: string, visit: (chunk: Buffer, base: number) => boolean): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (let base = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, base);
      if (bytesRead === 0 || visit(buffer.subarray(0, bytesRead), base)) return;
      base += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** The start of the `index`-th (1-based) non-blank line. */
async function lineRecord(file: string, index: number): Promise<RecordStart | undefined> {
  let line = 1;
  let lineStart = 0;
  let blank = true;
  let count = 0;
  let found: RecordStart | undefined;
  await scanBytes(file, (chunk, base) => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a) {
        line++;
        lineStart = base + i + 1;
        blank = true;
      } else if (blank && SPACE[b] === 0) {
        blank = false;
        if (++count === index) {
          found = { offset: lineStart, line, lineStart };
          return true;
        }
        // The rest of the line is the record: jump to its end.
        const end = chunk.indexOf(0x0a, i);
        if (end < 0) break;
        i = end - 1;
      }
    }
    return false;
  });
  return found;
}

/** The start of the `index`-th (1-based) value of the top-level array. */
async function arrayRecord(file: string, index: number): Promise<RecordStart | undefined> {
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Inside a scalar (number, literal) at depth 1. */
  let scalar = false;
  let count = 0;
  let found: RecordStart | undefined;
  await scanBytes(file, (chunk, base) => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a) {
        line++;
        lineStart = base + i + 1;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) inString = false;
        continue;
      }
      const starts = depth === 1 && !scalar && SPACE[b] === 0 && b !== 0x2c && b !== 0x5d;
      if (scalar && (SPACE[b] === 1 || b === 0x2c || b === 0x5d)) scalar = false;
      if (starts) {
        if (++count === index) {
          found = { offset: base + i, line, lineStart };
          return true;
        }
        if (b !== 0x22 && b !== 0x7b && b !== 0x5b) scalar = true;
      }
      if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) depth--;
    }
    return false;
  });
  return found;
}

/**
 * Fails when the file's first bytes hold a NUL byte: binary data (or UTF-16
 * text), which the engine would read as one over-long malformed record.
 */
export async function checkJsonText(file: string): Promise<void> {
  const { text } = await readWindow(file, 0, 1 << 16);
  if (text.includes(0))
    throw new FileFormatError(
      `${file}: holds NUL bytes (binary data, or UTF-16 text): not JSON text; check that the file is the data you meant, or save it as UTF-8`,
      { location: { file } },
    );
}

async function readWindow(file: string, from: number, size = WINDOW): Promise<{ text: Buffer; end: boolean }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, from);
    return { text: buffer.subarray(0, bytesRead), end: bytesRead < size };
  } finally {
    await handle.close();
  }
}

/**
 * The first offset in `text` from `at` where the JSON breaks, reading one
 * value and then, in 'line' mode, nothing but spaces to the end of the line,
 * or in 'array' mode, values separated by commas up to the closing bracket;
 * undefined when that reads whole (or runs past the window, `complete` false).
 */
export function jsonFault(text: string, at: number, mode: 'line' | 'array', complete = true): number | undefined {
  let i = at;
  // A line's record ends at its line break (a \r before it is space).
  const length = mode === 'line' ? (text.indexOf('\n', at) + 1 || text.length + 1) - 1 : text.length;
  const fail = (offset: number): never => {
    // Running off the end of what was read is no fault when more of the file follows.
    throw new Fault(offset >= length && !complete && mode === 'array' ? undefined : Math.min(offset, length));
  };
  const space = () => {
    while (i < length && SPACE[text.charCodeAt(i)] === 1) i++;
  };
  const string = (): void => {
    i++;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail(i);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(i);
      } else i++;
    }
    fail(i);
  };
  const value = (): void => {
    space();
    if (i >= length) fail(i);
    const c = text[i]!;
    if (c === '"') return string();
    if (c !== '{' && c !== '[') {
      const literal = LITERAL.exec(text.slice(i, i + 400));
      if (!literal) fail(i);
      i += literal![0].length;
      if (i < length && /[\w.+-]/.test(text[i]!)) fail(i);
      return;
    }
    const close = c === '{' ? '}' : ']';
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      if (c === '{') {
        space();
        if (text[i] !== '"') fail(i);
        string();
        space();
        if (text[i] !== ':') fail(i);
        i++;
      }
      value();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') fail(i);
      i++;
      space();
      // The engine accepts a trailing comma.
      if (text[i] === close) {
        i++;
        return;
      }
    }
  };
  try {
    if (mode === 'line') {
      value();
      space();
      return i < length ? i : undefined;
    }
    for (;;) {
      value();
      space();
      if (text[i] === ']') return undefined;
      if (text[i] !== ',') fail(i);
      i++;
      space();
      if (text[i] === ']') return undefined;
    }
  } catch (e) {
    if (e instanceof Fault) return e.at;
    throw e;
  }
}

/** Numbers, the three JSON literals, and the NaN and Infinity the engine accepts. */
const LITERAL =
  /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[-+]?(?:[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)\b)/;

class Fault {
  readonly at: number | undefined;
  constructor(at: number | undefined) {
    this.at = at;
  }
}

/**
 * The line and column where record `record` (1-based, as the engine counts)
 * of a JSON Lines file or a JSON array breaks; undefined when the file has no
 * such record.
 */
export async function locateJsonFault(
  file: string,
  format: 'jsonl' | 'json',
  record: number,
): Promise<JsonLocation | undefined> {
  if (!(record >= 1)) return undefined;
  // In an array a missing comma shows in the next record: read from the one before.
  const start = format === 'jsonl' ? await lineRecord(file, record) : await arrayRecord(file, Math.max(1, record - 1));
  if (!start) return undefined;
  const { text: bytes, end } = await readWindow(file, start.lineStart);
  const text = bytes.toString('utf8');
  const from = bytes.subarray(0, start.offset - start.lineStart).toString('utf8').length;
  const fault = jsonFault(text, from, format === 'jsonl' ? 'line' : 'array', end);
  if (fault === undefined) return { line: start.line };
  const before = text.slice(0, fault);
  const lineBreaks = before.split('\n').length - 1;
  return { line: start.line + lineBreaks, column: fault - (before.lastIndexOf('\n') + 1) + 1 };
}
