import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { combinedOutcome, reaches, runDataTest } from './data-test.ts';
import { parseProfile } from '../profile/data-profiler.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const clock = { now: () => new Date('2016-01-01T12:00:00Z') };

test('a data test writes the profile, the JSON report and the report section; failures reach fail-on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-dt-'));
  const expectations = join(dir, 'e.yml');
  writeFileSync(
    expectations,
    `schemaVersion: 1
columns:
  weather:
    inSet: [sun, rain, fog, drizzle]
  wind:
    between: { max: 8, severity: warn }
`,
  );
  const reference = await runDataTest(
    { data: join(DATA, 'seattle-weather.csv'), failOn: 'error', outputDir: join(dir, 'ref') },
    clock,
  );
  assert.equal(reference.outcome, 'pass');
  const result = await runDataTest(
    {
      data: join(DATA, 'seattle-weather.csv'),
      expectations,
      referenceProfile: reference.profilePath,
      failOn: 'error',
      outputDir: join(dir, 'out'),
    },
    clock,
  );
  assert.equal(result.outcome, 'fail');
  assert.equal(result.failed, true);
  assert.equal(result.drift?.driftedCount, 0, 'the same data does not drift from itself');
  const profile = parseProfile(readFileSync(result.profilePath, 'utf8'), result.profilePath);
  assert.equal(profile.rowCount, 1461);
  const report = JSON.parse(readFileSync(result.reportPath, 'utf8'));
  assert.equal(report.outcome, 'fail');
  const markdown = readFileSync(result.markdownPath, 'utf8');
  assert.match(
    markdown,
    /^### ❌ Data tests\n\n/,
    'the file carries its heading, so files concatenated in a workflow read as one report',
  );
  assert.match(markdown, /\| ❌ \| `weather` inSet \|/);
  assert.match(markdown, /`snow`/);
  assert.match(markdown, new RegExp(`e\\.yml:4`));
  assert.match(markdown, /#### Drift against/);
  assert.equal(result.section.severity, 'fail');
});

test('outcomes combine checks and drift; fail-on picks the level that fails the step', () => {
  assert.equal(combinedOutcome(null, null), 'pass');
  assert.equal(reaches('warn', 'error'), false);
  assert.equal(reaches('warn', 'warn'), true);
  assert.equal(reaches('fail', 'never'), false);
});

test('missing files are one-line errors naming the path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-dt-'));
  await assert.rejects(
    runDataTest({
      data: join(DATA, 'seattle-weather.csv'),
      expectations: join(dir, 'nope.yml'),
      failOn: 'error',
      outputDir: dir,
    }),
    (e: unknown) => e instanceof InputError && /nope\.yml: expectations file not found; check the path/.test(e.message),
  );
});

test('shard profiles given as the data are merged and compared with the reference; expectations need the rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-dt-shards-'));
  const lines = readFileSync(join(DATA, 'seattle-weather.csv'), 'utf8').trim().split('\n');
  const reference = await runDataTest(
    { data: join(DATA, 'seattle-weather.csv'), failOn: 'error', outputDir: join(dir, 'ref') },
    clock,
  );
  for (const k of [0, 1, 2]) {
    const shard = join(dir, `shard-${k}.csv`);
    writeFileSync(shard, `${[lines[0], ...lines.slice(1).filter((_, i) => i % 3 === k)].join('\n')}\n`);
    await runDataTest(
      { data: shard, referenceProfile: reference.profilePath, failOn: 'error', outputDir: join(dir, `out-${k}`) },
      clock,
    );
  }
  const merged = await runDataTest(
    {
      data: join(dir, 'out-*', 'profile.json'),
      referenceProfile: reference.profilePath,
      failOn: 'error',
      outputDir: join(dir, 'merged'),
    },
    clock,
  );
  assert.equal(merged.rowCount, 1461);
  assert.equal(merged.drift?.driftedCount, 0);
  // Profiled against one reference, the shards merge to exact counts on its cuts: PSI 0 against the whole.
  for (const c of merged.drift!.columns.filter((x) => x.kind === 'numeric' && x.skipped === null))
    assert.equal(c.measures.psi, 0, c.column);
  writeFileSync(join(dir, 'e.yml'), 'schemaVersion: 1\ncolumns:\n  wind: { notNull: true }\n');
  await assert.rejects(
    runDataTest({
      data: join(dir, 'out-*', 'profile.json'),
      expectations: join(dir, 'e.yml'),
      failOn: 'error',
      outputDir: join(dir, 'x'),
    }),
    /shard profiles hold no rows, so expectations cannot run on them/,
  );
});
