// postReport with the real GitHub adapters against the emulator, in process:
// the request counts and the never-duplicate guarantees at the HTTP level.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createGitHubClient, openPullRequestsForHead } from '@mlship/github';
import { startEmulator, type GitHubEmulator, type PullRequestHandle, type RepoHandle } from '@mlship/github-emulator';
import { gitHubCommentStore } from './comment-store.ts';
import { postReport, type PostReportDeps } from './post-report.ts';
import { ReportKeySchema, stickyBody } from './sticky-marker.ts';
import type { TargetInput } from './target.ts';

let gh: GitHubEmulator;
let repo: RepoHandle;
let pr: PullRequestHandle;
const BOT = 'github-actions[bot]';
const WRITE = { contents: 'write', 'pull-requests': 'write', issues: 'write', metadata: 'read' } as const;

before(async () => {
  gh = await startEmulator();
});
after(async () => {
  await gh.stop();
});
let n = 0;
beforeEach(() => {
  repo = gh.createRepo({ owner: 'octo', name: `x${n++}` });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  gh.createCommit(repo, { branch: 'feature', message: 'train' });
  pr = gh.createPullRequest(repo, {
    head: 'feature',
    base: 'main',
    title: 'Train',
    body: 'Please review.',
    user: 'alice',
  });
});

function deps(
  report: string,
  options: { permissions?: Record<string, string>; eventName?: string; payload?: unknown; throttle?: boolean } = {},
): PostReportDeps & { summary: string[]; warnings: string[] } {
  const token = gh.createToken({ login: BOT, type: 'Bot', permissions: (options.permissions ?? WRITE) as never });
  // The throttling plugin (which waits out rate limits) is off unless a test needs it: its
  // one-write-per-second queue would slow every test.
  const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: options.throttle ?? false });
  const ref = { owner: repo.owner, repo: repo.name };
  const summary: string[] = [];
  const warnings: string[] = [];
  return {
    store: gitHubCommentStore(client, ref),
    lookups: { openPullRequestsForHead: (owner, branch) => openPullRequestsForHead(client, ref, owner, branch) },
    context: {
      eventName: options.eventName ?? 'workflow_dispatch',
      payload: options.payload ?? {},
      sha: pr.headSha,
      ref: 'refs/heads/feature',
      repo: ref,
      workflow: 'CI',
      job: 'eval',
    },
    readReport: async () => report,
    writeSummary: async (m) => void summary.push(m),
    runUrl: 'https://github.test/run/1',
    warn: (m) => void warnings.push(m),
    summary,
    warnings,
  };
}

const post = (target: TargetInput, d: PostReportDeps, key?: string) =>
  postReport({ reportPath: 'report.md', target, key: key === undefined ? undefined : ReportKeySchema.parse(key) }, d);
const comments = () => gh.repo(repo).issueComments.filter((c) => c.issueNumber === pr.number);

test('create, then update in place: one comment, pointer in the body, full report in the summary', async () => {
  const first = await post(`pr/${pr.number}`, deps('# v1'));
  assert.equal(first.action, 'created');
  const second = await post(`pr/${pr.number}`, deps('# v2'));
  assert.equal(second.action, 'updated');
  assert.equal(second.commentId, first.commentId);
  assert.deepEqual(
    comments().map((c) => c.body),
    [stickyBody(ReportKeySchema.parse('CI/eval'), '# v2')],
  );
  assert.match(
    gh.repo(repo).issues.get(pr.number)!.body!,
    /^Please review\.\n\n<!-- mlship:comments \{"CI\/eval":"[^"]+"\} -->$/,
  );
  assert.deepEqual(gh.violations, []);
});

test('an update costs 3 requests with 5 or 1,000 comments on the PR', async () => {
  await post(`pr/${pr.number}`, deps('# v1'));
  for (const total of [5, 1000]) {
    while (comments().length < total)
      gh.addIssueComment(repo, pr.number, { body: `review ${comments().length}`, user: 'alice' });
    gh.clearRequests();
    const result = await post(`pr/${pr.number}`, deps(`# with ${total}`));
    assert.equal(result.action, 'updated');
    assert.deepEqual(
      gh.requests.map((r) => `${r.method} ${r.operationId}`),
      ['GET issues/get', 'POST graphql', 'PATCH issues/update-comment'],
      `${total} comments`,
    );
  }
});

test('without the pointer the scan follows every page and repairs the pointer', async () => {
  await post(`pr/${pr.number}`, deps('# v1'));
  for (let i = 0; i < 250; i++) gh.addIssueComment(repo, pr.number, { body: `review ${i}`, user: 'alice' });
  gh.repo(repo).issues.get(pr.number)!.body = 'A human rewrote the description.';
  const result = await post(`pr/${pr.number}`, deps('# v2'));
  assert.equal(result.action, 'updated');
  assert.equal(comments().filter((c) => c.user.login === BOT).length, 1);
  assert.match(
    gh.repo(repo).issues.get(pr.number)!.body!,
    /^A human rewrote the description\.\n\n<!-- mlship:comments/,
  );
});

