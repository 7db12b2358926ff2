import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnBatch } from '../read/columns.ts';
import { queryRows, sqlString } from '../engine/duckdb-engine.ts';
import { profileData } from '../run/profile-data.ts';
import { atOrBelow, below, isExact } from '../sketch/rank-summary.ts';
import { DataProfiler, mergeProfiles, parseProfile } from './data-profiler.ts';
import type { CategoricalProfile, NumericProfile, Profile } from './profile-schema.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const dir = mkdtempSync(join(tmpdir(), 'mlship-profile-'));

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
/** Through JSON and the schema, as a shard's profile file travels between jobs. */
function roundTrip(p: Profile): Profile {
  return parseProfile(JSON.stringify(p), 'shard.json');
}

test('penguins: counts, nulls, mean, stdev, min/max and categories match an independent computation', async () => {
  const records = JSON.parse(readFileSync(join(DATA, 'penguins.json'), 'utf8')) as Record<
    string,
    number | string | null
  >[];
  const { profile } = await profileData(join(DATA, 'penguins.json'));
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
    assert.equal(p.distinctCount, new Set(values).size);
  }
  const species = categorical(profile, 'Species');
  const counts = new Map<string, number>();
  for (const r of records) counts.set(String(r.Species), (counts.get(String(r.Species)) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(species.topValues.items), Object.fromEntries(counts));
  assert.equal(species.distinctEstimate, 3);
  const sex = categorical(profile, 'Sex');
  assert.equal(sex.nullCount, records.filter((r) => r.Sex === null).length);
});

