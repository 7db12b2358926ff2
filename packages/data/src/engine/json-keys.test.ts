import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '@mlship/errors';
import { scanColumns } from './scan-columns.ts';
import { columnOf, valueText, type ColumnBatch } from '../read/columns.ts';
import { profileData } from '../run/profile-data.ts';
import type { Profile } from '../profile/profile-schema.ts';
import { parseExpectations } from '../expect/load-expectations.ts';
import { ExpectationChecker } from '../expect/expectation-checker.ts';
import type { CheckResult, ExpectationReport } from '../expect/check-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlship-json-keys-'));

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// As Spark writes it: null fields are left out. `score` first appears on line 5, `channel` only on line 11.
const RECORDS: Record<string, unknown>[] = Array.from({ length: 16 }, (_, i) => {
  const line = i + 1;
  const record: Record<string, unknown> = { id: line };
  if (line >= 5 && line !== 9) record.score = line / 10;
  if (line === 11) record.channel = 'web';
  if (line === 14) record.channel = 'store';
  return record;
});
const JSONL = write('events.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n') + '\n');
const JSON_ARRAY = write('events.json', JSON.stringify(RECORDS));

async function collect(path: string, options = {}): Promise<ColumnBatch[]> {
  const out: ColumnBatch[] = [];
  await scanColumns(path, (b) => out.push(b), options);
  return out;
}

function texts(batches: ColumnBatch[], name: string): (string | null)[] {
  return batches.flatMap((b) => Array.from({ length: b.rowCount }, (_, i) => valueText(columnOf(b, name), i)));
}

async function profileAndCheck(path: string, yaml: string): Promise<{ profile: Profile; report: ExpectationReport }> {
  const loaded = parseExpectations(yaml, 'e.yml');
  const checker = new ExpectationChecker(loaded.expectations, {
    lineOf: loaded.lineOf,
    file: loaded.file,
    now: new Date(),
  });
  const { profile } = await profileData(path, { onBatch: (b) => checker.update(b) });
  return { profile, report: checker.finish(profile) };
}

function result(report: ExpectationReport, id: string): CheckResult {
  const r = report.checks.find((c) => c.id === id);
  assert.ok(r, `no result ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return r;
}

const EXPECTATIONS = `schemaVersion: 1
table:
  columns: { present: [id, score, channel], ordered: true }
columns:
  score:
    between: { min: 0, max: 1 }
  channel:
    notNull: { mostly: 0.5 }
    inSet: { values: [web] }
`;

for (const [format, path] of [
  ['JSON Lines', JSONL],
  ['a JSON array', JSON_ARRAY],
] as const) {
  test(`${format}: every key of any record is a column, null in the records that omit it`, async () => {
    const batches = await collect(path, { batchRows: 8 });
    assert.deepEqual([...batches[0]!.columns.keys()], ['id', 'score', 'channel']);
    assert.deepEqual(texts(batches, 'score').slice(0, 9), [null, null, null, null, '0.5', '0.6', '0.7', '0.8', null]);
    assert.deepEqual(texts(batches, 'channel'), [...Array(10).fill(null), 'web', null, null, 'store', null, null]);
  });

  test(`${format}: the profile and the expectations count every row`, async () => {
    const { profile, report } = await profileAndCheck(path, EXPECTATIONS);
    assert.deepEqual(
      profile.columns.map((c) => [c.name, c.kind, c.count, c.nullCount]),
      [
        ['id', 'numeric', 16, 0],
        ['score', 'numeric', 16, 5],
        ['channel', 'categorical', 16, 14],
      ],
    );
    assert.equal(result(report, 'table.columns').passed, true);
    assert.equal(result(report, 'columns.score.between').failingCount, 6); // 1.1 .. 1.6
    const notNull = result(report, 'columns.channel.notNull');
    assert.deepEqual([notNull.checkedCount, notNull.failingCount, notNull.passed], [16, 14, false]);
    const inSet = result(report, 'columns.channel.inSet');
    assert.deepEqual([inSet.checkedCount, inSet.failingCount, inSet.samples], [2, 1, ['store']]);
  });
}

test('selecting a column in no record is a one-line error', async () => {
  await assert.rejects(
    collect(JSONL, { columns: ['id', 'chanel'] }),
    (e: unknown) =>
      e instanceof FileFormatError && e.message === `${JSONL}: column 'chanel' is not in the file (id, score, channel)`,
  );
});

test('a row that omits a key duplicates an earlier row where it is null', async () => {
  const path = write('dupes.jsonl', '{"k":1}\n{"k":2}\n{"k":1,"note":null}\n{"k":3,"note":"x"}\n');
  const { report } = await profileAndCheck(path, 'schemaVersion: 1\ntable:\n  duplicateRows: { mostly: 1 }\n');
  assert.equal(result(report, 'table.duplicateRows').failingCount, 1);
});

test('JSON files of one glob may have different keys: the columns are their union', async () => {
  const shards = mkdtempSync(join(dir, 'shards-'));
  writeFileSync(join(shards, 'part-0.jsonl'), '{"id":1}\n{"id":2}\n');
  writeFileSync(join(shards, 'part-1.jsonl'), '{"id":3,"score":0.5}\n');
  const { profile } = await profileData(join(shards, '*.jsonl'));
  assert.deepEqual(
    profile.columns.map((c) => [c.name, c.count, c.nullCount]),
    [
      ['id', 3, 0],
      ['score', 3, 2],
    ],
  );
});
