// The bundled train action (actions/train/dist/index.js) run as the runner
// runs it, main step then post step, with a recorded nvidia-smi first on the
// PATH and the GitHub emulator answering the fork guard's lookups.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type GitHubEmulator, type TokenPermissions } from '@mlship/github-emulator';
import { installRecordedGpu, type RecordedGpu } from '@mlship/train/test-kit';
import { runBundledAction, webhookEvent, type WebhookEvent } from './harness/index.ts';

const TRAINER = fileURLToPath(new URL('../packages/train/test-kit/fake-trainer.ts', import.meta.url));
const trainer = (args: string) => `"${process.execPath}" "${TRAINER}" ${args}`;
const JOB_TOKEN: TokenPermissions = { contents: 'read', actions: 'read', metadata: 'read' };

let gh: GitHubEmulator;
let root: string;
const machines: RecordedGpu[] = [];
let serial = 0;

before(async () => {
  gh = await startEmulator();
  root = mkdtempSync(join(tmpdir(), 'mlship-train-e2e-'));
});
after(async () => {
  await gh.stop();
  for (const machine of machines) machine.remove();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => assert.deepEqual(gh.violations, [], 'every request and response matched the OpenAPI description'));

function machine(name: string): RecordedGpu {
  const installed = installRecordedGpu(name);
  machines.push(installed);
  return installed;
}

function pullRequest() {
  const repo = gh.createRepo({ owner: 'octo-org', name: `churn-${serial++}` });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  gh.createCommit(repo, { branch: 'feature/more-data', message: 'More data' });
  const pr = gh.createPullRequest(repo, {
    head: 'feature/more-data',
    base: 'main',
    title: 'More data',
    body: '',
    user: 'alice',
  });
  return { repo, pr };
}

async function train(event: WebhookEvent, inputs: Record<string, string>, env: Record<string, string>, cwd?: string) {
  const token = gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: JOB_TOKEN });
  const workspace = cwd ?? mkdtempSync(join(root, 'ws-'));
  const result = await runBundledAction('train', {
    inputs: {
      'upload-artifact': 'false',
      'progress-interval-seconds': '1',
      'telemetry-interval-seconds': '1',
      ...inputs,
    },
    event,
    emulator: gh,
    token,
    env: { RUNNER_ENVIRONMENT: 'self-hosted', SECRET_MARKER: 'x', ...env },
    cwd: workspace,
    timeoutMs: 90_000,
  });
  return { ...result, workspace, token };
}

test('on two recorded A100s: the run streams in a group, the summary shows the section, outputs are set, the token stays out', async () => {
  const { repo, pr } = pullRequest();
  const gpus = machine('a100-sxm4-40gb-x2');
  const result = await train(
    webhookEvent('pull_request', 'opened', { repo, pr }),
    {
      run: trainer('--steps 8 --step-ms 30 --print-env GITHUB_TOKEN --print-env INPUT_TOKEN --model model.onnx'),
      gpus: '2',
      'model-path': 'model.onnx',
      'hourly-rate': '2.5',
    },
    { PATH: gpus.path },
  );
  assert.equal(result.exitCode, 0, result.stdout + result.stderr);
  assert.equal(result.outputs['outcome'], 'succeeded');
  assert.match(result.stdout, /::group::Training: /);
  assert.match(
    result.stdout,
    /preflight passed on mlship-harness: 2 × NVIDIA A100-SXM4-40GB, driver \d+\.\d+\.\d+, CUDA \d+\.\d+;/,
  );
  assert.match(result.stdout, /GITHUB_TOKEN=<unset>/);
  assert.match(result.stdout, /INPUT_TOKEN=<unset>/);
  const shown = result.stdout.replace(/^::add-mask::.*$/gm, ''); // the runner consumes these
  assert.ok(!shown.includes(result.token), 'the job token never reaches the log');
  assert.ok(gpus.queries() >= 2, `telemetry sampled the recorded GPUs (${gpus.queries()} queries)`);
  assert.match(result.summary, /NVIDIA A100-SXM4-40GB/);
  assert.match(result.summary, /GPU-hours/);
  const lineage = JSON.parse(readFileSync(result.outputs['lineage-path']!, 'utf8'));
  assert.equal(lineage.environment.gpus.length, 2);
  assert.equal(lineage.source.commit, pr.headSha);
  assert.equal(lineage.environment.runner.name, 'mlship-harness');
  assert.ok(existsSync(result.outputs['model-path']!));
  assert.deepEqual(
    result.annotations.filter((a) => a.level === 'error'),
    [],
  );
});

test('a GPU job on a CPU runner fails in one line before the command runs', async () => {
  const { repo, pr } = pullRequest();
  const cpu = machine('cpu');
  const result = await train(
    webhookEvent('pull_request', 'opened', { repo, pr }),
    { run: 'touch ran', gpus: '1' },
    { PATH: cpu.path },
  );
  assert.equal(result.exitCode, 1);
  const errors = result.annotations.filter((a) => a.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /needs 1 GPU/);
  assert.ok(!existsSync(join(result.workspace, 'ran')), 'the command never ran');
});

test("a fork's pull_request on a self-hosted runner is refused before anything runs", async () => {
  const { repo, pr } = pullRequest();
  const event = webhookEvent('pull_request', 'opened', { repo, pr });
  const head = (event.payload['pull_request'] as { head: { repo: { full_name: string } } }).head;
  head.repo.full_name = `mallory/${repo.name}`;
  const result = await train(event, { run: 'touch ran' }, { PATH: machine('l4').path });
  assert.equal(result.exitCode, 1);
  const errors = result.annotations.filter((a) => a.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(
    errors[0]!.message,
    /^refusing to train on a self-hosted runner: this pull_request comes from the fork mallory\//,
  );
  assert.ok(!existsSync(join(result.workspace, 'ran')), 'the command never ran');
});

test("a fork's workflow_run trains only after a maintainer approved fork-training, on the default branch's code", async () => {
  const { repo, pr } = pullRequest();
  const workspace = mkdtempSync(join(root, 'checkout-'));
  writeFileSync(join(workspace, 'train.sh'), 'touch ran\n');
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'ci',
        GIT_AUTHOR_EMAIL: 'ci@example.com',
        GIT_COMMITTER_NAME: 'ci',
        GIT_COMMITTER_EMAIL: 'ci@example.com',
      },
    }).trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'default branch');
  const sha = git('rev-parse', 'HEAD');
  const event = webhookEvent('workflow_run', 'completed', { repo, pr, forkOwner: 'mallory', sha });
  (event.payload['workflow_run'] as Record<string, unknown>)['actor'] = { login: 'alice' };
  const env = {
    PATH: machine('t4').path,
    GITHUB_WORKFLOW_REF: `${repo.fullName}/.github/workflows/mlship-train.yml@refs/heads/main`,
  };

  gh.recordWorkflowRun(repo, { id: 1658821493, approvals: [{ environment: 'fork-training', user: 'alice' }] });
  const refused = await train(event, { run: 'bash train.sh' }, env, workspace);
  assert.equal(refused.exitCode, 1);
  assert.match(
    refused.annotations.find((a) => a.level === 'error')?.message ?? '',
    /no one but its author approved the 'fork-training' environment/,
  );
  assert.ok(!existsSync(join(workspace, 'ran')));

  gh.recordWorkflowRun(repo, { id: 1658821493, approvals: [{ environment: 'fork-training', user: 'maintainer' }] });
  const approved = await train(event, { run: 'bash train.sh' }, env, workspace);
  assert.equal(approved.exitCode, 0, approved.stdout);
  assert.ok(existsSync(join(workspace, 'ran')));
});
