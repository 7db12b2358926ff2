import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, RegistryService } from '@mlship/registry';
import { readOnnxSignature } from '@mlship/onnx';
import type { DemoFiles } from '@mlship/demo';
import { writeTestDemoModels } from '@mlship/demo/test-kit';
import { main } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlship-validate-cli-'));
let demo: DemoFiles;

before(async () => {
  demo = await writeTestDemoModels(join(dir, 'models'));
});

async function run(argv: string[], cwd = dir) {
  let stdout = '';
  let stderr = '';
  const code = await main(['validate', ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

/** penguins v1.0.0 (the demo baseline) published and promoted to prod in the registry at `path`. */
async function publishBaseline(path: string) {
  const service = new RegistryService(
    new LocalStore(path, { defaultCommit: async () => 'a'.repeat(40), passedChecks: async () => ['validate'] }),
    { actor: 'alice', readSignature: readOnnxSignature },
  );
  const published = await service.publish({
    name: 'penguins',
    version: '1.0.0',
    files: [{ path: demo.baseline, role: 'model' }],
  });
  await service.promote({ name: 'penguins', version: published.version, stage: 'prod' });
  return published;
}

const common = ['--data', 'models/holdout.csv', '--policy', 'models/policy.yml'];

test('a passing candidate exits 0; --json prints the result with the output paths', async () => {
  const { code, stdout, stderr } = await run([
    '--candidate',
    'models/candidate.onnx',
    '--baseline',
    'models/baseline.onnx',
    ...common,
    '--output-dir',
    'out',
    '--json',
  ]);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.verdict, 'pass');
  assert.equal(result.outputs.report, join(dir, 'out', 'validation.md'));
  assert.equal(result.metrics.length, 8);
});

test('a failing candidate exits 1 and lists what failed first', async () => {
  const { code, stdout } = await run([
    '--candidate',
    'models/degraded.onnx',
    '--baseline',
    'models/baseline.onnx',
    ...common,
  ]);
  assert.equal(code, 1);
  assert.match(stdout, /^mlship validate: FAIL — .*\n  fail +accuracy ≥ 0\.85: /);
});

test('the baseline can be NAME@prod in a local registry, downloaded with its checksum verified', async () => {
  const published = await publishBaseline(join(dir, 'registry'));
  const { code, stdout, stderr } = await run([
    '--candidate',
    'models/candidate.onnx',
    '--baseline',
    'penguins@prod',
    '--registry',
    'registry',
    ...common,
    '--json',
  ]);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.baseline.source, 'penguins@prod');
  assert.equal(result.baseline.version, 'penguins@v1.0.0');
  assert.match(result.baseline.sha256, /^[0-9a-f]{64}$/);
  assert.equal(result.baseline.sha256, published.manifest.assets[0]!.sha256);
});

test('a missing flag is a usage error', async () => {
  const { code, stderr } = await run(['--candidate', 'models/candidate.onnx']);
  assert.equal(code, 1);
  assert.match(stderr, /mlship validate: --baseline is required/);
});

test('without --registry, NAME@prod resolves in .mlship/registry, the default data test uses too', async () => {
  const project = mkdtempSync(join(tmpdir(), 'mlship-validate-default-'));
  const published = await publishBaseline(join(project, '.mlship', 'registry'));
  const at = (p: string) => join(dir, p);
  const { code, stdout, stderr } = await run(
    [
      '--candidate',
      at('models/candidate.onnx'),
      '--baseline',
      'penguins@prod',
      '--data',
      at('models/holdout.csv'),
      '--policy',
      at('models/policy.yml'),
      '--json',
    ],
    project,
  );
  assert.equal(code, 0, stderr);
  assert.equal(JSON.parse(stdout).baseline.sha256, published.manifest.assets[0]!.sha256);
});

test('an unknown registry scheme is refused in one line listing the accepted forms', async () => {
  const { code, stderr } = await run([
    '--candidate',
    'models/candidate.onnx',
    '--baseline',
    'penguins@prod',
    ...common,
    '--registry',
    'ftp:x',
  ]);
  assert.equal(code, 1);
  assert.equal(
    stderr,
    "mlship: error: --registry 'ftp:x' is not a registry location; use local:DIR, a directory path, or github:OWNER/REPO\n",
  );
});
