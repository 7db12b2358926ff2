import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData } from '../run/profile-data.ts';
import { DataProfiler } from '../profile/data-profiler.ts';
import { queryRows, sqlString } from './duckdb-engine.ts';
import { ExactCountCollector, exactCounts } from './exact-counts.ts';
import { scanColumns } from './scan-columns.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const dir = mkdtempSync(join(tmpdir(), 'mlship-exact-'));

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The counts held during the pass and the counts the engine's query gives, for the same request. */
async function bothWays(pattern: string, budget?: number) {
  const profiler = new DataProfiler({});
  const held = new ExactCountCollector(budget);
  const files = await scanColumns(pattern, (batch) => {
    profiler.update(batch);
    held.add(batch);
  });
  const request = profiler.exactCountRequest();
  return { request, held: held.counts(request), queried: await exactCounts(files, request) };
}

test('counts held during a CSV pass equal the engine query: NaN, infinities, -0, nulls, text in a numeric column', async () => {
  // Past the rows that decide a column's kind, x holds text: that column is read again leniently.
  // z has more distinct values than are counted apart: it is held value by value from its second batch.
  const rows = ['x,y,name,z'];
  for (let i = 0; i < 70_000; i++) {
    const x =
      i % 97 === 0
        ? ''
        : i % 101 === 0
          ? 'nan'
          : i % 103 === 0
            ? '-inf'
            : i % 107 === 0
              ? 'inf'
              : String((i * 7919) % 1000) + '.5';
    rows.push(
      `${x},${i % 5 === 0 ? '-0' : i % 5 === 1 ? '0' : (i % 1234) / 8},n${(i * 31) % 5003},${i % 89 === 0 ? 'nan' : i % 83 === 0 ? '-0' : i % 79 === 0 ? '' : i / 7}`,
    );
  }
  rows.push('oops,1,n1,1');
  const { request, held, queried } = await bothWays(write('tricky.csv', `${rows.join('\n')}\n`));
  assert.ok(held, 'the pass held what it needs');
  assert.ok(request.points.get('x')!.length > 10 && request.distinct.includes('name'));
  assert.ok(held.distinct.get('z')! > 65_536);
  assert.deepEqual(held, queried);
});

test('counts held during a pass equal the engine query on seattle-weather (CSV) and penguins (JSON)', async () => {
  for (const file of ['seattle-weather.csv', 'penguins.json']) {
    const { held, queried } = await bothWays(join(DATA, file));
    assert.ok(held, file);
    assert.deepEqual(held, queried, file);
  }
});

test('past its budget, or on Parquet, nothing is held and the profile is the same', async () => {
  const path = join(DATA, 'seattle-weather.csv');
  assert.equal((await bothWays(path, 64 * 1024)).held, undefined);
  assert.equal((await bothWays(path, 0)).held, undefined);
  const parquet = join(dir, 'weather.parquet');
  await queryRows(`COPY (SELECT * FROM read_csv(${sqlString(path)})) TO ${sqlString(parquet)} (FORMAT parquet)`);
  assert.equal((await bothWays(parquet)).held, undefined);
  const heldProfile = (await profileData(path)).profile;
  const queriedProfile = (await profileData(path, { exactHoldBytes: 0 })).profile;
  assert.deepEqual(heldProfile, queriedProfile);
});

test('a JSON key with only nulls in one file takes its kind from the others, held as the query counts it', async () => {
  write('keys-1.jsonl', '{"v": null, "t": null}\n{"w": 1}\n');
  write('keys-2.jsonl', '{"v": 1.5, "t": "a"}\n{"v": -2, "t": "b"}\n{"v": 1.5, "t": "a"}\n');
  const { request, held, queried } = await bothWays(join(dir, 'keys-*.jsonl'));
  assert.ok(held);
  assert.equal(held.distinct.get('v'), 2);
  assert.deepEqual(held, queried);
  assert.ok(request.points.has('v'));
});
