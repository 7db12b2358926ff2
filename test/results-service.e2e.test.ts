// The unmodified @actions/artifact and @actions/cache clients, run in an action
// through the runner harness, against the emulated Actions results service:
// artifacts passed between the jobs of a run, caches restored across branches,
// and the failures the service and its blob storage produce in real runs.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type GitHubEmulator, type PullRequestHandle, type RepoHandle } from '@mlship/github-emulator';
import { startResultsService, type ResultsService } from '@mlship/results-emulator';
import { runActionDir, webhookEvent, type ActionRunResult, type RunActionOptions } from './harness/index.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'harness', 'fixtures', 'results-action');

let gh: GitHubEmulator;
let rs: ResultsService;
let repo: RepoHandle;
let pr: PullRequestHandle;
let token: string;
const workspaces: string[] = [];

before(async () => {
  gh = await startEmulator();
  rs = await startResultsService();
  repo = gh.createRepo({ owner: 'octo-org', name: 'churn-model', defaultBranch: 'main' });
  gh.createCommit(repo, { branch: 'feature/x', message: 'Train longer' });
  pr = gh.createPullRequest(repo, { head: 'feature/x', base: 'main', title: 'Train longer' });
  token = gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { metadata: 'read' } });
});
after(async () => {
  await rs.stop();
  await gh.stop();
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  rs.clearFaults();
  rs.clearRequests();
});

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-results-ws-'));
  workspaces.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function runJob(
  job: string,
  inputs: Record<string, string>,
  options: Partial<RunActionOptions> & { cwd: string },
): Promise<ActionRunResult> {
  return runActionDir(FIXTURE, {
    inputs,
    event: webhookEvent('pull_request', 'opened', { repo, pr }),
    emulator: gh,
    results: rs,
    token,
    job,
    timeoutMs: 60_000,
    ...options,
  });
}

test('an artifact uploaded by one job is downloaded by another job of the run, byte for byte', async () => {
  const model = 'weights '.repeat(50_000);
  const train = await runJob(
    'train',
    { 'upload-name': 'candidate-model', 'upload-path': 'out/model.onnx\nout/metrics.json' },
    { cwd: workspace({ 'out/model.onnx': model, 'out/metrics.json': '{"auc":0.91}' }) },
  );
  assert.equal(train.exitCode, 0, train.stdout + train.stderr);
  const id = BigInt(train.outputs['artifact-id'] ?? '0');
  assert.ok(id > 2n ** 32n, `artifact id ${id} is in github.com's range, past 2^32`);

  const validateDir = workspace();
  const validate = await runJob(
    'validate',
    { 'download-name': 'candidate-model', 'download-path': 'in' },
    { cwd: validateDir },
  );
  assert.equal(validate.exitCode, 0, validate.stdout + validate.stderr);
  assert.equal(validate.outputs['downloaded-digest-mismatch'], 'false');
  assert.equal(readFileSync(join(validateDir, 'in', 'out', 'model.onnx'), 'utf8'), model);
  assert.equal(readFileSync(join(validateDir, 'in', 'out', 'metrics.json'), 'utf8'), '{"auc":0.91}');
  assert.deepEqual(
    rs.requests.map((r) => `${r.service} ${r.operation} ${r.status}`),
    [
      'ArtifactService CreateArtifact 200',
      'ArtifactService PutBlock 201',
      'ArtifactService PutBlockList 201',
      'ArtifactService FinalizeArtifact 200',
      'ArtifactService ListArtifacts 200',
      'ArtifactService ListArtifacts 200',
      'ArtifactService GetSignedArtifactURL 200',
      'ArtifactService GetBlob 200',
    ],
  );
  const [created, , , , listed] = rs.requests;
  assert.notEqual(created?.jobBackendId, listed?.jobBackendId, 'the two jobs hold different runtime tokens');
  assert.deepEqual(rs.violations, []);
});

