import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readColumns } from '../read/read-columns.ts';
import type { ColumnBatch } from '../read/columns.ts';
import { DataProfiler, mergeProfiles, parseProfile, profileBatches } from './data-profiler.ts';
import type { CategoricalProfile, NumericProfile, Profile } from './profile-schema.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');

function numeric(p: Profile, name: string): NumericProfile {
  const c = p.columns.find((x) => x.name === name);
  assert.ok(c && c.kind === 'numeric', name);
  return c;
}
function categorical(p: Profile, name: string): CategoricalProfile {
  const c = p.columns.find((x) => x.name === name);
  assert.ok(c && c.kind === 'categorical', name);
  return c;
}
function close(a: number | null, b: number, tolerance = 1e-9): void {
  assert.ok(a !== null && Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${a} != ${b}`);
}

test('penguins: counts, nulls, mean, stdev, min/max and categories match an independent computation', async () => {
  const records = JSON.parse(readFileSync(join(DATA, 'penguins.json'), 'utf8')) as Record<
    string,
    number | string | null
  >[];
  const profile = await profileBatches(readColumns(join(DATA, 'penguins.json')));
  assert.equal(profile.rowCount, 344);
  for (const name of ['Beak Length (mm)', 'Body Mass (g)']) {
    const values = records.map((r) => r[name]).filter((v): v is number => typeof v === 'number');
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
    const p = numeric(profile, name);
    assert.equal(p.nullCount, 344 - values.length);
    assert.ok(p.nullCount > 0, 'penguins has real missing values');
    assert.equal(p.finiteCount, values.length);
    close(p.mean, mean);
    close(p.stdev, Math.sqrt(variance));
    assert.equal(p.min, Math.min(...values));
    assert.equal(p.max, Math.max(...values));
  }
  const species = categorical(profile, 'Species');
  const counts = new Map<string, number>();
  for (const r of records) counts.set(String(r.Species), (counts.get(String(r.Species)) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(species.topValues.items), Object.fromEntries(counts));
  assert.equal(species.distinctEstimate, 3);
  const sex = categorical(profile, 'Sex');
  assert.equal(sex.nullCount, records.filter((r) => r.Sex === null).length);
});

test('seattle-weather: categories, distinct count and medians match the raw CSV', async () => {
  const lines = readFileSync(join(DATA, 'seattle-weather.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const profile = await profileBatches(readColumns(join(DATA, 'seattle-weather.csv'), { batchRows: 500 }));
  const weather = categorical(profile, 'weather');
  assert.equal(weather.distinctEstimate, new Set(lines.map((l) => l[5])).size);
  assert.equal(weather.topValues.items[0]![1], lines.filter((l) => l[5] === weather.topValues.items[0]![0]).length);
  const temps = lines.map((l) => Number(l[2])).sort((a, b) => a - b);
  const tempMax = numeric(profile, 'temp_max');
  // 1,461 values stay below the sketch's first compaction, so its median is exact.
  assert.equal(tempMax.percentiles.p50, temps[Math.ceil(0.5 * temps.length) - 1]);
  assert.equal(tempMax.distinctEstimate, new Set(temps).size);
  const date = categorical(profile, 'date');
  assert.equal(date.distinctEstimate, lines.length);
});

test('NaN, infinities and unparsable text are counted apart from nulls', async () => {
  const batch: ColumnBatch = {
    rowCount: 6,
    source: { file: 'mem', firstRow: 1 },
    columns: new Map([
      [
        'x',
        {
          kind: 'numeric',
          values: Float64Array.from([1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 3]),
          nulls: Uint8Array.from([0, 0, 0, 0, 1, 0]),
          timestamp: false,
          invalid: { count: 1, samples: ['n/a?'] },
        },
      ],
    ]),
  };
  const profiler = new DataProfiler();
  profiler.update(batch);
  const x = numeric(profiler.finish(), 'x');
  assert.deepEqual(
    [x.nullCount, x.nanCount, x.posInfCount, x.negInfCount, x.invalidCount, x.finiteCount],
    [1, 1, 1, 1, 1, 2],
  );
  close(x.mean, 2);
});

test('merge of shard profiles equals the profile of the whole (cars, three shards, through JSON)', async () => {
  const path = join(DATA, 'cars.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number | string | null>[];
  const whole = await profileBatches(readColumns(path));
  // Shards profiled against the whole's cuts, as a matrix job profiles against a reference.
  const shards: Profile[] = [];
  const profilers = [0, 1, 2].map(() => new DataProfiler({ reference: whole }));
  let i = 0;
  for await (const batch of readColumns(path, { batchRows: 50 })) profilers[i++ % 3]!.update(batch);
  for (const p of profilers) shards.push(parseProfile(JSON.stringify(p.finish()), 'shard.json'));
  const againstWhole = new DataProfiler({ reference: whole });
  for await (const batch of readColumns(path)) againstWhole.update(batch);
  const expected = againstWhole.finish();
  const merged = mergeProfiles(shards);
  // Associative: merging in another grouping gives the same exact statistics.
  const regrouped = mergeProfiles([shards[0]!, mergeProfiles([shards[1]!, shards[2]!])]);
  for (const result of [merged, regrouped]) {
    assert.equal(result.rowCount, 406);
    for (const name of ['Miles_per_Gallon', 'Horsepower', 'Weight_in_lbs', 'Acceleration']) {
      const m = numeric(result, name);
      const w = numeric(expected, name);
      assert.deepEqual(
        [m.count, m.nullCount, m.finiteCount, m.min, m.max],
        [w.count, w.nullCount, w.finiteCount, w.min, w.max],
      );
      close(m.mean, w.mean!, 1e-12);
      close(m.stdev, w.stdev!, 1e-12);
      assert.deepEqual(m.histogram, w.histogram);
      assert.equal(m.histogram?.exact, true);
      assert.ok(Math.abs(m.distinctEstimate - w.distinctEstimate) <= Math.ceil(0.05 * w.distinctEstimate));
      const sorted = records
        .map((r) => r[name])
        .filter((v): v is number => typeof v === 'number')
        .sort((a, b) => a - b);
      for (const [key, v] of Object.entries(m.percentiles)) {
        const rank = sorted.filter((x) => x <= v).length / sorted.length;
        const q = Number(key.slice(1)) / 100;
        assert.ok(rank >= q - 0.03 && sorted.filter((x) => x < v).length / sorted.length <= q + 0.03, `${name} ${key}`);
      }
    }
    assert.deepEqual(categorical(result, 'Origin').topValues, categorical(expected, 'Origin').topValues);
  }
});

test('a profile file with another schemaVersion or a bad field is a one-line error', () => {
  assert.throws(
    () => parseProfile('{"schemaVersion":2}', 'p.json'),
    /p\.json: profile schemaVersion 2 is not supported/,
  );
  assert.throws(
    () => parseProfile('{"schemaVersion":1,"rowCount":-1,"columns":[]}', 'p.json'),
    /p\.json: not a valid data profile at rowCount/,
  );
  assert.throws(() => parseProfile('{"schemaVersion":1,', 'p.json'), /p\.json: not valid JSON/);
  // Not "schemaVersion undefined": JSON that is no profile at all says so.
  for (const text of ['{"columns": []}', '[1, 2]', 'null', '42'])
    assert.throws(
      () => parseProfile(text, 'p.json'),
      /^FileFormatError: p\.json: not a data profile \(no schemaVersion\); create one with 'mlship data profile/,
    );
});

test('merge at scale: four shards of flights-200k match exact quantiles and distinct counts within sketch error', async () => {
  const path = join(DATA, 'flights-200k.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as { delay: number; distance: number }[];
  const shards: Profile[] = [];
  for await (const batch of readColumns(path, { batchRows: 50_000 })) {
    const profiler = new DataProfiler();
    profiler.update(batch);
    shards.push(parseProfile(JSON.stringify(profiler.finish()), 'shard.json'));
  }
  assert.equal(shards.length, Math.ceil(records.length / 50_000));
  const merged = mergeProfiles(shards);
  assert.equal(merged.rowCount, records.length);
  for (const name of ['delay', 'distance'] as const) {
    const values = Float64Array.from(records, (r) => r[name]).sort();
    const m = numeric(merged, name);
    assert.equal(m.min, values[0]);
    assert.equal(m.max, values.at(-1));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    close(m.mean, mean, 1e-9);
    for (const [key, v] of Object.entries(m.percentiles)) {
      const q = Number(key.slice(1)) / 100;
      let below = 0;
      let atOrBelow = 0;
      for (const x of values) {
        if (x < v) below++;
        if (x <= v) atOrBelow++;
      }
      assert.ok(
        atOrBelow / values.length >= q - 0.01 && below / values.length <= q + 0.01,
        `${name} ${key}: rank ${below / values.length}..${atOrBelow / values.length}`,
      );
    }
    const distinct = new Set(values).size;
    assert.ok(
      Math.abs(m.distinctEstimate / distinct - 1) < 0.05,
      `${name} distinct ${m.distinctEstimate} vs ${distinct}`,
    );
  }
});

test('a column with only nulls in its first batch (or shard) takes the kind of its first values', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mlship-profile-'));
  const path = join(dir, 'sparse.csv');
  writeFileSync(path, `id,late\n${Array.from({ length: 30 }, (_, i) => `${i},${i < 20 ? '' : i / 2}`).join('\n')}\n`);
  const batches = [];
  for await (const b of readColumns(path, { batchRows: 10 })) batches.push(b);
  assert.deepEqual(
    batches.map((b) => b.columns.get('late')!.kind),
    ['categorical', 'categorical', 'numeric'],
  );
  const profile = await profileBatches(readColumns(path, { batchRows: 10 }));
  const late = numeric(profile, 'late');
  assert.deepEqual([late.count, late.nullCount, late.finiteCount, late.min, late.max], [30, 20, 10, 10, 14.5]);
  // Shards: the first saw only nulls.
  const shards = [];
  for (const b of batches) {
    const p = new DataProfiler();
    p.update(b);
    shards.push(p.finish());
  }
  const merged = numeric(mergeProfiles(shards), 'late');
  assert.deepEqual([merged.count, merged.nullCount, merged.finiteCount], [30, 20, 10]);
  const reversed = numeric(mergeProfiles([...shards].reverse()), 'late');
  assert.deepEqual([reversed.count, reversed.nullCount, reversed.finiteCount], [30, 20, 10]);
});

test('shards that do not match fail naming the shard files', async () => {
  const profileOf = async (rows: Record<string, unknown>[]) => {
    const p = new DataProfiler();
    const names = Object.keys(rows[0]!);
    p.update({
      rowCount: rows.length,
      source: { file: 'x.jsonl', firstRow: 1 },
      columns: new Map(
        names.map((n) => [
          n,
          typeof rows[0]![n] === 'number'
            ? {
                kind: 'numeric' as const,
                values: Float64Array.from(rows, (r) => r[n] as number),
                nulls: new Uint8Array(rows.length),
                timestamp: false,
                invalid: { count: 0, samples: [] },
              }
            : {
                kind: 'categorical' as const,
                codes: Int32Array.from(rows, (_r, i) => i),
                dictionary: rows.map((r) => String(r[n])),
              },
        ]),
      ),
    });
    return p.finish();
  };
  const a = await profileOf([{ x: 1, y: 'a' }]);
  const b = await profileOf([{ x: 2 }]);
  const c = await profileOf([{ x: 'two', y: 'b' }]);
  assert.throws(
    () => mergeProfiles([a, b], ['shard-0.json', 'shard-1.json']),
    /^FileFormatError: shard-1\.json has columns \(x\) but shard-0\.json has \(x, y\); profile every shard with the same columns$/,
  );
  assert.throws(
    () => mergeProfiles([a, c], ['shard-0.json', 'shard-2.json']),
    /^FileFormatError: shard-2\.json: column 'x' is categorical but numeric in the shards before it/,
  );
  assert.throws(
    () => mergeProfiles([a, b]),
    /^FileFormatError: profile 2 has columns \(x\) but profile 1 has \(x, y\)/,
  );
});
