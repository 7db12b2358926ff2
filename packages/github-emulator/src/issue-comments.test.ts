import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.gh.stop();
});

test('a created comment is stored with its author and links to the PR', async () => {
  const { data } = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 'report v1',
  });
  assert.equal(data.body, 'report v1');
  assert.equal(data.user?.login, 'github-actions[bot]');
  assert.equal(data.user?.type, 'Bot');
  assert.equal(data.html_url, `${f.gh.serverUrl}/octo-org/churn-model/pull/${f.pr.number}#issuecomment-${data.id}`);
  const stored = f.gh.repo(f.repo).issueComments.find((c) => c.id === data.id);
  assert.equal(stored?.body, 'report v1');
});

test('a comment over 65,536 characters is refused like GitHub', async () => {
  const atLimit = 'é'.repeat(65_536);
  const ok = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: atLimit,
  });
  assert.equal(ok.data.body?.length, 65_536);
  await assert.rejects(
    f.octokit.rest.issues.updateComment({ owner: f.owner, repo: f.name, comment_id: ok.data.id, body: `${atLimit}x` }),
    (error: { status: number; response: { data: { errors: Array<{ message: string }> } } }) => {
      assert.equal(error.status, 422);
      assert.equal(error.response.data.errors[0]?.message, 'Body is too long (maximum is 65536 characters)');
      return true;
    },
  );
  assert.equal(f.gh.repo(f.repo).issueComments.find((c) => c.id === ok.data.id)?.body, atLimit);
});

test('update and delete change the stored comment', async () => {
  const { data } = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 'old',
  });
  const updated = await f.octokit.rest.issues.updateComment({
    owner: f.owner,
    repo: f.name,
    comment_id: data.id,
    body: 'new',
  });
  assert.equal(updated.data.body, 'new');
  const fetched = await f.octokit.rest.issues.getComment({ owner: f.owner, repo: f.name, comment_id: data.id });
  assert.equal(fetched.data.body, 'new');
  await f.octokit.rest.issues.deleteComment({ owner: f.owner, repo: f.name, comment_id: data.id });
  assert.equal(
    f.gh.repo(f.repo).issueComments.some((c) => c.id === data.id),
    false,
  );
});

test('listing paginates with Link headers like GitHub', async () => {
  const issue = f.gh.createIssue(f.repo, { title: 'busy thread' });
  for (let i = 0; i < 250; i++) f.gh.addIssueComment(f.repo, issue, { body: `comment ${i}`, user: 'alice' });
  const first = await f.octokit.rest.issues.listComments({
    owner: f.owner,
    repo: f.name,
    issue_number: issue,
    per_page: 100,
  });
  assert.equal(first.data.length, 100);
  assert.match(first.headers.link ?? '', /page=2[^>]*>; rel="next"/);
  assert.match(first.headers.link ?? '', /page=3[^>]*>; rel="last"/);
  const all = await f.octokit.paginate(f.octokit.rest.issues.listComments, {
    owner: f.owner,
    repo: f.name,
    issue_number: issue,
    per_page: 100,
  });
  assert.deepEqual(
    all.map((c) => c.body),
    Array.from({ length: 250 }, (_, i) => `comment ${i}`),
  );
  const defaultPage = await f.octokit.rest.issues.listComments({ owner: f.owner, repo: f.name, issue_number: issue });
  assert.equal(defaultPage.data.length, 30);
});

test('per_page above 100 is capped at 100', async () => {
  const issue = f.gh.createIssue(f.repo, { title: 'cap' });
  for (let i = 0; i < 120; i++) f.gh.addIssueComment(f.repo, issue, { body: `c${i}`, user: 'bob' });
  const page = await f.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: f.owner,
    repo: f.name,
    issue_number: issue,
    per_page: 500,
  });
  assert.equal(page.data.length, 100);
});

test('since filters comments updated at or after the time', async () => {
  const issue = f.gh.createIssue(f.repo, { title: 'since' });
  f.gh.addIssueComment(f.repo, issue, { body: 'a', user: 'alice' });
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const { data } = await f.octokit.rest.issues.listComments({
    owner: f.owner,
    repo: f.name,
    issue_number: issue,
    since: future,
  });
  assert.equal(data.length, 0);
});

test('pull requests can be listed by head and fetched', async () => {
  const list = await f.octokit.rest.pulls.list({
    owner: f.owner,
    repo: f.name,
    head: 'octo-org:feature/x',
    state: 'open',
  });
  assert.deepEqual(
    list.data.map((p) => p.number),
    [f.pr.number],
  );
  const none = await f.octokit.rest.pulls.list({ owner: f.owner, repo: f.name, head: 'octo-org:other' });
  assert.equal(none.data.length, 0);
  const pr = await f.octokit.rest.pulls.get({ owner: f.owner, repo: f.name, pull_number: f.pr.number });
  assert.equal(pr.data.head.sha, f.pr.headSha);
  const byCommit = await f.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: f.owner,
    repo: f.name,
    commit_sha: f.pr.headSha,
  });
  assert.deepEqual(
    byCommit.data.map((p) => p.number),
    [f.pr.number],
  );
});

test('normal traffic produces no OpenAPI violations', () => {
  assert.deepEqual(
    f.gh.violations.filter((v) => v.direction === 'response'),
    [],
  );
});