test('a pull request restores the default branch cache through its restore keys; its own save stays in its scope', async () => {
  const pushEvent = webhookEvent('push', '', { repo, sha: pr.baseSha });
  const onMain = await runJob(
    'train',
    { 'cache-path': 'ckpt', 'save-key': 'ckpt-main-1' },
    { cwd: workspace({ 'ckpt/step-100.pt': 'main weights' }), event: pushEvent },
  );
  assert.equal(onMain.exitCode, 0, onMain.stdout);
  assert.match(onMain.outputs['cache-id'] ?? '', /^\d{10,}$/);

  const prDir = workspace();
  const onPr = await runJob(
    'train',
    { 'cache-path': 'ckpt', 'restore-key': 'ckpt-pr-1', 'restore-keys': 'ckpt-', 'save-key': 'ckpt-pr-1' },
    { cwd: prDir },
  );
  assert.equal(onPr.exitCode, 0, onPr.stdout);
  assert.equal(onPr.outputs['cache-matched-key'], 'ckpt-main-1');
  assert.equal(readFileSync(join(prDir, 'ckpt', 'step-100.pt'), 'utf8'), 'main weights');
  assert.deepEqual(
    rs.cacheEntries(repo.fullName).map((e) => [e.key, e.scope, e.state]),
    [
      ['ckpt-main-1', 'refs/heads/main', 'committed'],
      ['ckpt-pr-1', `refs/pull/${pr.number}/merge`, 'committed'],
    ],
  );

  // The default branch cannot read what the pull request wrote.
  const back = await runJob(
    'train',
    { 'cache-path': 'ckpt', 'restore-key': 'ckpt-pr-1' },
    { cwd: workspace(), event: pushEvent },
  );
  assert.equal(back.exitCode, 0, back.stdout);
  assert.equal(back.outputs['cache-matched-key'], '');
  assert.deepEqual(rs.violations, []);
});

test('cache keys are immutable: a key another job is still uploading, or has saved, is refused', async () => {
  // The first job's upload URL is already expired: its reservation stays open, as
  // for a job still uploading (or killed mid-upload).
  rs.inject({ service: 'CacheService', operation: 'CreateCacheEntry', fault: { signedUrl: 'expired' } });
  const first = await runJob(
    'shard-1',
    { 'cache-path': 'ckpt', 'save-key': 'ckpt-race' },
    { cwd: workspace({ 'ckpt/a': '1' }) },
  );
  assert.equal(first.exitCode, 0, first.stdout);
  assert.equal(first.outputs['cache-id'], '-1');
  assert.ok(first.annotations.some((a) => a.level === 'warning' && /Failed to save/.test(a.message)));
  assert.ok(
    rs.requests.some((r) => r.operation === 'PutBlob' && r.status === 403 && r.error === 'AuthenticationFailed'),
  );

  const second = await runJob(
    'shard-2',
    { 'cache-path': 'ckpt', 'save-key': 'ckpt-race' },
    { cwd: workspace({ 'ckpt/a': '2' }) },
  );
  assert.equal(second.exitCode, 0, second.stdout);
  assert.equal(second.outputs['cache-id'], '-1');
  assert.match(
    second.stdout,
    /Failed to save: Unable to reserve cache with key ckpt-race, another job may be creating this cache/,
  );
  assert.match(second.stdout, /\(409\) Conflict: cache entry with the same key, version, and scope already exists/);

  const saved = await runJob(
    'shard-3',
    { 'cache-path': 'ckpt', 'save-key': 'ckpt-done' },
    { cwd: workspace({ 'ckpt/a': '3' }) },
  );
  assert.match(saved.outputs['cache-id'] ?? '', /^\d+$/);
  const again = await runJob(
    'shard-4',
    { 'cache-path': 'ckpt', 'save-key': 'ckpt-done' },
    { cwd: workspace({ 'ckpt/a': '4' }) },
  );
  assert.equal(again.outputs['cache-id'], '-1');
  assert.deepEqual(
    rs.requests.filter((r) => r.operation === 'CreateCacheEntry').map((r) => r.status),
    [200, 409, 200, 409],
  );
});

test('a 5xx on FinalizeArtifact is retried by the client and the upload completes', async () => {
  rs.inject({ service: 'ArtifactService', operation: 'FinalizeArtifact', fault: { status: 503 } });
  const r = await runJob(
    'train',
    { 'upload-name': 'retried', 'upload-path': 'out/model.onnx' },
    { cwd: workspace({ 'out/model.onnx': 'onnx' }) },
  );
  assert.equal(r.exitCode, 0, r.stdout);
  assert.match(
    r.stdout,
    /Attempt 1 of 5 failed with error: Failed request: \(503\) Service Unavailable: service unavailable/,
  );
  assert.deepEqual(
    rs.requests.filter((q) => q.operation === 'FinalizeArtifact').map((q) => `${q.status} ${q.fault ?? ''}`),
    ['503 status 503', '200 '],
  );
});

test('an expired signed upload URL fails the upload with Azure AuthenticationFailed', async () => {
  rs.inject({ service: 'ArtifactService', operation: 'CreateArtifact', fault: { signedUrl: 'expired' } });
  const r = await runJob(
    'train',
    { 'upload-name': 'too-late', 'upload-path': 'out/model.onnx' },
    { cwd: workspace({ 'out/model.onnx': 'onnx' }) },
  );
  assert.equal(r.exitCode, 1);
  assert.ok(
    r.annotations.some((a) => a.level === 'error' && /Server failed to authenticate the request/.test(a.message)),
  );
  assert.deepEqual(
    rs.requests.map((q) => `${q.operation} ${q.status} ${q.error ?? ''}`),
    ['CreateArtifact 200 ', 'PutBlock 403 AuthenticationFailed'],
  );
});

