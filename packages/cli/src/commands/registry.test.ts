import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { main } from '../main.ts';

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-registry-cli-'));
  writeFileSync(
    join(dir, 'model.onnx'),
    buildLinearClassifierOnnx({ weights: [[1, 2]], bias: [0], classes: ['no', 'yes'] }),
  );
  writeFileSync(join(dir, 'card.md'), '# churn\n');
  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['registry', ...argv], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      cwd: dir,
      env: { GITHUB_ACTOR: 'alice' },
    });
    return { code, stdout, stderr };
  };
  return { dir, run };
}

test('publish, promote, resolve and download against the default local registry', async () => {
  const { dir, run } = workspace();
  const published = await run('publish', 'churn', 'model.onnx', '--bump', 'minor', '--card', 'card.md', '--json');
  assert.equal(published.code, 0, published.stderr);
  const json = JSON.parse(published.stdout);
  assert.equal(json.version, 'v0.1.0');
  assert.deepEqual(json.manifest.signature.inputs[0].shape, ['N', 2]);
  assert.ok(existsSync(join(dir, '.mlship/registry/models/churn/versions/v0.1.0/model.onnx')));

  assert.match(
    (await run('promote', 'churn', 'v0.1.0', 'prod')).stdout,
    /churn@prod: \(none\) -> v0\.1\.0 \(churn#prod#2\)/,
  );
  assert.match((await run('resolve', 'churn@prod')).stdout, /churn@prod -> churn@v0\.1\.0 .* holds prod/);
  const download = await run('download', 'churn@prod', '--output', 'out', '--json');
  assert.equal(download.code, 0, download.stderr);
  assert.deepEqual(readFileSync(join(dir, 'out', 'model.onnx')), readFileSync(join(dir, 'model.onnx')));
  const history = JSON.parse((await run('history', 'churn', '--json')).stdout);
  assert.deepEqual(
    history.history.map((e: { tag: string }) => e.tag),
    ['churn@v0.1.0', 'churn#prod#2'],
  );
  assert.match((await run('list')).stdout, /churn: 1 versions, latest v0\.1\.0; prod=v0\.1\.0/);
});

test('usage mistakes and refused operations are one-line errors', async () => {
  const { run } = workspace();
  const missing = await run('promote', 'churn');
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /^mlship: error: mlship registry: promote needs VERSION; see 'mlship registry --help'\n$/,
  );
  const bad = await run('resolve', 'churn');
  assert.match(bad.stderr, /must be NAME@STAGE, NAME#STAGE, NAME@vX\.Y\.Z or NAME@latest/);
  const none = await run('resolve', 'churn@prod');
  assert.match(none.stderr, /^mlship: error: no model 'churn' in the registry at local:\S+; publish it first\n$/);
  assert.equal((await run('frobnicate')).code, 1);
});

test('eight processes promoting different versions to prod at once: one winner per counter, history complete', async () => {
  const { dir, run } = workspace();
  const versions = Array.from({ length: 8 }, (_, i) => `v1.${i}.0`);
  for (const [i, v] of versions.entries()) {
    writeFileSync(
      join(dir, 'model.onnx'),
      buildLinearClassifierOnnx({ weights: [[i, 2]], bias: [0], classes: ['no', 'yes'] }),
    );
    assert.equal((await run('publish', 'churn', 'model.onnx', '--version', v)).code, 0);
  }
  const cli = join(import.meta.dirname, '..', 'main.ts');
  const codes = await Promise.all(
    versions.map(
      (v) =>
        new Promise<number>((resolveCode) => {
          const child = spawn(process.execPath, [cli, 'registry', 'promote', 'churn', v, 'prod', '--json'], {
            cwd: dir,
            stdio: 'ignore',
            env: { ...process.env, GITHUB_ACTOR: 'alice' },
          });
          child.on('exit', (code) => resolveCode(code ?? -1));
        }),
    ),
  );
  const history = JSON.parse((await run('history', 'churn', '--json')).stdout).history as {
    counter: number;
    action: string;
    version: string;
  }[];
  assert.deepEqual(
    history.map((e) => e.counter),
    history.map((_, i) => i + 1),
  );
  const assigned = history.filter((e) => e.action === 'assign');
  assert.equal(
    assigned.length,
    codes.filter((c) => c === 0).length,
    'every process that succeeded is in the history, no other',
  );
  assert.ok(codes.every((c) => c === 0 || c === 1));
  assert.equal(new Set(assigned.map((e) => e.version)).size, assigned.length);
  const prod = JSON.parse((await run('resolve', 'churn@prod', '--json')).stdout);
  assert.equal(prod.version, assigned.at(-1)!.version);
});

test('--token is refused, and a github: registry without a token says where one comes from', async () => {
  const { run } = workspace();
  const flag = await run('list', '--registry', 'github:octo/models', '--token', 'ghp_secret');
  assert.equal(flag.code, 1);
  assert.match(flag.stderr, /^mlship: error: mlship registry: --token is not accepted \(a token on the command line/);
  const none = await run('list', '--registry', 'github:octo/models');
  assert.equal(
    none.stderr,
    "mlship: error: registry 'github:octo/models' is on GitHub and needs a token; set GITHUB_TOKEN or GH_TOKEN, or pipe it to --token-stdin\n",
  );
});

test('an unknown registry scheme is refused before anything is written', async () => {
  const { dir, run } = workspace();
  const r = await run('publish', 'churn', 'model.onnx', '--version', 'v1.0.0', '--registry', 'ftp:x');
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    "mlship: error: --registry 'ftp:x' is not a registry location; use local:DIR, a directory path, or github:OWNER/REPO\n",
  );
  assert.ok(!existsSync(join(dir, 'ftp:x')));
});

test('a model trained by mlship train is published with its lineage (--lineage)', async () => {
  const { dir, run } = workspace();
  writeFileSync(join(dir, 'train.csv'), 'a,label\n1,yes\n');
  const trained = await main(
    [
      'train',
      '--name',
      'churn',
      '--seed',
      '3',
      '--data',
      'train.csv',
      '--model-path',
      'out.onnx',
      '--',
      'cp',
      'model.onnx',
      'out.onnx',
    ],
    { stdout: () => {}, stderr: () => {}, cwd: dir, env: { PATH: process.env['PATH'] ?? '', GITHUB_ACTOR: 'alice' } },
  );
  assert.equal(trained, 0);
  const published = await run(
    'publish',
    'churn',
    'mlship-train/out.onnx',
    '--bump',
    'patch',
    '--lineage',
    'mlship-train/lineage.json',
    '--json',
  );
  assert.equal(published.code, 0, published.stderr);
  const { manifest } = JSON.parse(published.stdout);
  assert.equal(manifest.lineage.seed, 3);
  assert.equal(manifest.lineage.command, 'cp model.onnx out.onnx');
  assert.equal(manifest.datasets[0].id, 'train.csv');
  const card = readFileSync(join(dir, '.mlship/registry/models/churn/versions/v0.0.1/model-card.md'), 'utf8');
  assert.match(card, /^# churn\n\n## Training lineage\n/);
  assert.match(card, /\| seed \| 3 \|/);
});
