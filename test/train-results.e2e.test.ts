// The bundled train action against the emulated Actions results service, with
// the real @actions/artifact and @actions/cache clients inside it: the model
// and its lineage handed to the validate job as an artifact, checkpoints that
// survive a preempted attempt through the cache, and a cache that is down.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type GitHubEmulator, type PullRequestHandle, type RepoHandle } from '@mlship/github-emulator';
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
let gpu: RecordedGpu;
const dirs: string[] = [];

before(async () => {
  gh = await startEmulator();
  rs = await startResultsService();
  repo = gh.createRepo({ owner: 'octo-org', name: 'churn', defaultBranch: 'main' });
  gh.createCommit(repo, { branch: 'feature/more-data', message: 'More data' });
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

test('the validate job downloads the model the train job uploaded, byte for byte as its lineage says', async () => {
  const trainDir = workspace();
  const train = await runBundledAction(
    'train',
    job('train', {
      cwd: trainDir,
      runId: '7001',
      inputs: { run: trainer('--steps 4 --step-ms 5 --model model.onnx'), 'model-path': 'model.onnx', gpus: '2' },
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
