import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type GitHubEmulator, type PullRequestHandle, type RepoHandle } from '@mlship/github-emulator';
import { runActionDir, runBundledAction, webhookEvent, inputEnvName, parseKeyValueFile } from './index.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'echo-action');

let gh: GitHubEmulator;
let repo: RepoHandle;
let pr: PullRequestHandle;
let token: string;
before(async () => {
  gh = await startEmulator();
  repo = gh.createRepo({ owner: 'octo-org', name: 'churn-model' });
  gh.createCommit(repo, { branch: 'feature/x', message: 'change' });
  pr = gh.createPullRequest(repo, { head: 'feature/x', base: 'main', title: 'Change' });
  token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'read' },
  });
});
after(async () => {
  await gh.stop();
});

test('runs the fixture action and parses outputs, summary, env, state and annotations', async () => {
  const event = webhookEvent('pull_request', 'opened', { repo, pr });
  const r = await runActionDir(FIXTURE, {
    inputs: { message: 'hello' },
    event,
    emulator: gh,
    token,
    timeoutMs: 20_000,
  });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.outputs['echoed'], 'hello');
  assert.equal(r.outputs['report'], 'line one\nline two');
  assert.equal(r.outputs['pr-number'], String(pr.number));
  // The default `${{ github.token }}` reached the action and GITHUB_API_URL points at the emulator.
  assert.equal(r.outputs['repo-status'], '200:octo-org/churn-model');
  assert.equal(r.outputs['head-ref'], 'feature/x');
  assert.equal(r.summary, '## Summary\n\nhello\n');
  assert.deepEqual(r.env, { FROM_ACTION: 'yes' });
  assert.deepEqual(r.state, { saved: '42' });
  assert.deepEqual(r.annotations, [
    {
      level: 'warning',
      message: 'column age drifted\nby 0.3',
      file: 'data/train.csv',
      line: 3,
      col: 7,
      title: 'Drift',
    },
    { level: 'notice', message: 'all good, 100%' },
    { level: 'notice', message: 'post saw 42' },
  ]);
  assert.equal(gh.requests.at(-1)?.login, 'github-actions[bot]');
});

test('a failing action reports its exit code and error annotation', async () => {
  const event = webhookEvent('push', '', { repo, sha: pr.baseSha });
  const r = await runActionDir(FIXTURE, {
    inputs: { message: 'x', mode: 'fail' },
    event,
    emulator: gh,
    token,
    timeoutMs: 20_000,
  });
  assert.equal(r.exitCode, 1);
  assert.deepEqual(
    r.annotations.filter((a) => a.level === 'error'),
    [{ level: 'error', message: 'auc 0.81 is below 0.84', file: 'metrics.json', line: 1 }],
  );
});

test("a step summary over 1 MiB is dropped with the runner's error", async () => {
  const event = webhookEvent('push', '', { repo, sha: pr.baseSha });
  const r = await runActionDir(FIXTURE, {
    inputs: { message: 'x', mode: 'big-summary' },
    event,
    emulator: gh,
    token,
    timeoutMs: 20_000,
  });
  assert.equal(r.exitCode, 0);
  assert.equal(r.summary, '');
  assert.ok(
    r.annotations.some(
      (a) => a.level === 'error' && /upload aborted, supports content up to a size of 1024k, got 1025k/.test(a.message),
    ),
  );
});

test('an action that does not finish is killed at the timeout', async () => {
  const event = webhookEvent('push', '', { repo, sha: pr.baseSha });
  await assert.rejects(
    runActionDir(FIXTURE, { inputs: { message: 'x', mode: 'hang' }, event, emulator: gh, token, timeoutMs: 500 }),
    /timed out after 500 ms/,
  );
});

test('a bundled action without its dist file is refused with the fix', async () => {
  const event = webhookEvent('push', '', { repo, sha: pr.baseSha });
  await assert.rejects(
    runBundledAction('no-such-action', { event, emulator: gh, token }),
    /actions\/no-such-action\/dist\/index.js is missing: run npm run build/,
  );
});

test('pull_request events are rewritten to the emulator repository and PR', () => {
  const event = webhookEvent('pull_request', 'synchronize', { repo, pr });
  const payload = event.payload as {
    number: number;
    repository: { full_name: string; owner: { login: string } };
    pull_request: { head: { sha: string; ref: string }; base: { ref: string } };
  };
  assert.equal(payload.number, pr.number);
  assert.equal(payload.repository.full_name, 'octo-org/churn-model');
  assert.equal(payload.repository.owner.login, 'octo-org');
  assert.equal(payload.pull_request.head.sha, pr.headSha);
  assert.equal(payload.pull_request.base.ref, 'main');
  assert.equal(event.ref, `refs/pull/${pr.number}/merge`);
  assert.equal(event.headRef, 'feature/x');
});

test('workflow_run events name the PR run, and fork PRs have no pull_requests like on GitHub', () => {
  const event = webhookEvent('workflow_run', 'completed', { repo, pr });
  assert.equal(event.sha, pr.baseSha);
  const same = event.payload['workflow_run'] as {
    head_sha: string;
    head_branch: string;
    pull_requests: Array<{ number: number }>;
    repository: { full_name: string };
  };
  assert.equal(same.head_sha, pr.headSha);
  assert.equal(same.head_branch, 'feature/x');
  assert.deepEqual(
    same.pull_requests.map((p) => p.number),
    [pr.number],
  );
  assert.equal(same.repository.full_name, 'octo-org/churn-model');
  const fork = webhookEvent('workflow_run', 'completed', { repo, pr, forkOwner: 'mallory' }).payload[
    'workflow_run'
  ] as {
    pull_requests: unknown[];
    head_repository: { full_name: string };
  };
  assert.deepEqual(fork.pull_requests, []);
  assert.equal(fork.head_repository.full_name, 'mallory/churn-model');
});

test('input names become INPUT_ variables like the runner makes them', () => {
  assert.equal(inputEnvName('report-path'), 'INPUT_REPORT-PATH');
  assert.equal(inputEnvName('my input'), 'INPUT_MY_INPUT');
});

test('file commands: heredoc values may contain "=" and an unterminated heredoc fails', () => {
  assert.deepEqual(parseKeyValueFile('a=b=c\nm<<EOF\nx=1\n\ny\nEOF\n'), { a: 'b=c', m: 'x=1\n\ny' });
  assert.throws(() => parseKeyValueFile('m<<EOF\nx\n'), /no closing delimiter/);
});
