// mlship monitor from a terminal: the prod version's reference profile and
// calibration summary come from the registry, the window from served rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, RegistryService } from '@mlship/registry';
import { servedPenguins, type ServedPenguins } from '@mlship/monitor/test-kit';
import { main } from '../main.ts';

let dir: string;
let served: ServedPenguins;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlship-monitor-cli-'));
  served = await servedPenguins(dir);
});
after(() => rm(dir, { recursive: true, force: true }));

async function runMonitorCli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['monitor', ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
    env: {},
  });
  return { code, stdout, stderr };
}

test('calibrate a holdout, publish it with the version, then monitor a drifted window against penguins@prod', async () => {
  await served.writeWindow('holdout.csv', { rows: 600, seed: 1, labelShare: 1 });
  const calibrated = await runMonitorCli([
    'calibrate',
    'holdout.csv',
    '--policy',
    'monitor.yml',
    '--output',
    'calibration.json',
  ]);
  assert.equal(calibrated.code, 0, calibrated.stderr);
  assert.match(calibrated.stdout, /calibration: calibrated: ECE 0\.0\d\d/);

  await writeFile(join(dir, 'model.onnx'), 'not read by the monitor');
  const registry = new RegistryService(new LocalStore(join(dir, 'registry')), { actor: 'tester' });
  await registry.publish({
    name: 'penguins',
    version: '1.0.0',
    commit: 'main',
    files: [
      { path: join(dir, 'model.onnx'), role: 'model' },
      { path: served.referenceProfile, role: 'data-profile' },
      { path: join(dir, 'calibration.json'), role: 'other' },
    ],
  });
  await registry.promote({ name: 'penguins', version: 'v1.0.0', stage: 'staging' });
  await registry.promote({ name: 'penguins', version: 'v1.0.0', stage: 'prod' });

  await served.writeWindow('served.csv', {
    rows: 600,
    seed: 4,
    labelShare: 0.5,
    shift: { bill_length_mm: 4, flipper_length_mm: 8 },
  });
  const monitored = await runMonitorCli([
    'served.csv',
    '--policy',
    'monitor.yml',
    '--model',
    'penguins@prod',
    '--registry',
    'registry',
    '--json',
  ]);
  assert.equal(monitored.code, 0, monitored.stderr);
  const result = JSON.parse(monitored.stdout);
  assert.equal(result.version, 'v1.0.0');
  assert.equal(result.status, 'degraded');
  assert.equal(result.retrain, true);
  assert.equal(result.estimateReliable, true);
  assert.ok(result.triggers.some((t: { kind: string }) => t.kind === 'feature-drift'));
  const report = await readFile(join(dir, 'mlship-monitor', 'monitor.md'), 'utf8');
  assert.match(report, /### ❌ Monitoring: penguins/);
  assert.match(report, /`penguins@v1\.0\.0`/);
  const verdict = JSON.parse(await readFile(join(dir, 'mlship-monitor', 'monitor.json'), 'utf8'));
  assert.equal(verdict.status, 'degraded');
});

test('a window without traffic fails with one line that says what to check', async () => {
  const quiet = await runMonitorCli([
    'logs/*.jsonl',
    '--policy',
    'monitor.yml',
    '--model',
    'penguins',
    '--reference-profile',
    'reference-profile.json',
  ]);
  assert.equal(quiet.code, 1);
  assert.match(quiet.stdout, /no-traffic \(0 rows, 0 labelled\)/);
  assert.match(
    quiet.stderr,
    /^mlship: error: no traffic: 'logs\/\*\.jsonl' holds no served rows for penguins; .*on_no_traffic: warn/,
  );
});

test('a bare model name without a reference profile is refused with the fix', async () => {
  const bare = await runMonitorCli(['served.csv', '--policy', 'monitor.yml', '--model', 'penguins']);
  assert.equal(bare.code, 1);
  assert.match(
    bare.stderr,
    /model 'penguins' is not a registry reference such as penguins@prod; give one, or give reference-profile/,
  );
});

test('labels that never arrive: a pass on the estimate alone, and the output says the metrics are estimated only', async () => {
  await served.writeWindow('unlabelled.csv', { rows: 300, seed: 2, labelShare: 0 });
  const run = await runMonitorCli([
    'unlabelled.csv',
    '--policy',
    'monitor.yml',
    '--model',
    'penguins',
    '--reference-profile',
    'reference-profile.json',
    '--calibration',
    'calibration.json',
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /\(300 rows, 0 labelled\)/);
  assert.match(run.stdout, /accuracy: estimated 0\.9\d\d, floor 0\.9 judged on estimated/);
  assert.match(
    run.stdout,
    /note: no labels arrived for this window: quality is estimated from the model’s probabilities only/,
  );
});
