// The bundled train action against the emulated Actions results service, with
// the real @actions/artifact and @actions/cache clients inside it: the model
// and its lineage handed to the validate job as an artifact, checkpoints that
// survive a preempted attempt through the cache, a cache that is down, and the
// trained model published to the registry with its lineage.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type GitHubEmulator, type PullRequestHandle, type RepoHandle } from '@mlship/github-emulator';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { LINEAGE_CARD_HEADING } from '@mlship/registry';
import { startResultsService, type ResultsService } from '@mlship/results-emulator';
import { installRecordedGpu, type RecordedGpu } from '@mlship/train/test-kit';
import { runActionDir, runBundledAction, webhookEvent, type RunActionOptions } from './harness/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DOWNLOAD = join(HERE, 'harness', 'fixtures', 'results-action');
const TRAINER = join(HERE, '..', 'packages', 'train', 'test-kit', 'fake-trainer.ts');
const trainer = (args: string) => `"${process.execPath}" "${TRAINER}" ${args}`;

let gh: GitHubEmulator;
let rs: ResultsService;
let repo: RepoHandle;
let pr: PullRequestHandle;
let token: string;
let headSha: string;
let gpu: RecordedGpu;
const dirs: string[] = [];

before(async () => {
  gh = await startEmulator();
  rs = await startResultsService();
  repo = gh.createRepo({ owner: 'octo-org', name: 'churn', defaultBranch: 'main' });
  headSha = gh.createCommit(repo, { branch: 'feature/more-data', message: 'More data' });
  pr = gh.createPullRequest(repo, { head: 'feature/more-data', base: 'main', title: 'More data' });
  token = gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { metadata: 'read' } });
});
after(async () => {
  await rs.stop();
  await gh.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  rs.clearFaults();
  gpu?.remove();
  gpu = installRecordedGpu('a100-sxm4-40gb-x2');
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-train-results-'));
  dirs.push(dir);
  return dir;
}

function job(name: string, options: Partial<RunActionOptions> & { cwd: string }): RunActionOptions {
  return {
    event: webhookEvent('pull_request', 'opened', { repo, pr }),
    emulator: gh,
    results: rs,
    token,
    job: name,
    timeoutMs: 90_000,
    ...options,
    env: { RUNNER_ENVIRONMENT: 'self-hosted', PATH: gpu.path, ...options.env },
  };
}

test('the validate job downloads the model the train job uploaded, byte for byte as its lineage says; publish records the lineage', async () => {
  const trainDir = workspace();
  // The command trains, then exports its ONNX model (built here, as a framework's exporter would write it).
  writeFileSync(
    join(trainDir, 'exported.onnx'),
    buildLinearClassifierOnnx({ weights: [[1, 2]], bias: [0], classes: ['no', 'yes'] }),
  );
  writeFileSync(join(trainDir, 'train.csv'), 'a,b,label\n1,2,yes\n3,4,no\n');
  writeFileSync(join(trainDir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
  const train = await runBundledAction(
    'train',
    job('train', {
      cwd: trainDir,
      runId: '7001',
      inputs: {
        run: `${trainer('--steps 4 --step-ms 5')} && cp exported.onnx model.onnx`,
        'model-path': 'model.onnx',
        gpus: '2',
        data: 'train.csv',
        seed: '7',
      },
    }),
  );
  assert.equal(train.exitCode, 0, train.stdout + train.stderr);
  assert.equal(train.outputs['artifact-name'], 'mlship-model');
  assert.match(train.outputs['artifact-id'] ?? '', /^\d{10,}$/);

  const validateDir = workspace();
  const download = await runActionDir(
    DOWNLOAD,
    job('validate', {
      cwd: validateDir,
      runId: '7001',
      inputs: { 'download-name': 'mlship-model', 'download-path': 'in' },
    }),
  );
  assert.equal(download.exitCode, 0, download.stdout + download.stderr);
  const lineage = JSON.parse(readFileSync(join(validateDir, 'in', 'lineage.json'), 'utf8'));
  const model = readFileSync(join(validateDir, 'in', 'model.onnx'));
  const recorded = lineage.outputs.find((o: { role: string }) => o.role === 'model');
  assert.equal(recorded.sha256, createHash('sha256').update(model).digest('hex'));
  assert.equal(lineage.environment.gpus[0].name, 'NVIDIA A100-SXM4-40GB');
  for (const file of ['metrics.json', 'telemetry.json', 'training.md'])
    assert.ok(readFileSync(join(validateDir, 'in', file)).length > 0, file);
  assert.deepEqual(rs.violations, []);

  // The validated model is published with its lineage: in the manifest whole, and in the model card.
  const writer = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { contents: 'write', metadata: 'read' },
  });
  const registry = (inputs: Record<string, string>) =>
    runBundledAction('registry', {
      inputs,
      emulator: gh,
      token: writer,
      cwd: validateDir,
      timeoutMs: 60_000,
      event: webhookEvent('push', '', { repo, sha: headSha }),
    });
  const publish = await registry({
    command: 'publish',
    name: 'churn',
    bump: 'minor',
    files: 'in/model.onnx',
    lineage: 'in/lineage.json',
  });
  assert.equal(publish.exitCode, 0, publish.stdout + publish.stderr);
  const manifest = JSON.parse(publish.outputs['manifest']!);
  assert.deepEqual(manifest.lineage, lineage);
  assert.equal(manifest.lineage.seed, 7);
  assert.equal(manifest.lineage.environment.cudaVersion, lineage.environment.cudaVersion);
  const data = lineage.data.find((d: { path: string }) => d.path === 'train.csv');
  assert.equal(
    data.sha256,
    createHash('sha256')
      .update(readFileSync(join(trainDir, 'train.csv')))
      .digest('hex'),
  );
  assert.deepEqual(manifest.datasets, [{ id: 'train.csv', uri: 'train.csv', sha256: data.sha256 }]);
  assert.deepEqual(manifest.metrics, lineage.metrics, 'the training metrics, as no metrics file was given');
  assert.deepEqual(
    manifest.assets.map((a: { name: string; role: string }) => [a.name, a.role]),
    [
      ['model.onnx', 'model'],
      ['model-card.md', 'card'],
    ],
  );

  const fetched = await registry({
    command: 'download',
    name: 'churn',
    version: publish.outputs['version']!,
    path: 'published',
  });
  assert.equal(fetched.exitCode, 0, fetched.stdout + fetched.stderr);
  const card = readFileSync(join(validateDir, 'published', 'model-card.md'), 'utf8');
  assert.ok(card.startsWith('# churn\n'), card);
  assert.ok(card.includes(LINEAGE_CARD_HEADING), card);
  assert.match(card, /\| seed \| 7 \|/);
  assert.match(card, /\| GPUs \| 2 × NVIDIA A100-SXM4-40GB \(40960 MiB\) \|/);
  assert.ok(card.includes(`\`sha256:${data.sha256}\``), 'the data digest');
  assert.match(card, /\| pnpm-lock\.yaml \| `[0-9a-f]{64}` \|/);
});

test('a preempted attempt resumes on the next one from the checkpoint it left in the cache', async () => {
  const inputs = {
    run: trainer('--steps 30 --step-ms 40'),
    'checkpoint-dir': 'ckpt',
    'checkpoint-interval-minutes': '0.005',
    'upload-artifact': 'false',
  };
  const first = await runBundledAction(
    'train',
    job('train', { cwd: workspace(), runId: '7002', runAttempt: 1, inputs, env: { FAKE_TRAINER_DIE_AT: '12' } }),
  );
  assert.equal(first.exitCode, 1);
  assert.match(first.stdout, /checkpoint saved \(\w+\) as mlship-checkpoint-churn-feature\/more-data-/);
  assert.ok(rs.cacheEntries().length >= 1, 'the attempt left its checkpoint in the cache');

  // The next attempt runs on a fresh machine: an empty workspace.
  const second = await runBundledAction(
    'train',
    job('train', { cwd: workspace(), runId: '7002', runAttempt: 2, inputs }),
  );
  assert.equal(second.exitCode, 0, second.stdout + second.stderr);
  assert.match(
    second.stdout,
    /restored checkpoint mlship-checkpoint-churn-feature\/more-data-[0-9a-f]{16}-7002-1-\d+ from the Actions cache/,
  );
  assert.match(second.stdout, /resumed from step 1[0-2]/);
  assert.equal(second.outputs['outcome'], 'succeeded');
  assert.deepEqual(rs.violations, []);
});

test('with the cache service down, training still runs and says so in one warning', { timeout: 400_000 }, async () => {
  // A port nothing listens on: every call of the cache client is refused (and retried by it, about 30 s a call).
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const dir = workspace();
  const run = await runBundledAction(
    'train',
    job('train', {
      cwd: dir,
      runId: '7003',
      timeoutMs: 180_000,
      inputs: { run: trainer('--steps 6 --step-ms 5'), 'checkpoint-dir': 'ckpt', 'upload-artifact': 'false' },
      env: { ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/` },
    }),
  );
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.equal(run.outputs['outcome'], 'succeeded');
  const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning'));
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /checkpoints: the Actions cache failed \(.+\); training goes on/);
  assert.match(run.stdout, /checkpoint not saved \(end\)/);
  assert.match(run.stdout, /the post step could not save/, 'the post step tried once more, quietly');
  assert.ok(readFileSync(join(dir, 'mlship-train', 'metrics.json')).length > 0, 'the run wrote its outputs');
});
