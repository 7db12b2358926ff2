// The entry path of the bundled actions, run as the runner runs them: the
// runner context read once (a missing or broken event payload fails, naming
// GITHUB_EVENT_PATH), the one GitHub client (rate-limit waits said in the log)
// and the one error mapper (every failed request, REST or GraphQL, listing or
// upload, ends in one actionable line and never in an internal error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RepoHandle } from '@mlship/github-emulator';
import { ModelRepos, runBundledAction, webhookEvent, type ActionRunResult } from './harness/index.ts';

const repos = await ModelRepos.start('entry');
const gh = repos.gh;

function setUp() {
  const r = repos.create({
    message: 'init',
    permissions: { contents: 'write', 'pull-requests': 'write', issues: 'write', metadata: 'read' },
  });
  gh.createCommit(r.repo, { branch: 'feature', message: 'train' });
  const pr = gh.createPullRequest(r.repo, { head: 'feature', base: 'main', title: 'Train', user: 'alice' });
  writeFileSync(join(r.workspace, 'report.md'), '# Accuracy\n\n0.91\n');
  return { ...r, pr };
}

function report(s: ReturnType<typeof setUp>, env: Record<string, string> = {}) {
  return runBundledAction('report', {
    inputs: { report: 'report.md' },
    event: webhookEvent('pull_request', 'synchronize', { repo: s.repo, pr: s.pr }),
    emulator: gh,
    token: s.token,
    cwd: s.workspace,
    env,
    timeoutMs: 60_000,
  });
}

function registry(s: ReturnType<typeof setUp>, inputs: Record<string, string>) {
  return repos.registry(s, inputs, { timeoutMs: 90_000 });
}

/** Failed with exactly one error annotation, and no stack or internal error anywhere. */
function oneError(r: ActionRunResult): string {
  assert.equal(r.exitCode, 1, r.stdout + r.stderr);
  const errors = r.annotations.filter((a) => a.level === 'error');
  assert.equal(errors.length, 1, JSON.stringify(r.annotations));
  assert.doesNotMatch(r.stdout + r.stderr, /internal error|\n\s+at /, 'no internal error, no stack');
  return errors[0]!.message;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const anyComment = (repo: RepoHandle) => gh.repo(repo).issueComments.length + gh.repo(repo).commitComments.length;

test('report: a missing event payload fails naming GITHUB_EVENT_PATH, and posts nowhere', async () => {
  const s = setUp();
  const missing = join(s.workspace, 'no-event.json');
  const r = await report(s, { GITHUB_EVENT_PATH: missing });
  assert.equal(
    oneError(r),
    `GITHUB_EVENT_PATH '${missing}' cannot be read (ENOENT); it must name the webhook payload file the runner writes for the job`,
  );
  assert.equal(anyComment(s.repo), 0, 'no commit comment instead');
  assert.deepEqual(
    gh.requests.filter((q) => q.path.includes(s.repo.name)),
    [],
    'no request at all',
  );
});

test('report: a payload that is not JSON fails naming GITHUB_EVENT_PATH, and posts nowhere', async () => {
  const s = setUp();
  const broken = join(s.workspace, 'event.json');
  writeFileSync(broken, '{"pull_request": {"number": ');
  const r = await report(s, { GITHUB_EVENT_PATH: broken });
  assert.match(oneError(r), new RegExp(`^GITHUB_EVENT_PATH '${broken}' is not JSON \\(`));
  assert.equal(anyComment(s.repo), 0);
});

test('report: an unreachable API host is named with its URL, not reported as an HTTP 500', async () => {
  const s = setUp();
  const port = await closedPort();
  const apiUrl = `http://127.0.0.1:${port}/api/v3`;
  const r = await report(s, { GITHUB_API_URL: apiUrl, GITHUB_GRAPHQL_URL: `http://127.0.0.1:${port}/api/graphql` });
  assert.equal(
    oneError(r),
    `could not read the description of ${s.repo.fullName}#${s.pr.number}: the GitHub API host 127.0.0.1:${port} is unreachable (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}) at ${apiUrl}/repos/${s.repo.fullName}/issues/${s.pr.number}; check the API URL (GITHUB_API_URL) and the network, then re-run the job`,
  );
});

test('report: a rate-limit wait says in the log which request, how long and which limit', async () => {
  const s = setUp();
  const comments = `/repos/${s.repo.fullName}/issues/${s.pr.number}/comments`;
  gh.inject({ method: 'POST', path: comments, times: 1, fault: { rateLimit: 'secondary', retryAfterSeconds: 1 } });
  const r = await report(s);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(
      `GitHub's secondary rate limit stopped POST ${comments}; waiting 1 s before trying again \\(wait 1 of 2\\)`,
    ),
  );
  assert.equal(gh.repo(s.repo).issueComments.length, 1);
});

