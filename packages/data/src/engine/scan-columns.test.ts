import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, InputError } from '@mlship/errors';
import { ENGINE_CHUNK_ROWS, scanColumns, type ScanOptions } from './scan-columns.ts';
import { queryRows } from './duckdb-engine.ts';
import { valueText, type Column, type ColumnBatch } from '../read/columns.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const dir = mkdtempSync(join(tmpdir(), 'mlship-read-'));

async function collect(path: string, options: ScanOptions = {}): Promise<ColumnBatch[]> {
  const out: ColumnBatch[] = [];
  await scanColumns(path, (b) => out.push(b), options);
  return out;
}

function texts(batches: ColumnBatch[], name: string): (string | null)[] {
  return batches.flatMap((b) => {
    const c = b.columns.get(name)! as Column;
    return Array.from({ length: b.rowCount }, (_, i) => valueText(c, i));
  });
}

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('CSV: seattle-weather matches an independent line split, across small batches', async () => {
  const path = join(DATA, 'seattle-weather.csv');
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const batches = await collect(path, { batchRows: 100 });
  assert.equal(
    batches.reduce((s, b) => s + b.rowCount, 0),
    lines.length,
  );
  assert.equal(batches.length, Math.ceil(lines.length / 100));
  let sum = 0;
  for (const b of batches) {
    const c = b.columns.get('temp_max')!;
    assert.equal(c.kind, 'numeric');
    if (c.kind === 'numeric') for (const v of c.values) sum += v;
  }
  const expected = lines.reduce((s, l) => s + Number(l[2]), 0);
  assert.ok(Math.abs(sum - expected) < 1e-6);
  assert.deepEqual(
    texts(batches, 'weather'),
    lines.map((l) => l[5]),
  );
  assert.equal(batches[1]!.source.firstRow, 102);
});

test('CSV: quotes, escaped quotes, CRLF, BOM, embedded newlines and null tokens', async () => {
  const path = write(
    'quoted.csv',
    '\uFEFFname,score,note\r\n"Smith, J",1.5,"say ""hi"""\r\nAnn,NA,"two\r\nlines"\r\nBob,,x\r\n',
  );
  const batches = await collect(path);
  assert.deepEqual(texts(batches, 'name'), ['Smith, J', 'Ann', 'Bob']);
  assert.deepEqual(texts(batches, 'note'), ['say "hi"', 'two\r\nlines', 'x']);
  assert.deepEqual(texts(batches, 'score'), ['1.5', null, null]);
});

test('CSV: text in a numeric column past its first rows is counted invalid, with samples', async () => {
  const rows = Array.from({ length: 70_000 }, (_, i) => `${i}`);
  rows[69_000] = 'oops';
  const batches = await collect(write('invalid.csv', `x\n${rows.join('\n')}\n`), { batchRows: 65_536 });
  const invalid = batches.map((b) => b.columns.get('x')!).map((c) => (c.kind === 'numeric' ? c.invalid.count : -1));
  assert.deepEqual(invalid, [0, 1]);
  const last = batches[1]!.columns.get('x')!;
  assert.ok(last.kind === 'numeric' && last.invalid.samples[0] === 'oops' && last.nulls[69_000 - 65_536] === 1);
  assert.equal(valueText(last, 69_001 - 65_536), '69001', 'the rows after it are read');
});

test('CSV: a column with text among its first rows is text', async () => {
  const batches = await collect(write('mixed.csv', 'x\n1\n2\noops\n'));
  assert.equal(batches[0]!.columns.get('x')!.kind, 'categorical');
  assert.deepEqual(texts(batches, 'x'), ['1', '2', 'oops']);
});

test('CSV: blank lines before the header are skipped; a quoted empty field is a null value', async () => {
  const batches = await collect(write('one-column.csv', '\n\nx\n1\n2\n'));
  assert.deepEqual([...batches[0]!.columns.keys()], ['x']);
  assert.deepEqual(texts(batches, 'x'), ['1', '2']);
  // A quoted empty field is a value (null), not a blank line.
  assert.deepEqual(texts(await collect(write('quoted-empty.csv', 'x\n1\n""\n2\n')), 'x'), ['1', null, '2']);
});

