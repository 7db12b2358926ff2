// DuckDB vector chunks as typed arrays, read straight from the engine's
// memory: DOUBLE vectors as Float64Array, validity bitmaps as null masks, and
// VARCHAR vectors as codes into a dictionary of the chunk's distinct strings.
// A string of at most 12 bytes lives inside its 16-byte slot, so it is keyed
// by those bytes and decoded to a JS string once per chunk, not once per row.
import type { DuckDBDataChunk } from '@duckdb/node-api';

type Bindings = typeof import('@duckdb/node-bindings');
let bindings: Bindings | undefined;

export async function loadBindings(): Promise<void> {
  const module = await import('@duckdb/node-bindings');
  // CommonJS: the functions are on the default export.
  bindings ??= ((module as { default?: Bindings }).default ?? module) as Bindings;
}

function native(): Bindings {
  if (!bindings) throw new Error('the engine bindings are not loaded (call loadBindings first)');
  return bindings;
}

export interface NumericChunk {
  kind: 'numeric';
  values: Float64Array;
  /** 1 where null. */
  nulls: Uint8Array;
}

export interface TextChunk {
  kind: 'text';
  /** Index into `dictionary`; -1 for null. */
  codes: Int32Array;
  dictionary: string[];
}

const decoder = new TextDecoder('utf-8');

function vectorOf(chunk: DuckDBDataChunk, column: number) {
  return native().data_chunk_get_vector(chunk.chunk, column);
}

/** 1 where the row is null. */
export function nullMask(chunk: DuckDBDataChunk, column: number, rows: number): Uint8Array {
  const nulls = new Uint8Array(rows);
  const validity = native().vector_get_validity(vectorOf(chunk, column), Math.ceil(rows / 64) * 8);
  if (validity) for (let i = 0; i < rows; i++) nulls[i] = ((validity[i >> 3]! >> (i & 7)) & 1) ^ 1;
  return nulls;
}

/**
 * A DOUBLE vector's values, copied out of the engine's memory (DuckDB reuses
 * it once the sink call returns), and its null mask. A null's slot holds
 * whatever the engine left there: it reads as NaN (a missing feature is NaN
 * in a tensor).
 */
export function numericChunk(chunk: DuckDBDataChunk, column: number, rows: number): NumericChunk {
  const bytes = native().vector_get_data(vectorOf(chunk, column), rows * 8);
  const values = new Float64Array(bytes.buffer, bytes.byteOffset, rows).slice();
  const nulls = nullMask(chunk, column, rows);
  for (let i = nulls.indexOf(1); i >= 0; i = nulls.indexOf(1, i + 1)) values[i] = Number.NaN;
  return { kind: 'numeric', values, nulls };
}

/** The first row's position and whether the chunk's rows are consecutive (BIGINT row numbers). */
export function rowSpan(chunk: DuckDBDataChunk, column: number, rows: number): { first: number; consecutive: boolean } {
  const bytes = native().vector_get_data(vectorOf(chunk, column), rows * 8);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, rows * 2);
  const at = (i: number) => words[2 * i + 1]! * 2 ** 32 + words[2 * i]!;
  const first = at(0);
  return { first, consecutive: at(rows - 1) - first === rows - 1 };
}

/**
 * A VARCHAR vector as codes into the chunk's distinct strings. With
 * `hashColumn` (a UBIGINT vector of each value's hash), a string longer than
 * its slot is known again within the chunk by its length, its first four
 * bytes (kept in the slot) and its 64-bit hash, and is then neither copied out
 * of the engine nor decoded; two different strings of one chunk would have to
 * agree on all three to be taken for each other.
 */
export function textChunk(chunk: DuckDBDataChunk, column: number, rows: number, hashColumn?: number): TextChunk {
  const api = native();
  const vector = vectorOf(chunk, column);
  const data = api.vector_get_data(vector, rows * 16);
  const words = new Uint32Array(data.buffer, data.byteOffset, rows * 4);
  let hashes: Uint32Array | undefined;
  if (hashColumn !== undefined) {
    const bytes = api.vector_get_data(vectorOf(chunk, hashColumn), rows * 8);
    hashes = new Uint32Array(bytes.buffer, bytes.byteOffset, rows * 2);
  }
  // Long strings by length, prefix and hash.
  const longByKey = new Map<number, number>();
  const longWords: number[] = [];
  const nulls = nullMask(chunk, column, rows);
  const codes = new Int32Array(rows);
  const dictionary: string[] = [];
  const byText = new Map<string, number>();
  // Inline strings by a hash of their 16 bytes; the stored bytes confirm a hit.
  const byHash = new Map<number, number>();
  const inlineWords: number[] = [];
  const intern = (text: string): number => {
    let code = byText.get(text);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(text);
      byText.set(text, code);
    }
    return code;
  };
  for (let i = 0; i < rows; i++) {
    if (nulls[i] === 1) {
      codes[i] = -1;
      continue;
    }
    const w = 4 * i;
    const length = words[w]!;
    if (length > 12) {
      let key = 0;
      let prefix = 0;
      let h0 = 0;
      let h1 = 0;
      if (hashes) {
        prefix = words[w + 1]!;
        h0 = hashes[2 * i]!;
        h1 = hashes[2 * i + 1]!;
        key = Math.imul(Math.imul(h0 ^ length, 0x85ebca6b) ^ h1, 0xc2b2ae35) ^ prefix;
        const seen = longByKey.get(key);
        if (seen !== undefined) {
          const s = 5 * seen;
          if (
            longWords[s] === length &&
            longWords[s + 1] === prefix &&
            longWords[s + 2] === h0 &&
            longWords[s + 3] === h1
          ) {
            codes[i] = longWords[s + 4]!;
            continue;
          }
        }
      }
      const bytes = api.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + w * 4 + 8, length);
      const code = intern(decoder.decode(bytes));
      codes[i] = code;
      if (hashes && !longByKey.has(key)) {
        longByKey.set(key, longWords.length / 5);
        longWords.push(length, prefix, h0, h1, code);
      }
      continue;
    }
    const w1 = words[w + 1]!;
    const w2 = words[w + 2]!;
    const w3 = words[w + 3]!;
    const hash =
      Math.imul(Math.imul(Math.imul(length ^ 0x9e3779b9, 0x85ebca6b) ^ w1, 0xc2b2ae35) ^ w2, 0x27d4eb2f) ^ w3;
    const seen = byHash.get(hash);
    if (seen !== undefined) {
      const s = 5 * seen;
      if (
        inlineWords[s] === length &&
        inlineWords[s + 1] === w1 &&
        inlineWords[s + 2] === w2 &&
        inlineWords[s + 3] === w3
      ) {
        codes[i] = inlineWords[s + 4]!;
        continue;
      }
    }
    const text = decoder.decode(new Uint8Array(data.buffer, data.byteOffset + w * 4 + 4, length));
    const code = intern(text);
    if (seen === undefined) {
      byHash.set(hash, inlineWords.length / 5);
      inlineWords.push(length, w1, w2, w3, code);
    }
    codes[i] = code;
  }
  return { kind: 'text', codes, dictionary };
}