test('report: a rate limit that outlasts the waits fails saying when to re-run, not which permission to add', async () => {
  const s = setUp();
  const comments = `/repos/${s.repo.fullName}/issues/${s.pr.number}/comments`;
  gh.inject({ method: 'POST', path: comments, times: 1, fault: { rateLimit: 'secondary', retryAfterSeconds: 3600 } });
  const r = await report(s);
  const message = oneError(r);
  assert.equal(
    message,
    `could not post the report comment on ${s.repo.fullName}#${s.pr.number}: GitHub's secondary rate limit refused POST ${comments} (retry after 3600 s); re-run the job in a few minutes, with fewer jobs calling GitHub at once`,
  );
  assert.match(r.stdout, /it lifts in 3600 s, later than the 300 s a step waits, so the step fails now/);
  assert.equal(gh.repo(s.repo).issueComments.length, 0);
});

test('registry: the draft search failing through every retry is one line, not an internal error', async () => {
  const s = setUp();
  gh.inject({ method: 'GET', path: `/repos/${s.repo.fullName}/releases`, times: 20, fault: { drop: 'before' } });
  const r = await registry(s, { command: 'publish', name: 'churn', version: 'v1.0.0', files: 'model.onnx' });
  assert.match(
    oneError(r),
    new RegExp(
      `^could not search the draft releases in ${s.repo.fullName}: the connection to 127\\.0\\.0\\.1:\\d+ closed before GitHub answered GET /repos/${s.repo.fullName}/releases\\?per_page=30 \\(UND_ERR_SOCKET: other side closed, 4 tries\\); re-run the job \\(the registry is left consistent\\)$`,
    ),
  );
  assert.equal(gh.repo(s.repo).releases.filter((x) => !x.draft).length, 0, 'nothing published');
});

test('registry: a GraphQL connection that keeps closing is one line, not an internal error', async () => {
  const s = setUp();
  const published = await registry(s, { command: 'publish', name: 'churn', version: 'v1.0.0', files: 'model.onnx' });
  assert.equal(published.exitCode, 0, published.stderr);
  gh.inject({ method: 'POST', path: '/graphql', times: 20, fault: { drop: 'before' } });
  const r = await registry(s, { command: 'resolve', name: 'churn', version: 'v1.0.0' });
  assert.match(
    oneError(r),
    /^could not read tag churn@v1\.0\.0 in octo-org\/entry-\d+: the connection to 127\.0\.0\.1:\d+ closed before GitHub answered POST \/api\/graphql \(UND_ERR_SOCKET: other side closed, 4 tries\); re-run the job \(the registry is left consistent\)$/,
  );
});

test('registry: a spent rate limit is not answered with a permission to add', async () => {
  const s = setUp();
  gh.inject({ method: 'GET', path: /\/git\/ref\//, times: 10, fault: { rateLimit: 'primary' } });
  const r = await registry(s, { command: 'resolve', name: 'churn', stage: 'prod' });
  const message = oneError(r);
  assert.match(
    message,
    /: the token's rate limit is used up until \d\d:\d\d:\d\d UTC \(GET \/repos\/octo-org\/entry-\d+\/git\/ref\//,
  );
  assert.doesNotMatch(message, /permissions/);
  assert.match(
    r.stdout,
    /GitHub's primary \(hourly\) rate limit stopped GET \/repos\/[^;]+; waiting \d+ s before trying again/,
  );
});