test('CSV: integers beyond 2^53 (64-bit ids) stay text, so distinct ids stay distinct', async () => {
  const batches = await collect(write('ids.csv', 'id,n\n1234567890123456789,1\n1234567890123456790,2\n'));
  assert.equal(batches[0]!.columns.get('id')!.kind, 'categorical');
  assert.deepEqual(texts(batches, 'id'), ['1234567890123456789', '1234567890123456790']);
  assert.equal(batches[0]!.columns.get('n')!.kind, 'numeric');
});

test('CSV: a ragged row is an error naming file and line', async () => {
  const path = write('ragged.csv', 'a,b\n1,2\n3,4,5\n');
  await assert.rejects(
    collect(path),
    (e: unknown) =>
      e instanceof FileFormatError &&
      /ragged\.csv:3: row has 3 fields but the header has 2/.test(e.message) &&
      e.location?.line === 3,
  );
});

test('CSV: a repeated header name is an error', async () => {
  await assert.rejects(
    collect(write('twice.csv', 'a,b,a\n1,2,3\n')),
    /twice\.csv:1: column 'a' appears twice in the header/,
  );
});

test('CSV: an unclosed quote (a truncated file) is an error naming the line', async () => {
  const path = write('truncated.csv', 'a,b\n1,2\n3,"abc\n');
  await assert.rejects(collect(path), /truncated\.csv: a quoted field is not closed at the end of the file/);
});

test('CSV: a header-only file yields its columns with no rows; an empty file is an error', async () => {
  const batches = await collect(write('header.csv', 'a,b\n'));
  assert.equal(batches.length, 1);
  assert.deepEqual([...batches[0]!.columns.keys()], ['a', 'b']);
  await assert.rejects(collect(write('empty.csv', '')), /empty\.csv: the file is empty/);
});

test('column selection decodes only the named columns; an absent one is an error', async () => {
  const batches = await collect(join(DATA, 'seattle-weather.csv'), { columns: ['wind'] });
  assert.deepEqual([...batches[0]!.columns.keys()], ['wind']);
  await assert.rejects(
    collect(join(DATA, 'seattle-weather.csv'), { columns: ['humidity'] }),
    /column 'humidity' is not in the header/,
  );
  await assert.rejects(
    collect(join(DATA, 'flights-3m.parquet'), { columns: ['humidity'] }),
    /column 'humidity' is not in the file/,
  );
});

test('CSV: long text values that repeat, or share their length and first bytes, come back as written', async () => {
  // Values past 12 bytes are known again within a chunk by length, first four bytes and hash: these share the
  // first two, repeat in runs (sorted data) and out of order, and include multi-byte characters.
  const values = Array.from({ length: 5000 }, (_, i) => {
    const k = i % 7 === 0 ? Math.floor(i / 7) : (i * 7919) % 97;
    return i % 11 === 0 ? `customer-\u00e9${String(k).padStart(6, '0')}` : `customer-x${String(k).padStart(6, '0')}`;
  });
  const rows = values.map((v, i) => `${i},${v},${v.slice(0, 12)}`);
  const batches = await collect(write('long-text.csv', `i,s,short\n${rows.join('\n')}\n`), { batchRows: 1000 });
  assert.deepEqual(texts(batches, 's'), values);
  assert.deepEqual(
    texts(batches, 'short'),
    values.map((v) => v.slice(0, 12)),
  );
});

