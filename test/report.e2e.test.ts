// The bundled report action (actions/report/dist/index.js) run as the runner
// runs it, against the GitHub emulator: every behaviour the action promises,
// seen from outside (outputs, summary, annotations, the emulator's state and
// request log).
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startEmulator,
  type GitHubEmulator,
  type PullRequestHandle,
  type RepoHandle,
  type TokenPermissions,
} from '@mlship/github-emulator';
import { runBundledAction, webhookEvent, type WebhookEvent } from './harness/index.ts';

const BOT = 'github-actions[bot]';
const JOB_TOKEN: TokenPermissions = { contents: 'read', 'pull-requests': 'write', issues: 'write', metadata: 'read' };
const MARKER = '<!-- mlship:report key="CI/test" -->';

let gh: GitHubEmulator;
let repo: RepoHandle;
let pr: PullRequestHandle;
let workspace: string;
let serial = 0;

before(async () => {
  gh = await startEmulator();
});
after(async () => {
  await gh.stop();
});
beforeEach(() => {
  repo = gh.createRepo({ owner: 'octo-org', name: `churn-${serial++}` });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  gh.createCommit(repo, { branch: 'feature/x', message: 'Train with more data' });
  pr = gh.createPullRequest(repo, {
    head: 'feature/x',
    base: 'main',
    title: 'More data',
    body: 'Adds March data.',
    user: 'alice',
  });
  workspace = mkdtempSync(join(tmpdir(), 'mlship-report-e2e-'));
});
afterEach(() => {
  assert.deepEqual(gh.violations, [], 'every request and response matched the OpenAPI description');
});

async function run(
  report: string,
  options: { event?: WebhookEvent; inputs?: Record<string, string>; permissions?: TokenPermissions } = {},
) {
  writeFileSync(join(workspace, 'report.md'), report);
  const token = gh.createToken({ login: BOT, type: 'Bot', permissions: options.permissions ?? JOB_TOKEN });
  return runBundledAction('report', {
    inputs: { report: 'report.md', ...options.inputs },
    event: options.event ?? webhookEvent('pull_request', 'synchronize', { repo, pr }),
    emulator: gh,
    token,
    cwd: workspace,
    timeoutMs: 60_000,
  });
}

const prComments = () => gh.repo(repo).issueComments.filter((c) => c.issueNumber === pr.number);
const requestsLog = () => gh.requests.map((r) => `${r.method} ${r.operationId}${r.fault ? ` [${r.fault}]` : ''}`);

test('creates the comment on the PR of a pull_request event, with outputs and the job summary', async () => {
  const r = await run('## Accuracy\n\n| slice | accuracy |\n| - | - |\n| all | 0.91 |\n');
  assert.equal(r.exitCode, 0, r.stderr);
  const [comment] = prComments();
  assert.equal(prComments().length, 1);
  assert.equal(comment!.body, `${MARKER}\n## Accuracy\n\n| slice | accuracy |\n| - | - |\n| all | 0.91 |\n`);
  assert.equal(comment!.user.login, BOT);
  assert.equal(r.outputs['comment-id'], String(comment!.id));
  assert.match(
    r.outputs['comment-url']!,
    new RegExp(`/${repo.fullName}/pull/${pr.number}#issuecomment-${comment!.id}$`),
  );
  assert.equal(r.outputs['truncated'], 'false');
  assert.match(r.summary, /\| all \| 0\.91 \|/);
  assert.deepEqual(r.annotations, []);
});

test('updates in place: same comment, new body, the human description kept', async () => {
  const first = await run('# v1\n');
  const second = await run('# v2\n');
  assert.equal(second.exitCode, 0, second.stderr);
  assert.equal(second.outputs['comment-id'], first.outputs['comment-id']);
  assert.deepEqual(
    prComments().map((c) => c.body),
    [`${MARKER}\n# v2\n`],
  );
  assert.match(
    gh.repo(repo).issues.get(pr.number)!.body!,
    /^Adds March data\.\n\n<!-- mlship:comments \{"CI\/test":"IC_[^"]+"\} -->$/,
  );
});

test("a comment id past 2^32, as github.com's are past 2^31: posted, then found through the pointer and updated", async () => {
  const first = await run('# v1\n');
  assert.equal(first.exitCode, 0, first.stderr);
  const id = first.outputs['comment-id']!;
  assert.ok(BigInt(id) > 2n ** 32n, `comment id ${id}`);
  assert.equal(id, String(prComments()[0]!.id), 'the output carries the exact id');
  gh.clearRequests();
  const second = await run('# v2\n');
  assert.equal(second.exitCode, 0, second.stderr);
  assert.equal(second.outputs['comment-id'], id);
  // Found through the pointer: GraphQL's 32-bit databaseId would answer null and an
  // error here, so the lookup reads fullDatabaseId; a failed lookup would scan or post anew.
  assert.deepEqual(requestsLog(), ['GET issues/get', 'POST graphql', 'PATCH issues/update-comment']);
  assert.deepEqual(
    prComments().map((c) => [String(c.id), c.body]),
    [[id, `${MARKER}\n# v2\n`]],
  );
});

