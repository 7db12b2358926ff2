import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type GitHubEmulator, type PullRequestHandle, type RepoHandle } from '@mlship/github-emulator';
import { runDataTest } from '@mlship/data';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { runBundledAction, webhookEvent } from './harness/index.ts';

const DATA = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data');

let gh: GitHubEmulator;
let repo: RepoHandle;
let pr: PullRequestHandle;
let token: string;
before(async () => {
  gh = await startEmulator();
  repo = gh.createRepo({ owner: 'octo-org', name: 'weather-model' });
  gh.createCommit(repo, { branch: 'data/update', message: 'new data' });
  pr = gh.createPullRequest(repo, { head: 'data/update', base: 'main', title: 'Update data' });
  token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'read' },
  });
});
after(async () => {
  await gh.stop();
});

test('the bundled data-test action checks, profiles and compares data, with outputs and a job summary', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-data-action-'));
  const reference = await runDataTest({
    data: join(DATA, 'seattle-weather.csv'),
    failOn: 'never',
    outputDir: join(workspace, 'reference'),
  });
  writeFileSync(
    join(workspace, 'expectations.yml'),
    'schemaVersion: 1\ncolumns:\n  weather:\n    inSet: { values: [sun, rain, fog, drizzle, snow] }\n  wind:\n    between: { max: 8, severity: warn }\n',
  );
  const event = webhookEvent('pull_request', 'synchronize', { repo, pr });
  const run = await runBundledAction('data-test', {
    inputs: {
      data: join(DATA, 'seattle-weather.csv'),
      expectations: 'expectations.yml',
      'reference-profile': reference.profilePath,
      'fail-on': 'warn',
    },
    event,
    emulator: gh,
    token,
    cwd: workspace,
    timeoutMs: 30_000,
  });
  assert.equal(run.exitCode, 1, 'a warning fails the step at fail-on: warn');
  assert.equal(run.outputs.result, 'warn');
  assert.equal(run.outputs['report-path'], join('mlship-data', 'data-test.md'));
  assert.match(readFileSync(join(workspace, run.outputs['profile-path']!), 'utf8'), /^\{"schemaVersion":2,/);
  assert.match(run.summary, /^### ⚠️ Data tests\n/);
  assert.match(run.summary, /`wind` between/);
  assert.match(run.summary, /0 of 5 compared columns drifted/);
});

test('a bad expectations file fails the step with one annotation naming file and line', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-data-action-'));
  writeFileSync(join(workspace, 'expectations.yml'), 'schemaVersion: 1\ncolumns:\n  wind:\n    betwen: { max: 8 }\n');
  const event = webhookEvent('pull_request', 'synchronize', { repo, pr });
  const run = await runBundledAction('data-test', {
    inputs: { data: join(DATA, 'seattle-weather.csv'), expectations: 'expectations.yml' },
    event,
    emulator: gh,
    token,
    cwd: workspace,
    timeoutMs: 30_000,
  });
  assert.equal(run.exitCode, 1);
  const errors = run.annotations.filter((a) => a.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(
    errors[0]!.message,
    /expectations\.yml:4:5: columns\.wind\.betwen: unknown key 'betwen'; did you mean 'between'\?/,
  );
  assert.deepEqual([errors[0]!.file, errors[0]!.line, errors[0]!.col], ['expectations.yml', 4, 5]);
});

test('reference-profile: weather@prod compares against the profile published with the production model', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-data-action-'));
  const training = await runDataTest({
    data: join(DATA, 'seattle-weather.csv'),
    failOn: 'never',
    outputDir: join(workspace, 'training'),
  });
  writeFileSync(join(workspace, 'model.onnx'), 'model bytes');
  const writer = gh.createToken({
    login: 'release-bot',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'write' },
  });
  const registry = new RegistryService(
    new GitHubStore({
      client: createGitHubClient({ token: writer, baseUrl: gh.apiUrl, throttle: false }),
      owner: repo.owner,
      repo: repo.name,
    }),
    { actor: 'alice' },
  );
  const published = await registry.publish({
    name: 'weather',
    version: 'v1.0.0',
    commit: pr.headSha,
    files: [
      { path: join(workspace, 'model.onnx'), role: 'model' },
      { path: training.profilePath, role: 'data-profile' },
    ],
  });
  await registry.promote({ name: 'weather', version: published.version, stage: 'prod' });

  const run = await runBundledAction('data-test', {
    inputs: { data: join(DATA, 'seattle-weather.csv'), 'reference-profile': 'weather@prod' },
    event: webhookEvent('pull_request', 'synchronize', { repo, pr }),
    emulator: gh,
    token,
    cwd: workspace,
    timeoutMs: 30_000,
  });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(run.outputs.result, 'pass');
  assert.match(run.summary, /Drift against `weather@v1\.0\.0 \(weather@prod\)`/);
  assert.match(run.summary, /0 of 5 compared columns drifted/);
  assert.deepEqual(gh.violations, []);
});

test('reference-profile naming a version without a profile says what to publish', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-data-action-'));
  writeFileSync(join(workspace, 'model.onnx'), 'model bytes');
  const writer = gh.createToken({
    login: 'release-bot',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'write' },
  });
  const registry = new RegistryService(
    new GitHubStore({
      client: createGitHubClient({ token: writer, baseUrl: gh.apiUrl, throttle: false }),
      owner: repo.owner,
      repo: repo.name,
    }),
    { actor: 'alice' },
  );
  await registry.publish({
    name: 'bare',
    version: 'v1.0.0',
    commit: pr.headSha,
    files: [{ path: join(workspace, 'model.onnx'), role: 'model' }],
  });
  const run = await runBundledAction('data-test', {
    inputs: { data: join(DATA, 'seattle-weather.csv'), 'reference-profile': 'bare@v1.0.0' },
    event: webhookEvent('pull_request', 'synchronize', { repo, pr }),
    emulator: gh,
    token,
    cwd: workspace,
    timeoutMs: 30_000,
  });
  assert.equal(run.exitCode, 1);
  assert.match(run.annotations[0]!.message, /bare@v1\.0\.0 has no data-profile asset; publish the version with one/);
});
