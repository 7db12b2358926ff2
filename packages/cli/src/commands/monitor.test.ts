// mlship monitor from a terminal: the prod version's reference profile and
// calibration summary come from the registry, the window from served rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, RegistryService } from '@mlship/registry';
import { DEMO_CLASSES } from '@mlship/demo';
import { readOnnxSignature } from '@mlship/onnx';
import { servedPenguins, softmax, type ServedPenguins } from '@mlship/monitor/test-kit';
import { main } from '../main.ts';

let dir: string;
let served: ServedPenguins;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlship-monitor-cli-'));
  served = await servedPenguins(dir);
});
after(() => rm(dir, { recursive: true, force: true }));

function runMonitorCli(argv: string[]) {
  return runCli(['monitor', ...argv]);
}

async function runCli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
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

  // The registry reads the model's signature when it publishes: a real model, fitted as the served one was.
  await copyFile((await served.retrain('v1', {})).model, join(dir, 'model.onnx'));
  // Published as a release job does, the calibration beside the model and its training data's profile.
  const published = await runCli([
    'registry',
    'publish',
    'penguins',
    'model.onnx',
    '--version',
    '1.0.0',
    '--commit',
    'main',
    '--data-profile',
    served.referenceProfile,
    '--calibration',
    'calibration.json',
    '--registry',
    'registry',
  ]);
  assert.equal(published.code, 0, published.stderr);
  const registry = new RegistryService(new LocalStore(join(dir, 'registry')), { actor: 'tester' });
  assert.deepEqual(
    (await registry.resolve('penguins@v1.0.0')).manifest.assets.map((a) => [a.name, a.role]),
    [
      ['model.onnx', 'model'],
      ['reference-profile.json', 'data-profile'],
      ['calibration.json', 'calibration'],
    ],
  );
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
    'penguins',
    '--registry',
    'registry',
    '--json',
  ]);
  assert.equal(monitored.code, 0, monitored.stderr);
  assert.equal(monitored.stderr, '', 'the version holding prod, the default stage, without a warning');
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

test('--stage picks the version of another stage; the earlier --model NAME@STAGE still works, with the way to move on', async () => {
  const monitor = (model: string, ...more: string[]) =>
    runMonitorCli([
      'served.csv',
      '--policy',
      'monitor.yml',
      '--model',
      model,
      '--registry',
      'registry',
      '--json',
      ...more,
    ]);
  const staged = await monitor('penguins', '--stage', 'staging', '--output-dir', 'out-staging');
  assert.equal(staged.code, 0, staged.stderr);
  assert.equal(JSON.parse(staged.stdout).version, 'v1.0.0');
  const canary = await monitor('penguins', '--stage', 'canary', '--output-dir', 'out-canary');
  assert.equal(canary.code, 1);
  assert.match(canary.stderr, /canary/);
  const earlier = await monitor('penguins@prod', '--output-dir', 'out-earlier');
  assert.equal(earlier.code, 0, earlier.stderr);
  assert.equal(JSON.parse(earlier.stdout).version, 'v1.0.0');
  assert.equal(
    earlier.stderr,
    "mlship: warning: model 'penguins@prod': model takes the model's name now; give model: penguins and stage: prod\n",
  );
  const both = await monitor('penguins@prod', '--stage', 'prod', '--output-dir', 'out-both');
  assert.equal(both.code, 1);
  assert.match(both.stderr, /model 'penguins@prod' names a stage and so does stage; give model: penguins/);
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

test("mlship serve's data directory as the window: prod's answers since --since, columns named by the model's features", async () => {
  const v1 = await served.retrain('serve-v1', {});
  const bytes = await readFile(v1.model);
  const input = readOnnxSignature(bytes).inputs[0]!.name;
  const registry = new RegistryService(new LocalStore(join(dir, 'serve-registry')), { actor: 'tester' });
  await registry.publish({
    name: 'penguins',
    version: '2.0.0',
    commit: 'main',
    files: [
      { path: v1.model, role: 'model' },
      { path: v1.profile, role: 'data-profile' },
    ],
  });
  await registry.promote({ name: 'penguins', version: 'v2.0.0', stage: 'prod' });
  // The server's log as it writes it: one prediction line per request, labels by request id later.
  const lines: object[] = [];
  // Minutes into the hour before the run (the CLI's window ends now).
  const hourAgo = Date.now() - 3_600_000;
  const at = (minute: number) => new Date(hourAgo + minute * 60_000).toISOString();
  const shifted = served.holdout.map((p) => ({
    species: p.species,
    features: p.features.map((v, j) => v + (j === 0 ? 4 : j === 2 ? 8 : 0)),
  }));
  shifted.forEach((p, i) => {
    const probabilities = softmax(v1.fit, p.features);
    const top = probabilities.indexOf(Math.max(...probabilities));
    lines.push({
      kind: 'prediction',
      ts: at(10),
      id: `r${i}`,
      model: 'penguins',
      version: 'v2.0.0',
      arm: 'prod',
      served: true,
      rows: 1,
      inputs: [{ name: input, shape: [1, 4], datatype: 'FP32', data: p.features }],
      outputs: [
        {
          kind: 'class',
          label: DEMO_CLASSES[top],
          probabilities: Object.fromEntries(DEMO_CLASSES.map((c, k) => [c, probabilities[k]])),
        },
      ],
      latencyMs: 0.3,
    });
  });
  // Before the window, and another version's answers: neither is in it.
  lines.push({ ...(lines[0] as object), id: 'early', ts: at(1) });
  lines.push({ ...(lines[1] as object), id: 'other', version: 'v1.0.0' });
  shifted.forEach((p, i) => {
    if (i % 2 === 0) lines.push({ kind: 'label', ts: at(20), id: `r${i}`, label: p.species });
  });
  await mkdir(join(dir, 'serve', 'predictions'), { recursive: true });
  await writeFile(
    join(dir, 'serve', 'predictions', 'predictions.jsonl'),
    lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
  );
  const run = await runMonitorCli([
    'serve',
    '--policy',
    'monitor.yml',
    '--model',
    'penguins@prod',
    '--registry',
    'serve-registry',
    '--since',
    at(5),
    '--json',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.version, 'v2.0.0');
  assert.equal(result.rows, shifted.length);
  assert.equal(result.labelledRows, Math.ceil(shifted.length / 2));
  assert.equal(result.status, 'degraded');
  assert.ok(
    result.triggers.some((t: { kind: string; message: string }) => /bill_length_mm/.test(t.message)),
    'the inputs are compared by the names the model was exported with',
  );
  const bad = await runMonitorCli(['serve', '--policy', 'monitor.yml', '--model', 'penguins', '--since', 'yesterday']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--since: give a time such as 2026-11-30T04:00:00Z/);
});