test('one update costs the same 3 requests with 5 or 1,000 comments on the PR', async () => {
  await run('# first\n');
  for (const total of [5, 1000]) {
    while (prComments().length < total)
      gh.addIssueComment(repo, pr.number, { body: `LGTM ${prComments().length}`, user: 'alice' });
    gh.clearRequests();
    const r = await run(`# update with ${total} comments\n`);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(
      requestsLog(),
      ['GET issues/get', 'POST graphql', 'PATCH issues/update-comment'],
      `${total} comments`,
    );
    assert.equal(prComments().filter((c) => c.user.login === BOT).length, 1);
  }
});

test('separate keys keep separate comments (one per model in a monorepo)', async () => {
  await run('# model a\n', { inputs: { key: 'models/a' } });
  await run('# model a-2\n', { inputs: { key: 'models/a-2' } });
  await run('# model a, again\n', { inputs: { key: 'models/a' } });
  assert.deepEqual(
    prComments().map((c) => c.body.split('\n')[1]),
    ['# model a, again', '# model a-2'],
  );
});

test("a report whose data carries another key's marker is never overwritten by that key's report", async () => {
  const forged = '<!-- mlship:report key="churn" -->';
  await run(`## Slices\n\n| city | accuracy |\n| - | - |\n| ${forged} | 0.91 |\n`, { inputs: { key: 'eval' } });
  const evalComment = prComments()[0]!.body;
  // Without the pointer the churn run scans every comment, the forged one included.
  gh.repo(repo).issues.get(pr.number)!.body = 'Adds March data.';
  const churn = await run('# churn report\n', { inputs: { key: 'churn' } });
  assert.equal(churn.exitCode, 0, churn.stderr);
  assert.deepEqual(
    prComments().map((c) => c.body),
    [evalComment, `${forged}\n# churn report\n`],
  );
});

test('an over-long report is cut at a clean boundary; the summary has all of it', async () => {
  const rows = Array.from({ length: 4000 }, (_, i) => `| slice-${i} | 0.${String(i).padStart(4, '0')} |`).join('\n');
  const report = `# Slices\n\n| slice | accuracy |\n| - | - |\n${rows}\n`;
  const r = await run(report);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.outputs['truncated'], 'true');
  const body = prComments()[0]!.body;
  assert.ok(body.length <= 65_536, `${body.length}`);
  assert.ok(body.length > 60_000, 'most of the limit is used');
  assert.match(
    body,
    /\| slice-\d+ \| 0\.\d{4} \|\n\n> \[!NOTE\]\n> This report was cut to fit GitHub's comment limit; the full report is in the \[job summary\]\(http[^)]+\/actions\/runs\/1658821493\)\.\n$/,
  );
  assert.ok(r.summary.includes(`| slice-3999 | 0.3999 |`));
});

test('push: the open PR of the pushed branch, else a commit comment on the pushed commit', async () => {
  const toFeature = webhookEvent('push', '', { repo, sha: pr.headSha, ref: 'refs/heads/feature/x' });
  const onPr = await run('# pushed\n', { event: toFeature });
  assert.equal(onPr.exitCode, 0, onPr.stderr);
  assert.equal(prComments().length, 1);

  const main = gh.repo(repo).refs.get('refs/heads/main')!.sha;
  const toMain = webhookEvent('push', '', { repo, sha: main, ref: 'refs/heads/main' });
  const first = await run('# main\n', { event: toMain, permissions: { ...JOB_TOKEN, contents: 'write' } });
  const second = await run('# main again\n', { event: toMain, permissions: { ...JOB_TOKEN, contents: 'write' } });
  assert.equal(second.exitCode, 0, second.stderr);
  assert.equal(second.outputs['comment-id'], first.outputs['comment-id']);
  assert.deepEqual(
    gh.repo(repo).commitComments.map((c) => [c.commitId, c.body]),
    [[main, `${MARKER}\n# main again\n`]],
  );
});

test('issue target', async () => {
  const issue = gh.createIssue(repo, { title: 'Weekly drift report' });
  const r = await run('# drift\n', {
    inputs: { target: `issue/${issue}` },
    permissions: { issues: 'write', metadata: 'read' },
  });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.deepEqual(
    gh
      .repo(repo)
      .issueComments.filter((c) => c.issueNumber === issue)
      .map((c) => c.body),
    [`${MARKER}\n# drift\n`],
  );
});

test('workflow_run from a fork PR (empty pull_requests): the PR is found by its head', async () => {
  const event = webhookEvent('workflow_run', 'completed', { repo, sha: pr.headSha });
  const run_ = event.payload['workflow_run'] as Record<string, unknown>;
  Object.assign(run_, {
    head_sha: pr.headSha,
    head_branch: pr.head,
    pull_requests: [],
    head_repository: { owner: { login: repo.owner } },
  });
  const r = await run('# from the fork pattern\n', { event });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(prComments().length, 1);
});