test('our comment after 250 others (page 3 of the listing), pointer removed: the next post finds and updates it, no duplicate', async () => {
  for (let i = 0; i < 250; i++) gh.addIssueComment(repo, pr.number, { body: `review ${i}`, user: 'alice' });
  const first = await post(`pr/${pr.number}`, deps('# v1'));
  assert.equal(first.action, 'created');
  assert.equal(
    comments().findIndex((c) => String(c.id) === first.commentId),
    250,
  );
  gh.repo(repo).issues.get(pr.number)!.body = 'Please review.';
  gh.clearRequests();
  const second = await post(`pr/${pr.number}`, deps('# v2'));
  assert.equal(second.action, 'updated');
  assert.equal(second.commentId, first.commentId);
  assert.equal(comments().length, 251);
  assert.equal(comments().filter((c) => c.user.login === BOT).length, 1);
  assert.deepEqual(
    gh.requests
      .filter((r) => r.operationId === 'issues/list-comments')
      .map((r) => new URLSearchParams(r.query).get('page') ?? '1'),
    ['1', '2', '3'],
    'every page is read',
  );
  // The pointer is repaired: the run after that goes straight to the comment.
  gh.clearRequests();
  await post(`pr/${pr.number}`, deps('# v3'));
  assert.deepEqual(
    gh.requests.map((r) => `${r.method} ${r.operationId}`),
    ['GET issues/get', 'POST graphql', 'PATCH issues/update-comment'],
  );
  assert.deepEqual(gh.violations, []);
});

test("another identity's comment with our marker is left alone", async () => {
  gh.addIssueComment(repo, pr.number, {
    body: stickyBody(ReportKeySchema.parse('CI/eval'), 'forged'),
    user: 'mallory',
  });
  await post(`pr/${pr.number}`, deps('# mine'));
  assert.deepEqual(
    comments().map((c) => `${c.user.login}: ${c.body.split('\n')[1]}`),
    ['mallory: forged', `${BOT}: # mine`],
  );
});

test('a dropped create response does not duplicate the comment', async () => {
  gh.inject({ method: 'POST', path: `/repos/${repo.fullName}/issues/${pr.number}/comments`, fault: { drop: 'after' } });
  gh.clearRequests();
  const result = await post(`pr/${pr.number}`, deps('# once'));
  assert.equal(result.action, 'created');
  assert.equal(comments().length, 1);
  assert.deepEqual(
    gh.requests.filter((r) => r.fault).map((r) => `${r.method} ${r.fault}`),
    ['POST drop after'],
  );
});