test('a dropped connection to the service fails the upload with the client network error', async () => {
  rs.inject({ service: 'ArtifactService', operation: 'CreateArtifact', fault: { drop: 'before' } });
  const r = await runJob(
    'train',
    { 'upload-name': 'dropped', 'upload-path': 'out/model.onnx' },
    { cwd: workspace({ 'out/model.onnx': 'onnx' }) },
  );
  assert.equal(r.exitCode, 1);
  assert.ok(r.annotations.some((a) => a.level === 'error' && /Unable to make request: ECONNRESET/.test(a.message)));
});

test('a cache miss, an expired download URL and a slow blob: restore reports what happened and the job goes on', async () => {
  const pushEvent = webhookEvent('push', '', { repo, sha: pr.baseSha });
  const saved = await runJob(
    'train',
    { 'cache-path': 'ckpt', 'save-key': 'ckpt-faults' },
    { cwd: workspace({ 'ckpt/w': 'x'.repeat(20_000) }), event: pushEvent },
  );
  assert.match(saved.outputs['cache-id'] ?? '', /^\d+$/);

  rs.inject({ service: 'CacheService', operation: 'GetCacheEntryDownloadURL', fault: { cacheMiss: true } });
  const missed = await runJob('train', { 'cache-path': 'ckpt', 'restore-key': 'ckpt-faults' }, { cwd: workspace() });
  assert.equal(missed.exitCode, 0);
  assert.equal(missed.outputs['cache-matched-key'], '');

  rs.inject({ service: 'CacheService', operation: 'GetCacheEntryDownloadURL', fault: { signedUrl: 'expired' } });
  const expired = await runJob('train', { 'cache-path': 'ckpt', 'restore-key': 'ckpt-faults' }, { cwd: workspace() });
  assert.equal(expired.exitCode, 0);
  assert.equal(expired.outputs['cache-matched-key'], '');
  assert.ok(expired.annotations.some((a) => a.level === 'warning' && /Failed to restore/.test(a.message)));

  rs.inject({ service: 'CacheService', operation: 'GetBlob', fault: { bytesPerSecond: 200_000 } });
  const slowDir = workspace();
  const slow = await runJob('train', { 'cache-path': 'ckpt', 'restore-key': 'ckpt-faults' }, { cwd: slowDir });
  assert.equal(slow.outputs['cache-matched-key'], 'ckpt-faults');
  assert.equal(readFileSync(join(slowDir, 'ckpt', 'w'), 'utf8'), 'x'.repeat(20_000));
  assert.ok(rs.requests.some((q) => q.operation === 'GetBlob' && q.fault === '200000 bytes/s'));
});

test('an expired runtime token is refused: the restore warns with the 401 and the job goes on', async () => {
  const job = {
    repository: repo.fullName,
    runId: '1658821493',
    job: 'late',
    ref: `refs/pull/${pr.number}/merge`,
    defaultBranch: 'main',
  };
  const shortLived = rs.createRuntimeToken({ ...job, expiresInSeconds: 60 });
  rs.advanceClock(2 * 60 * 1000);
  const r = await runJob(
    'late',
    { 'cache-path': 'ckpt', 'restore-key': 'ckpt-main-1' },
    { cwd: workspace(), env: { ACTIONS_RUNTIME_TOKEN: shortLived } },
  );
  assert.equal(r.exitCode, 0);
  assert.equal(r.outputs['cache-matched-key'], '');
  assert.ok(
    r.annotations.some((a) => a.level === 'warning' && /\(401\) Unauthorized: the token expired at/.test(a.message)),
    JSON.stringify(r.annotations),
  );
});

test('on a GHES server URL the clients refuse artifacts and fall back to the legacy cache service', async () => {
  const r = await runJob(
    'train',
    { 'cache-path': 'ckpt', 'restore-key': 'ckpt-main-1', 'upload-name': 'ghes', 'upload-path': 'out/m' },
    { cwd: workspace({ 'out/m': 'm' }), asGhes: true },
  );
  assert.equal(r.exitCode, 1);
  assert.ok(r.annotations.some((a) => a.level === 'error' && /not currently supported on GHES/.test(a.message)));
  assert.ok(r.annotations.some((a) => a.level === 'warning' && /Cache service responded with 422/.test(a.message)));
  assert.deepEqual(
    rs.requests.map((q) => `${q.service} ${q.status}`),
    ['LegacyCacheService 422'],
  );
  assert.equal(rs.violations.length, 1);
  rs.clearViolations();
});
