// The root action.yml, run as the runner runs it: its `command` input picks
// the bundled step, which sees the same inputs and writes the same outputs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { runActionDir, webhookEvent } from './harness/index.ts';
import { repoRoot } from '../scripts/build-actions.ts';

let gh: GitHubEmulator;
before(async () => {
  gh = await startEmulator();
});
after(async () => {
  await gh.stop();
});

test('command: report posts the sticky comment through the report action', async () => {
  const repo = gh.createRepo({ owner: 'octo-org', name: 'root-action' });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  gh.createCommit(repo, { branch: 'feature/y', message: 'Retrain' });
  const pr = gh.createPullRequest(repo, { head: 'feature/y', base: 'main', title: 'Retrain', user: 'alice' });
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-root-action-'));
  writeFileSync(join(workspace, 'report.md'), '## Validation\n\nAll gates pass.\n');
  const token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { 'pull-requests': 'write', issues: 'write', contents: 'read', metadata: 'read' },
  });

  const r = await runActionDir(repoRoot, {
    inputs: { command: 'report', report: 'report.md', key: 'churn' },
    event: webhookEvent('pull_request', 'opened', { repo, pr }),
    emulator: gh,
    token,
    cwd: workspace,
  });

  assert.equal(r.exitCode, 0, r.stderr);
  const comments = gh.repo(repo).issueComments.filter((c) => c.issueNumber === pr.number);
  assert.equal(comments.length, 1);
  assert.match(comments[0]!.body, /All gates pass\./);
  assert.equal(r.outputs['comment-id'], String(comments[0]!.id));
  assert.deepEqual(gh.violations, []);
});

test('command: registry-publish runs the registry action with its own command set to publish', async () => {
  const repo = gh.createRepo({ owner: 'octo-org', name: 'root-action-registry' });
  const sha = gh.createCommit(repo, { branch: 'main', message: 'train' });
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-root-action-'));
  writeFileSync(
    join(workspace, 'model.onnx'),
    buildLinearClassifierOnnx({ weights: [[1, 2]], bias: [0], classes: ['no', 'yes'] }),
  );
  const token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { contents: 'write', metadata: 'read' },
  });

  const r = await runActionDir(repoRoot, {
    inputs: { command: 'registry-publish', name: 'churn', version: 'v1.0.0', files: 'model.onnx' },
    event: webhookEvent('push', '', { repo, sha }),
    emulator: gh,
    token,
    cwd: workspace,
  });

  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.outputs['tag'], 'churn@v1.0.0');
  assert.equal(gh.repo(repo).releases.length, 1);
  assert.deepEqual(gh.violations, []);
});

test("command: train runs the train action's main step, then its post step", async () => {
  const repo = gh.createRepo({ owner: 'octo-org', name: 'root-train' });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-root-action-'));
  const r = await runActionDir(repoRoot, {
    inputs: {
      command: 'train',
      run: 'mkdir -p "$MLSHIP_CHECKPOINT_DIR" && echo 1 > "$MLSHIP_CHECKPOINT_DIR/step"',
      'checkpoint-dir': 'ckpt',
      'upload-artifact': 'false',
    },
    event: webhookEvent('push', '', { repo, sha: gh.repo(repo).refs.get('refs/heads/main')!.sha }),
    emulator: gh,
    token: gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { metadata: 'read' } }),
    cwd: workspace,
    env: { RUNNER_ENVIRONMENT: 'github-hosted' },
  });
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.equal(r.outputs['outcome'], 'succeeded');
  // No results service here: the main step could not store its checkpoint, so the post step tries again,
  // and says so without a second warning (the main step warned once).
  assert.match(
    r.stdout,
    /\nmlship train: checkpoints: the post step could not save mlship-checkpoint-root-train-main-/,
  );
  assert.equal(r.stdout.split('\n').filter((line) => line.startsWith('::warning')).length, 1, r.stdout);
});

test('an unknown command fails the step with one annotation naming the valid ones', async () => {
  const repo = gh.createRepo({ owner: 'octo-org', name: 'root-action-bad' });
  const sha = gh.createCommit(repo, { branch: 'main', message: 'init' });
  const token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { contents: 'read', metadata: 'read' },
  });
  const r = await runActionDir(repoRoot, {
    inputs: { command: 'deploy' },
    event: webhookEvent('push', '', { repo, sha }),
    emulator: gh,
    token,
  });
  assert.equal(r.exitCode, 1);
  assert.equal(r.annotations.length, 1);
  assert.match(
    r.annotations[0]!.message,
    /input 'command' 'deploy' is not an mlship command; use one of: report, data-test, validate/,
  );
});