test('5xx and rate limits on every kind of request: still exactly one comment', async () => {
  const base = `/repos/${repo.fullName}/issues/${pr.number}`;
  gh.inject({ method: 'GET', path: base, fault: { status: 502 } });
  gh.inject({ method: 'POST', path: `${base}/comments`, fault: { status: 500 } });
  gh.inject({ method: 'POST', path: `${base}/comments`, fault: { rateLimit: 'secondary', retryAfterSeconds: 1 } });
  gh.clearRequests();
  await post(`pr/${pr.number}`, deps('# v1', { throttle: true }));
  gh.inject({ method: 'POST', path: '/graphql', fault: { status: 503 } });
  gh.inject({ method: 'PATCH', path: /\/issues\/comments\//, fault: { drop: 'after' } });
  await post(`pr/${pr.number}`, deps('# v2', { throttle: true }));
  assert.deepEqual(
    comments().map((c) => c.body.split('\n')[1]),
    ['# v2'],
  );
  assert.ok(
    gh.requests.filter((r) => r.fault).length >= 5,
    gh.requests.map((r) => `${r.method} ${r.path} ${r.fault ?? ''}`).join('\n'),
  );
  assert.deepEqual(gh.violations, []);
});

test('push: the open PR of the branch, else a commit comment', async () => {
  const push = { eventName: 'push', payload: { ref: 'refs/heads/feature', after: pr.headSha } };
  const result = await post('auto', deps('# pushed', push));
  assert.deepEqual(result.target, { kind: 'issue', number: pr.number });
  const main = gh.repo(repo).refs.get('refs/heads/main')!.sha;
  const toMain = { eventName: 'push', payload: { ref: 'refs/heads/main', after: main } };
  const first = await post('auto', deps('# on main', toMain));
  const second = await post('auto', deps('# on main, again', toMain));
  assert.deepEqual(second.target, { kind: 'commit', sha: main });
  assert.equal(second.commentId, first.commentId);
  assert.deepEqual(
    gh.repo(repo).commitComments.map((c) => [c.commitId, c.body.split('\n')[1]]),
    [[main, '# on main, again']],
  );
});

test('missing permission: one actionable error, nothing written', async () => {
  await assert.rejects(
    post(`pr/${pr.number}`, deps('# no', { permissions: { 'pull-requests': 'read', metadata: 'read' } })),
    {
      name: 'GitHubRequestError',
      message: `could not post the report comment on ${repo.fullName}#${pr.number}: GitHub refused it (403: Resource not accessible by integration); add \`permissions: pull-requests: write\` to the job`,
    },
  );
  assert.equal(comments().length, 0);
});

test("a fork pull request's read-only token: the error says no permission helps and how to post from workflow_run", async () => {
  const d = { ...deps('# no', { permissions: { 'pull-requests': 'read', metadata: 'read' } }), fromFork: true };
  await assert.rejects(post(`pr/${pr.number}`, d), {
    name: 'GitHubRequestError',
    message: `could not post the report comment on ${repo.fullName}#${pr.number}: GitHub refused it (403: Resource not accessible by integration); this pull request comes from a fork, whose token is read-only whatever the workflow asks; post the report from a workflow_run workflow (see docs/report.md, 'Fork pull requests')`,
  });
  assert.equal(comments().length, 0);
});

test('an absent PR is one actionable error', async () => {
  await assert.rejects(post('pr/999', deps('# none')), {
    name: 'GitHubRequestError',
    message:
      /^could not read the description of octo\/x\d+#999: GitHub answered 404 \(Not Found\); GitHub has no pull request or issue there that this token can see \(target 'pr\/999'\); check the number or SHA, or use target: auto$/,
  });
});

test('an over-long report is cut in the comment and whole in the summary', async () => {
  const report = `# Big\n\n${'| row | 0.123 |\n'.repeat(6000)}`;
  const d = deps(report);
  const result = await post(`pr/${pr.number}`, d);
  assert.equal(result.truncated, true);
  const body = comments()[0]!.body;
  assert.ok(body.length <= 65_536);
  assert.match(body, /the full report is in the \[job summary\]\(https:\/\/github\.test\/run\/1\)/);
  assert.equal(d.summary[0], report);
});

test('a pointer copied from a same-numbered PR of another repository is not followed', async () => {
  const upstream = repo;
  await post(`pr/${pr.number}`, deps('# upstream'));
  const upstreamBody = gh.repo(upstream).issues.get(pr.number)!.body!;
  // A downstream repository's PR with the same number, its description copied from upstream's.
  repo = gh.createRepo({ owner: 'octo', name: `x${n++}` });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  gh.createCommit(repo, { branch: 'feature', message: 'train' });
  pr = gh.createPullRequest(repo, {
    head: 'feature',
    base: 'main',
    title: 'Backport',
    body: upstreamBody,
    user: 'alice',
  });
  const result = await post(`pr/${pr.number}`, deps('# downstream'));
  assert.equal(result.action, 'created');
  assert.deepEqual(
    comments().map((c) => c.body.split('\n')[1]),
    ['# downstream'],
  );
  assert.deepEqual(
    gh.repo(upstream).issueComments.map((c) => c.body.split('\n')[1]),
    ['# upstream'],
  );
  assert.deepEqual(gh.violations, []);
});

test('missing permission on an issue event: the error asks for issues: write', async () => {
  const issue = gh.createIssue(repo, { title: 'Weekly drift', body: 'Drift report.', user: 'alice' });
  const payload = { action: 'opened', issue: { number: issue, body: 'Drift report.' } };
  await assert.rejects(
    post('auto', deps('# drift', { eventName: 'issues', payload, permissions: { issues: 'read', metadata: 'read' } })),
    {
      name: 'GitHubRequestError',
      message:
        /^could not post the report comment on octo\/x\d+#\d+: GitHub refused it \(403: [^)]+\); add `permissions: issues: write` to the job$/,
    },
  );
});

test('a description too full for the pointer: the comment is posted, and the warning says why the pointer was not saved', async () => {
  gh.repo(repo).issues.get(pr.number)!.body = 'x'.repeat(65_500);
  const d = deps('# full');
  const result = await post(`pr/${pr.number}`, d);
  assert.equal(result.action, 'created');
  assert.equal(d.warnings.length, 1);
  assert.doesNotMatch(d.warnings[0]!, /has no pull request or issue there/);
  assert.match(d.warnings[0]!, /too long/);
});

test('runs of one key that all create at the same instant end with one comment, which the pointer names', async () => {
  // In process the four runs move in lockstep: each scans before any creates, and reads the
  // description before any writes its pointer, so every run creates its own comment.
  const results = await Promise.all([0, 1, 2, 3].map((i) => post(`pr/${pr.number}`, deps(`# run ${i}`))));
  assert.equal(comments().length, 1, `${comments().length} comments`);
  const survivor = comments()[0]!;
  assert.ok(
    results.every((r) => r.commentId === String(survivor.id)),
    'every run reports the surviving comment',
  );
  const pointer = /"CI\/eval":"([^"]+)"/.exec(gh.repo(repo).issues.get(pr.number)!.body!)?.[1];
  const next = await post(`pr/${pr.number}`, deps('# next'));
  assert.equal(next.commentId, String(survivor.id));
  assert.equal(next.action, 'updated');
  assert.ok(pointer, 'the description holds a pointer');
  assert.deepEqual(gh.violations, []);
});