test('missing permission: one clear annotation, exit 1, nothing written', async () => {
  const r = await run('# nope\n', { permissions: { contents: 'read', 'pull-requests': 'read', metadata: 'read' } });
  assert.equal(r.exitCode, 1);
  assert.deepEqual(
    r.annotations.map((a) => [a.level, a.message]),
    [
      [
        'error',
        `could not post the report comment on ${repo.fullName}#${pr.number}: GitHub refused it (403: Resource not accessible by integration); add \`permissions: pull-requests: write\` to the job`,
      ],
    ],
  );
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(prComments().length, 0);
});

test('an absent PR and a missing report file are one line each', async () => {
  const absent = await run('# x\n', { inputs: { target: 'pr/999' } });
  assert.equal(absent.exitCode, 1);
  assert.match(
    absent.annotations[0]!.message,
    /^could not read the description of octo-org\/churn-\d+#999: GitHub answered 404 \(Not Found\); GitHub has no pull request or issue there that this token can see \(target 'pr\/999'\)/,
  );
  const missing = await run('# x\n', { inputs: { report: 'out/report.md' } });
  assert.equal(missing.exitCode, 1);
  assert.equal(
    missing.annotations[0]!.message,
    "report: the report file 'out/report.md' does not exist; write it before this step or fix the path (input 'report')",
  );
});

test('5xx, rate limits and a dropped create response: exactly one comment at the end', async () => {
  const comments = `/repos/${repo.fullName}/issues/${pr.number}/comments`;
  gh.inject({ method: 'GET', path: `/repos/${repo.fullName}/issues/${pr.number}`, fault: { status: 502 } });
  gh.inject({ method: 'POST', path: comments, fault: { rateLimit: 'secondary', retryAfterSeconds: 1 } });
  gh.inject({ method: 'POST', path: comments, fault: { drop: 'after' } });
  gh.clearRequests();
  const first = await run('# v1\n');
  assert.equal(first.exitCode, 0, first.stderr);
  assert.equal(prComments().length, 1);
  assert.ok(requestsLog().includes('POST issues/create-comment [drop after]'), requestsLog().join('\n'));

  gh.inject({ method: 'POST', path: comments, fault: { status: 500 }, times: 5 });
  gh.inject({ method: 'POST', path: '/graphql', fault: { status: 503 } });
  gh.inject({ method: 'PATCH', path: /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/, fault: { drop: 'after' } });
  gh.inject({
    method: 'PATCH',
    path: /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/,
    fault: { rateLimit: 'primary' },
  });
  const second = await run('# v2\n');
  assert.equal(second.exitCode, 0, second.stderr);
  assert.deepEqual(
    prComments().map((c) => c.body),
    [`${MARKER}\n# v2\n`],
  );
});

test('a create that keeps failing ends in one error and no duplicate', async () => {
  const comments = `/repos/${repo.fullName}/issues/${pr.number}/comments`;
  gh.inject({ method: 'POST', path: comments, fault: { drop: 'before' }, times: 10 });
  gh.clearRequests();
  const r = await run('# v1\n');
  assert.equal(r.exitCode, 1);
  assert.equal(prComments().length, 0);
  assert.equal(gh.requests.filter((q) => q.method === 'POST' && q.path === comments).length, 3, 'creates are bounded');
  assert.equal(r.annotations.length, 1);
  assert.match(
    r.annotations[0]!.message,
    new RegExp(
      `^could not post the report comment on ${repo.fullName}#${pr.number}: the connection to 127\\.0\\.0\\.1:\\d+ closed before GitHub answered POST /repos/${repo.fullName}/issues/${pr.number}/comments \\(UND_ERR_SOCKET: other side closed\\); re-run the job$`,
    ),
  );
});

test('GitHub Enterprise Server: the same run against a GHES 3.17 API description', async () => {
  const ghes = await startEmulator({ spec: 'ghes-3.17' });
  try {
    const r0 = ghes.createRepo({ owner: 'corp', name: 'model' });
    ghes.createCommit(r0, { branch: 'main', message: 'init' });
    ghes.createCommit(r0, { branch: 'feature', message: 'train' });
    const p0 = ghes.createPullRequest(r0, { head: 'feature', base: 'main', title: 'Train', user: 'alice' });
    writeFileSync(join(workspace, 'report.md'), '# on GHES\n');
    const token = ghes.createToken({ login: BOT, type: 'Bot', permissions: JOB_TOKEN });
    const options = {
      inputs: { report: 'report.md' },
      event: webhookEvent('pull_request', 'opened', { repo: r0, pr: p0 }),
      emulator: ghes,
      token,
      cwd: workspace,
    };
    assert.equal((await runBundledAction('report', options)).exitCode, 0);
    writeFileSync(join(workspace, 'report.md'), '# on GHES, updated\n');
    const r = await runBundledAction('report', options);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(
      ghes.repo(r0).issueComments.map((c) => c.body),
      [`${MARKER}\n# on GHES, updated\n`],
    );
    assert.deepEqual(ghes.violations, []);
  } finally {
    await ghes.stop();
  }
});
