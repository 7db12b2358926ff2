// Day one of a model, through the bundled actions as the templates run them:
// the first pull request validates against an empty `NAME@prod` (a first
// version, judged on the policy's floors), the release publishes v0.1.0 and
// promotes it, and the next pull request is compared with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import type { DemoFiles } from '@mlship/demo';
import { writeTestDemoModels } from '@mlship/demo/test-kit';
import { runBundledAction, webhookEvent } from './harness/index.ts';

const BOT = 'github-actions[bot]';
let gh: GitHubEmulator;
let workspace: string;
let demo: DemoFiles;

before(async () => {
  gh = await startEmulator();
  workspace = mkdtempSync(join(tmpdir(), 'mlship-day-one-'));
  demo = await writeTestDemoModels(join(workspace, 'models'));
});
after(async () => {
  await gh.stop();
  rmSync(workspace, { recursive: true, force: true });
});

test('first version on an empty registry, v0.1.0 on release, compared with it from then on', async () => {
  const repo = gh.createRepo({ owner: 'octo-org', name: 'penguins' });
  const base = gh.createCommit(repo, { branch: 'main', message: 'mlship init' });
  gh.createCommit(repo, { branch: 'first-model', message: 'First model' });
  const pr = gh.createPullRequest(repo, { head: 'first-model', base: 'main', title: 'First model' });
  const prEvent = webhookEvent('pull_request', 'opened', { repo, pr });
  const validateToken = gh.createToken({
    login: BOT,
    type: 'Bot',
    permissions: { contents: 'read', checks: 'write', metadata: 'read' },
  });
  const validate = (outputDir: string) =>
    runBundledAction('validate', {
      inputs: {
        candidate: 'models/candidate.onnx',
        baseline: 'penguins@prod',
        data: 'models/holdout.csv',
        policy: 'models/policy.yml',
        'output-dir': outputDir,
      },
      event: prEvent,
      emulator: gh,
      token: validateToken,
      cwd: workspace,
      timeoutMs: 120_000,
    });

  const first = await validate('first');
  assert.equal(first.exitCode, 0, first.stderr);
  assert.equal(first.outputs.verdict, 'pass');
  const firstResult = JSON.parse(readFileSync(join(workspace, first.outputs['result-path']!), 'utf8'));
  assert.match(firstResult.firstVersion.reason, /no model 'penguins'/);
  assert.match(
    readFileSync(join(workspace, first.outputs['report-path']!), 'utf8'),
    /\*\*first version\*\*: there is no `penguins@prod` to compare with yet/,
  );

  // The release workflow: publish with the default bump, then staging and prod.
  const releaseToken = gh.createToken({
    login: BOT,
    type: 'Bot',
    permissions: { contents: 'write', checks: 'read', metadata: 'read' },
  });
  const registry = (inputs: Record<string, string>) =>
    runBundledAction('registry', {
      inputs,
      event: webhookEvent('push', '', { repo, sha: base }),
      emulator: gh,
      token: releaseToken,
      cwd: workspace,
      timeoutMs: 60_000,
    });
  const publish = await registry({
    command: 'publish',
    name: 'penguins',
    bump: 'minor',
    files: 'models/candidate.onnx',
    card: first.outputs['model-card-path']!,
  });
  assert.equal(publish.exitCode, 0, publish.stderr);
  assert.equal(publish.outputs.version, 'v0.1.0');
  for (const stage of ['staging', 'prod']) {
    const promote = await registry({ command: 'promote', name: 'penguins', version: 'v0.1.0', stage });
    assert.equal(promote.exitCode, 0, promote.stderr);
  }

  const next = await validate('next');
  assert.equal(next.exitCode, 0, next.stderr);
  const nextResult = JSON.parse(readFileSync(join(workspace, next.outputs['result-path']!), 'utf8'));
  assert.equal(nextResult.firstVersion, undefined);
  assert.equal(nextResult.baseline.version, 'penguins@v0.1.0');
  assert.ok(nextResult.gates.some((g: { kind: string }) => g.kind === 'non-inferiority'));
  assert.deepEqual(gh.violations, []);
});