test('JSON array: penguins keeps real missing values as nulls', async () => {
  const path = join(DATA, 'penguins.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
  const batches = await collect(path);
  const mass = texts(batches, 'Body Mass (g)');
  assert.equal(mass.length, records.length);
  assert.equal(mass.filter((v) => v === null).length, records.filter((r) => r['Body Mass (g)'] === null).length);
  assert.ok(mass.filter((v) => v === null).length > 0);
});

/** Asserts that reading `path` fails with a FileFormatError whose message matches and whose location is `at`. */
async function rejectsAt(path: string, message: RegExp, at: { line?: number; column?: number }): Promise<void> {
  await assert.rejects(collect(path), (e: unknown) => {
    assert.ok(e instanceof FileFormatError, String(e));
    assert.match(e.message, message);
    assert.deepEqual({ line: e.location?.line, column: e.location?.column }, { line: at.line, column: at.column });
    return true;
  });
}

test('JSON Lines: reads records; a broken record is named by its line and column, with the reason', async () => {
  const good = write('ok.jsonl', '{"a":1,"b":"x"}\n\n{"a":2.5,"b":null}\n');
  const batches = await collect(good);
  assert.deepEqual(texts(batches, 'a'), ['1', '2.5']);
  assert.deepEqual(texts(batches, 'b'), ['x', null]);
  await rejectsAt(
    write('bad.jsonl', '{"a":1}\n{"a":2]\n{"a":3}\n'),
    /^\S*bad\.jsonl:2:7: not valid JSON \(unexpected character\); fix the record at that line/,
    { line: 2, column: 7 },
  );
  // Blank and space-only lines are not records (the engine's record count skips them), CRLF line ends, and
  // columns count characters, not bytes.
  await rejectsAt(
    write('blanks.jsonl', '\r\n{"a":1}\r\n   \r\n\t\r\n{"a":"\u00e9\u00e9","b": tru}\r\n{"a":3}\r\n'),
    /^\S*blanks\.jsonl:5:16: not valid JSON/,
    { line: 5, column: 16 },
  );
  // Two records on one line: the second one is the fault.
  await rejectsAt(write('two.jsonl', '{"a":1}\n{"a":2} {"a":5}\n'), /^\S*two\.jsonl:2:9: not valid JSON/, {
    line: 2,
    column: 9,
  });
  // A record left open at the end of the file: its line, and the column after its last character.
  await rejectsAt(
    write('open.jsonl', '{"a":1}\n{"a":\n'),
    /^\S*open\.jsonl:2:6: not valid JSON: a record is still open at the end of the file/,
    { line: 2, column: 6 },
  );
});

test('JSON Lines: the line of a broken record past the first megabytes of a file', async () => {
  const good = Array.from({ length: 60_000 }, (_, i) => `{"a": ${i}, "b": "row ${i}"}\n`).join('');
  await rejectsAt(
    write('long.jsonl', `${good}\n{"a": 60000, "b": }\n${good}`),
    /^\S*long\.jsonl:60002:19: not valid JSON/,
    { line: 60_002, column: 19 },
  );
});

test('JSON array: a broken record is named by its line and column, also a missing comma and a nested fault', async () => {
  await rejectsAt(
    write('bad.json', '[{"a": 1},\n {"a": 2},\n {"a": 3,,},\n {"a": 4}]\n'),
    /^\S*bad\.json:3:10: not valid JSON/,
    { line: 3, column: 10 },
  );
  await rejectsAt(
    write('multiline.json', '[\n{"a": 1,\n "b": "x"},\n{"a": 2,\n "b": x}\n]\n'),
    /^\S*multiline\.json:5:7: not valid JSON/,
    { line: 5, column: 7 },
  );
  await rejectsAt(write('comma.json', '[{"a": 1} {"a": 2}]'), /^\S*comma\.json:1:11: not valid JSON/, {
    line: 1,
    column: 11,
  });
  await rejectsAt(
    write('nested.json', '[{"a": [1, 2]}, {"a": [3, "x\\q"]}]'),
    /^\S*nested\.json:1:29: not valid JSON/,
    {
      line: 1,
      column: 29,
    },
  );
});

test('JSON and JSON Lines: NUL bytes (binary data) fail on the first bytes, naming the file', async () => {
  const path = write('zeros.jsonl', '');
  truncateSync(path, 64 * 1024 ** 2);
  await rejectsAt(path, /^\S*zeros\.jsonl: holds NUL bytes \(binary data, or UTF-16 text\): not JSON text/, {});
  await rejectsAt(
    write('utf16.json', Buffer.from('[{"a": 1}]', 'utf16le')),
    /^\S*utf16\.json: holds NUL bytes .*save it as UTF-8$/,
    {},
  );
});

test('JSON with a UTF-8 byte order mark is a one-line error saying how to save it', async () => {
  await assert.rejects(
    collect(write('bom.jsonl', '\uFEFF{"a":1}\n{"a":2}\n')),
    /bom\.jsonl: starts with a byte order mark.*without BOM$/,
  );
});

test('Parquet: flights-3m comes in file order across row groups read in parallel, timestamps in milliseconds', async () => {
  const batches = await collect(join(DATA, 'flights-3m.parquet'), { columns: ['date', 'origin'], batchRows: 100_000 });
  assert.equal(batches.length, 30);
  assert.ok(batches.every((b, i) => b.rowCount === 100_000 && b.source.firstRow === i * 100_000 + 1));
  const date = batches[0]!.columns.get('date')!;
  assert.ok(date.kind === 'numeric' && date.timestamp);
  assert.equal(valueText(date, 0), '2001-01-01T00:01:00.000Z');
  // The file is sorted by date: any chunk out of place would break the order.
  let previous = Number.NEGATIVE_INFINITY;
  let outOfOrder = 0;
  for (const b of batches) {
    const c = b.columns.get('date')!;
    if (c.kind !== 'numeric') continue;
    for (const v of c.values) {
      if (v < previous) outOfOrder++;
      previous = v;
    }
  }
  assert.equal(outOfOrder, 0);
});

test('Parquet: INT96 timestamps (Spark and Hive files) are timestamp columns in milliseconds', async () => {
  // pyarrow: pq.write_table(t, f, use_deprecated_int96_timestamps=True), event_time = 2024-01-01T12:00, null, 2024-01-02
  const bytes = Buffer.from(
    'UEFSMRUEFTAVMEwVBBUAEgAAAICnSEonAACXiiUAAAAAAAAAAACYiiUAFQAVEhUSLBUGFRAVBhUGHAAAAAIAAAADBQEDAhUEGSw1ABgGc2NoZW1hFQIAFQYlAhgKZXZlbnRfdGltZQAWBhkcGRwmABwVBhk1AAYQGRgKZXZlbnRfdGltZRUAFgYWhAEWhAEmVCYIKSwVBBUAFQIAFQAVEBUCADwpBhkmAgQAAAAWhAEWBiYIFoQBACggcGFycXVldC1jcHAtYXJyb3cgdmVyc2lvbiAyNS4wLjEZHBwAAACaAAAAUEFSMQ==',
    'base64',
  );
  const batches = await collect(write('int96.parquet', bytes));
  const column = batches[0]!.columns.get('event_time')!;
  assert.ok(column.kind === 'numeric' && column.timestamp);
  assert.deepEqual(texts(batches, 'event_time'), ['2024-01-01T12:00:00.000Z', null, '2024-01-02T00:00:00.000Z']);
});

test('Parquet: a truncated file is a one-line error', async () => {
  const bytes = readFileSync(join(DATA, 'flights-3m.parquet')).subarray(0, 10_000);
  await assert.rejects(collect(write('cut.parquet', bytes)), /cut\.parquet: not a readable Parquet file/);
});

test('globs read files in order; a missing path or unknown extension is an error', async () => {
  write('part-1.csv', 'a\n1\n2\n');
  write('part-2.csv', 'a\n3\n');
  const batches = await collect(join(dir, 'part-*.csv'));
  assert.deepEqual(texts(batches, 'a'), ['1', '2', '3']);
  await assert.rejects(collect(join(dir, 'nope.csv')), InputError);
  await assert.rejects(collect(write('data.xlsx', 'x')), /unknown data format '\.xlsx'/);
});

test('CSV: a binary file (1 GiB of NUL bytes) fails on its first chunk, naming the file', async () => {
  const path = write('zeros.csv', '');
  truncateSync(path, 1024 ** 3);
  await assert.rejects(
    collect(path),
    (e: unknown) =>
      e instanceof FileFormatError && /zeros\.csv: no line break in the first megabyte: not CSV text/.test(e.message),
  );
});

test('a batch handler that throws stops the scan, and the caller gets its error as thrown', async () => {
  const path = write('stop.csv', `x,t\n${Array.from({ length: 20_000 }, (_, i) => `${i},v${i % 7}`).join('\n')}\n`);
  const stop = new Error('stop at the second batch');
  let seen = 0;
  await assert.rejects(
    scanColumns(
      path,
      () => {
        if (++seen === 2) throw stop;
      },
      { batchRows: ENGINE_CHUNK_ROWS },
    ),
    (e) => e === stop,
  );
  assert.equal(seen, 2, 'no batch after the one that threw');
});

test('a serial scan leaves the engine its threads, also when the file is bad', async () => {
  const threads = async () => (await queryRows(`SELECT current_setting('threads') AS t`))[0]!.t;
  const before = await threads();
  await collect(join(DATA, 'seattle-weather.csv'));
  assert.equal(await threads(), before);
  await assert.rejects(collect(write('ragged-threads.csv', 'a,b\n1,2\n3,4,5\n')));
  assert.equal(await threads(), before);
});