test('seattle-weather: exact percentiles, histogram counts and distinct counts from the raw CSV', async () => {
  const lines = readFileSync(join(DATA, 'seattle-weather.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const { profile } = await profileData(join(DATA, 'seattle-weather.csv'), { batchRows: 500 });
  const weather = categorical(profile, 'weather');
  assert.equal(weather.distinctEstimate, new Set(lines.map((l) => l[5])).size);
  assert.equal(weather.topValues.items[0]![1], lines.filter((l) => l[5] === weather.topValues.items[0]![0]).length);
  const temps = lines.map((l) => Number(l[2])).sort((a, b) => a - b);
  const tempMax = numeric(profile, 'temp_max');
  for (const [key, v] of Object.entries(tempMax.percentiles)) {
    const q = Number(key.slice(1)) / 100;
    // The smallest value with at least q of the values at or below it.
    assert.equal(
      v,
      temps.find((t) => temps.filter((x) => x <= t).length >= q * temps.length),
      key,
    );
  }
  assert.equal(tempMax.distinctCount, new Set(temps).size);
  const histogram = tempMax.histogram!;
  assert.equal(histogram.exact, true);
  const bins = histogram.counts.map(() => 0);
  for (const t of temps) bins[histogram.cuts.filter((c) => c < t).length]!++;
  assert.deepEqual(histogram.counts, bins);
  assert.ok(isExact(tempMax.quantileSummary));
  const date = categorical(profile, 'date');
  assert.deepEqual([date.distinctCount, date.dateTextCount], [lines.length, lines.length]);
});

test('NaN, infinities and unparsable text are counted apart from nulls', () => {
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
  const x = numeric(profiler.finish({ points: new Map(), distinct: new Map() }), 'x');
  assert.deepEqual(
    [x.nullCount, x.nanCount, x.posInfCount, x.negInfCount, x.invalidCount, x.finiteCount],
    [1, 1, 1, 1, 1, 2],
  );
  close(x.mean, 2);
});

/** Writes `source` split into `parts` Parquet shards (rows i where i % parts = k) and returns their paths. */
async function shardsOf(source: string, parts: number, name: string): Promise<string[]> {
  const paths: string[] = [];
  for (let k = 0; k < parts; k++) {
    const path = join(dir, `${name}-${k}.parquet`);
    await queryRows(
      `COPY (SELECT * EXCLUDE (i) FROM (SELECT *, row_number() OVER () AS i FROM ${source}) WHERE i % ${parts} = ${k}) TO ${sqlString(path)} (FORMAT parquet)`,
    );
    paths.push(path);
  }
  return paths;
}

test('merged shard profiles equal the one-pass profile on every count; elsewhere the one pass lies within the merged bounds', async () => {
  const path = join(DATA, 'flights-200k.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>[];
  const { profile: whole } = await profileData(path);
  const shardFiles = await shardsOf(`read_json(${sqlString(path)}, format = 'array')`, 4, 'flights');
  // Independent shards, and shards profiled against the whole (as a matrix profiles against a reference).
  const independent = await Promise.all(shardFiles.map(async (f) => roundTrip((await profileData(f)).profile)));
  const againstWhole: Profile[] = [];
  for (const f of shardFiles) againstWhole.push(roundTrip((await profileData(f, { reference: whole })).profile));
  const { profile: wholeAgainstWhole } = await profileData(path, { reference: whole });
  for (const [merged, expected] of [
    [mergeProfiles(independent), whole],
    [mergeProfiles(againstWhole), wholeAgainstWhole],
    [mergeProfiles([againstWhole[0]!, mergeProfiles(againstWhole.slice(1))]), wholeAgainstWhole],
  ] as const) {
    assert.equal(merged.rowCount, whole.rowCount);
    for (const name of ['delay', 'distance']) {
      const m = numeric(merged, name);
      const w = numeric(expected, name);
      assert.deepEqual(
        [m.count, m.nullCount, m.nanCount, m.finiteCount, m.min, m.max, m.allIntegers],
        [w.count, w.nullCount, w.nanCount, w.finiteCount, w.min, w.max, w.allIntegers],
      );
      close(m.mean, w.mean!, 1e-12);
      close(m.stdev, w.stdev!, 1e-12);
      assert.deepEqual(m.distinctSketch, w.distinctSketch, 'HyperLogLog registers merge to the one-pass registers');
      // The true counts lie within the merged bounds at every point of either summary, and the
      // one pass's counts are exact there.
      const values = Float64Array.from(records, (r) => r[name]!).sort();
      const countBelow = (x: number, strict: boolean) => {
        let lo = 0;
        let hi = values.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (strict ? values[mid]! < x : values[mid]! <= x) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      for (const x of new Set([...m.quantileSummary.values, ...w.quantileSummary.values])) {
        const le = countBelow(x, false);
        const lt = countBelow(x, true);
        const [lo, hi] = atOrBelow(m.quantileSummary, x);
        const [blo, bhi] = below(m.quantileSummary, x);
        assert.ok(lo <= le && le <= hi && blo <= lt && lt <= bhi, `${name} at ${x}: ${le} outside ${lo}..${hi}`);
      }
      for (const [i, x] of w.quantileSummary.values.entries())
        assert.deepEqual(
          [w.quantileSummary.atOrBelowMin[i], w.quantileSummary.belowMax[i]],
          [countBelow(x, false), countBelow(x, true)],
        );
    }
  }
  // Profiled against a shared reference, the merged histogram is exact and equals the one pass's.
  const merged = mergeProfiles(againstWhole);
  for (const name of ['delay', 'distance']) {
    assert.equal(numeric(merged, name).histogram?.exact, true);
    assert.deepEqual(numeric(merged, name).histogram, numeric(wholeAgainstWhole, name).histogram);
  }
});

test('a profile file of another schemaVersion, or of version 1, or with a bad field is a one-line error', () => {
  assert.throws(
    () => parseProfile('{"schemaVersion":3}', 'p.json'),
    /p\.json: profile schemaVersion 3 is not supported/,
  );
  assert.throws(
    () => parseProfile('{"schemaVersion":1,"rowCount":1,"columns":[]}', 'p.json'),
    /^FileFormatError: p\.json: profile schemaVersion 1 was written by an earlier mlship and holds estimated counts; re-create it from its data with 'mlship data profile DATA --output p\.json'/,
  );
  assert.throws(
    () => parseProfile('{"schemaVersion":2,"rowCount":-1,"columns":[]}', 'p.json'),
    /p\.json: not a valid data profile at rowCount/,
  );
  assert.throws(() => parseProfile('{"schemaVersion":2,', 'p.json'), /p\.json: not valid JSON/);
  // Not "schemaVersion undefined": JSON that is no profile at all says so.
  for (const text of ['{"columns": []}', '[1, 2]', 'null', '42'])
    assert.throws(
      () => parseProfile(text, 'p.json'),
      /^FileFormatError: p\.json: not a data profile \(no schemaVersion\); create one with 'mlship data profile/,
    );
});

test('a column with only nulls in a shard takes the kind of its values in the others', async () => {
  const first = join(dir, 'sparse-0.csv');
  const second = join(dir, 'sparse-1.csv');
  writeFileSync(first, `id,late\n${Array.from({ length: 20 }, (_, i) => `${i},`).join('\n')}\n`);
  writeFileSync(second, `id,late\n${Array.from({ length: 10 }, (_, i) => `${20 + i},${(20 + i) / 2}`).join('\n')}\n`);
  const shards = [(await profileData(first)).profile, (await profileData(second)).profile];
  assert.equal(shards[0]!.columns[1]!.kind, 'categorical');
  for (const order of [shards, [...shards].reverse()]) {
    const late = numeric(mergeProfiles(order), 'late');
    assert.deepEqual([late.count, late.nullCount, late.finiteCount, late.min, late.max], [30, 20, 10, 10, 14.5]);
  }
  const whole = numeric((await profileData(join(dir, 'sparse-*.csv'))).profile, 'late');
  assert.deepEqual([whole.count, whole.nullCount, whole.finiteCount], [30, 20, 10]);
});

test('shards that do not match fail naming the shard files', async () => {
  const profileOf = async (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return (await profileData(path)).profile;
  };
  const a = await profileOf('a.csv', 'x,y\n1,a\n');
  const b = await profileOf('b.csv', 'x\n2\n');
  const c = await profileOf('c.csv', 'x,y\ntwo,b\n');
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

test('the profile is the same whether the pass hands over the engine chunks or larger batches', async () => {
  const lines = ['x,score,city,note'];
  // Rows past several engine chunks and one large batch, with nulls, ties, repeated text and an invalid number
  // past the rows that decide a column's kind (the scan restarts with the column read leniently).
  for (let i = 0; i < 70_000; i++)
    lines.push(
      `${i % 997},${i === 68_000 ? 'oops' : i % 11 === 0 ? '' : ((i * 7919) % 1000) / 10},c${i % 13},${i % 5 === 0 ? '' : `note number ${i % 301}`}`,
    );
  const path = join(dir, 'batches.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const chunks = await profileData(path);
  const large = await profileData(path, { batchRows: 65_536 });
  // Moments are summed batch by batch: the same to rounding; everything else exactly the same.
  const moments = ['mean', 'm2', 'stdev'] as const;
  const rest = (p: Profile) =>
    p.columns.map((c) =>
      Object.fromEntries(Object.entries(c).filter(([k]) => !(moments as readonly string[]).includes(k))),
    );
  assert.deepEqual(rest(chunks.profile), rest(large.profile));
  for (const name of ['x', 'score'])
    for (const m of moments) close(numeric(chunks.profile, name)[m], numeric(large.profile, name)[m]!);
  assert.equal(chunks.profile.rowCount, 70_000);
  assert.equal(numeric(chunks.profile, 'score').invalidCount, 1);
  assert.equal(categorical(chunks.profile, 'note').nullCount, 14_000);
});
