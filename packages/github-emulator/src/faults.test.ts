// Each fault kind observed through the project's real octokit client
// (retry + throttling plugins), as the actions will meet them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGitHubClient } from '@mlship/github';
import { startFixture, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.gh.stop();
});

function commentsOn(issue: number): number {
  return f.gh.repo(f.repo).issueComments.filter((c) => c.issueNumber === issue).length;
}

// The retry plugin waits whole seconds between attempts; independent faults run side by side.
describe('faults', { concurrency: true }, () => {
  test('5xx answers are retried by the retry plugin', async () => {
    const statuses = [500, 502, 503] as const;
    await Promise.all(
      statuses.map(async (status) => {
        const issue = f.gh.createIssue(f.repo, { title: `flaky ${status}` });
        f.gh.inject({
          method: 'POST',
          path: `/repos/octo-org/churn-model/issues/${issue}/comments`,
          fault: { status },
        });
        const created = await f.octokit.rest.issues.createComment({
          owner: f.owner,
          repo: f.name,
          issue_number: issue,
          body: 'x',
        });
        assert.equal(created.status, 201);
        const attempts = f.gh.requests.filter((r) => r.path.endsWith(`/issues/${issue}/comments`));
        assert.deepEqual(
          attempts.map((r) => r.status),
          [status, 201],
        );
        assert.equal(attempts[0]?.fault, `status ${status}`);
        assert.equal(commentsOn(issue), 1);
      }),
    );
  });

  test('a dropped connection before processing changes nothing and is retried', async () => {
    const issue = f.gh.createIssue(f.repo, { title: 'drop before' });
    f.gh.inject({
      method: 'POST',
      path: `/repos/octo-org/churn-model/issues/${issue}/comments`,
      fault: { drop: 'before' },
    });
    await f.octokit.rest.issues.createComment({ owner: f.owner, repo: f.name, issue_number: issue, body: 'once' });
    assert.equal(commentsOn(issue), 1);
  });

  test('a dropped connection after processing duplicates a naive retry', async () => {
    const issue = f.gh.createIssue(f.repo, { title: 'drop after' });
    f.gh.inject({ method: 'POST', path: new RegExp(`/issues/${issue}/comments$`), fault: { drop: 'after' } });
    await f.octokit.rest.issues.createComment({ owner: f.owner, repo: f.name, issue_number: issue, body: 'report' });
    // The first attempt was stored although the client never saw the answer.
    assert.equal(commentsOn(issue), 2);
    const logged = f.gh.requests.filter((r) => r.path.endsWith(`/issues/${issue}/comments`));
    assert.equal(logged[0]?.fault, 'drop after');
    assert.equal(logged[0]?.status, 201);
  });

  test('a dropped connection without retries surfaces as an error', async () => {
    const noRetry = createGitHubClient({ token: f.token, baseUrl: f.gh.apiUrl, throttle: false });
    f.gh.inject({ method: 'GET', path: `/repos/${f.owner}/${f.name}/pulls/${f.pr.number}`, fault: { drop: 'before' } });
    await assert.rejects(
      noRetry.rest.pulls.get({ owner: f.owner, repo: f.name, pull_number: f.pr.number, request: { retries: 0 } }),
    );
  });

  test('a primary rate limit answers 403 with x-ratelimit-remaining 0; the throttling plugin waits and retries', async () => {
    const throttled = createGitHubClient({ token: f.token, baseUrl: f.gh.apiUrl, throttle: true });
    f.gh.inject({ method: 'GET', path: `/repos/${f.owner}/${f.name}`, fault: { rateLimit: 'primary' } });
    const response = await throttled.rest.repos.get({ owner: f.owner, repo: f.name });
    assert.equal(response.status, 200);
    const attempts = f.gh.requests
      .filter((r) => r.operationId === 'repos/get' || r.fault === 'rate limit primary')
      .slice(-2);
    assert.deepEqual(
      attempts.map((r) => r.status),
      [403, 200],
    );
  });

  test('a secondary rate limit answers 403 with retry-after; the throttling plugin honours it', async () => {
    const throttled = createGitHubClient({ token: f.token, baseUrl: f.gh.apiUrl, throttle: true });
    const issue = f.gh.createIssue(f.repo, { title: 'secondary' });
    const path = `/repos/${f.owner}/${f.name}/issues/${issue}/comments`;
    f.gh.inject({ method: 'POST', path, fault: { rateLimit: 'secondary', retryAfterSeconds: 1 } });
    const seen: string[] = [];
    const raw = await fetch(`${f.gh.apiUrl}/repos/${f.owner}/${f.name}/issues/${issue}/comments`, {
      method: 'POST',
      headers: { authorization: `token ${f.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'raw' }),
    });
    seen.push(String(raw.status), raw.headers.get('retry-after') ?? '');
    assert.deepEqual(seen, ['403', '1']);
    assert.match(((await raw.json()) as { message: string }).message, /secondary rate limit/);
    f.gh.inject({ method: 'POST', path, fault: { rateLimit: 'secondary', retryAfterSeconds: 1 } });
    const created = await throttled.rest.issues.createComment({
      owner: f.owner,
      repo: f.name,
      issue_number: issue,
      body: 'after waiting',
    });
    assert.equal(created.status, 201);
    assert.equal(commentsOn(issue), 1);
  });

  test('a delay fault still answers and is logged', async () => {
    f.gh.inject({ path: `/repos/${f.owner}/${f.name}/issues/${f.pr.number}`, fault: { delayMs: 50 } });
    const response = await f.octokit.rest.issues.get({ owner: f.owner, repo: f.name, issue_number: f.pr.number });
    assert.equal(response.status, 200);
    assert.equal(f.gh.requests.find((r) => r.operationId === 'issues/get')?.fault, 'delay 50 ms');
  });

  test('a fault applies `times` times and then stops', async () => {
    const path = `/repos/${f.owner}/${f.name}/git/ref/heads/main`;
    f.gh.inject({ method: 'GET', path, times: 2, fault: { status: 503 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${f.gh.apiUrl}${path}`, { headers: { authorization: `token ${f.token}` } });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [503, 503, 200]);
  });
});
