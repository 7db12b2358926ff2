import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';

const DATA = join(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const dir = mkdtempSync(join(tmpdir(), 'mlship-data-cli-'));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['data', ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
    env: {},
  });
  return { code, stdout, stderr };
}

test('infer, then test with the inferred file: passes; --json gives the result', async () => {
  const inferred = await run(['infer', join(DATA, 'cars.json'), '--output', 'cars.yml']);
  assert.equal(inferred.code, 0);
  assert.match(
    readFileSync(join(dir, 'cars.yml'), 'utf8'),
    /Origin:\n {4}type: string\n {4}notNull: true.*\n {4}inSet: \["Europe", "Japan", "USA"\]/,
  );
  const tested = await run([
    'test',
    join(DATA, 'cars.json'),
    '--expectations',
    'cars.yml',
    '--output-dir',
    'out',
    '--json',
  ]);
  assert.equal(tested.code, 0);
  const json = JSON.parse(tested.stdout);
  assert.equal(json.outcome, 'pass');
  assert.equal(json.rowCount, 406);
});

test('profile shards, merge them, and compare for drift', async () => {
  writeFileSync(
    join(dir, 'a.csv'),
    `x,c\n${Array.from({ length: 200 }, (_, i) => `${i % 50},${i % 3 ? 'u' : 'v'}`).join('\n')}\n`,
  );
  writeFileSync(
    join(dir, 'b.csv'),
    `x,c\n${Array.from({ length: 200 }, (_, i) => `${(i * 7) % 50},${i % 3 ? 'u' : 'v'}`).join('\n')}\n`,
  );
  assert.equal((await run(['profile', 'a.csv', '--output', 'ref.json'])).code, 0);
  assert.equal((await run(['profile', 'b.csv', '--reference', 'ref.json', '--output', 'b.json'])).code, 0);
  assert.equal((await run(['profile', 'a.csv', '--reference', 'ref.json', '--output', 'a.json'])).code, 0);
  const merged = await run(['merge', 'a.json', 'b.json', '--output', 'ab.json']);
  assert.match(merged.stdout, /2 profiles, 400 rows/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'ab.json'), 'utf8')).rowCount, 400);
  const drift = await run(['drift', '--profile', 'b.json', '--reference', 'ref.json', '--json']);
  assert.equal(drift.code, 0);
  assert.equal(JSON.parse(drift.stdout).driftedCount, 0);
  const shifted = join(dir, 'shifted.csv');
  writeFileSync(
    shifted,
    `x,c\n${Array.from({ length: 200 }, (_, i) => `${(i % 50) + 40},${i % 3 ? 'u' : 'v'}`).join('\n')}\n`,
  );
  const moved = await run(['drift', 'shifted.csv', '--reference', 'ref.json']);
  assert.match(moved.stdout, /x +DRIFTED psi/);
  assert.match(moved.stdout, /c +stable/);
});

test('bad input is a one-line error naming the file and line; unknown subcommands list the usage', async () => {
  writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n3\n');
  const ragged = await run(['profile', 'ragged.csv']);
  assert.equal(ragged.code, 1);
  assert.match(ragged.stderr, /^mlship: error: \S*ragged\.csv:3: row has 1 fields but the header has 2; .*\n$/);
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /^mlship: error: mlship data: unknown subcommand 'frobnicate'; use test, profile, infer, drift or merge; see 'mlship data --help'\n$/,
  );
  assert.match((await run(['drift', 'a.csv'])).stderr, /--reference PROFILE is required/);
});

test('infer --json prints the expectations as JSON, with defaults filled in', async () => {
  const { code, stdout } = await run(['infer', join(DATA, 'seattle-weather.csv'), '--json']);
  assert.equal(code, 0);
  const expectations = JSON.parse(stdout);
  assert.equal(expectations.schemaVersion, 1);
  assert.deepEqual(expectations.columns.weather.inSet, {
    values: ['drizzle', 'fog', 'rain', 'snow', 'sun'],
    mostly: 1,
    severity: 'error',
  });
});

test('test --reference cars@prod compares against the profile published with the production model', async () => {
  const { LocalStore, RegistryService } = await import('@mlship/registry');
  const profiled = await run(['profile', join(DATA, 'cars.json'), '--output', 'cars-profile.json']);
  assert.equal(profiled.code, 0, profiled.stderr);
  writeFileSync(join(dir, 'cars.onnx'), 'model bytes');
  const registry = new RegistryService(new LocalStore(join(dir, '.mlship', 'registry')), { actor: 'alice' });
  await registry.publish({
    name: 'cars',
    version: 'v1.0.0',
    commit: 'abc',
    files: [
      { path: join(dir, 'cars.onnx'), role: 'model' },
      { path: join(dir, 'cars-profile.json'), role: 'data-profile' },
    ],
  });
  await registry.promote({ name: 'cars', version: 'v1.0.0', stage: 'prod' });

  const tested = await run(['test', join(DATA, 'cars.json'), '--reference', 'cars@prod', '--output-dir', 'out-ref']);
  assert.equal(tested.code, 0, tested.stderr);
  assert.match(
    readFileSync(join(dir, 'out-ref', 'data-test.md'), 'utf8'),
    /Drift against `cars@v1\.0\.0 \(cars@prod\)`/,
  );

  // Day one of another model: nothing to drift from yet, said on stderr; the data is still tested.
  const first = await run(['test', join(DATA, 'cars.json'), '--reference', 'trucks@prod', '--output-dir', 'out-1st']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stderr,
    /^mlship: note: trucks@prod: no model 'trucks' in the registry .*; the data is tested without a drift comparison \(first version\)\n$/,
  );
  assert.doesNotMatch(readFileSync(join(dir, 'out-1st', 'data-test.md'), 'utf8'), /Drift against/);
  // Drift itself needs a reference: there the empty stage is an error.
  const drift = await run(['drift', join(DATA, 'cars.json'), '--reference', 'trucks@prod']);
  assert.equal(drift.code, 1);
  assert.match(drift.stderr, /no model 'trucks' in the registry/);
});
