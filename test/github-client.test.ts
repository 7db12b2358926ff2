// The one GitHub client every adapter gets: how it behaves when GitHub rate-limits it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient, GitHubRequestError } from '@mlship/github';

const gh = await startEmulator();
after(() => gh.stop());
const repo = gh.createRepo({ owner: 'octo-org', name: 'limits' });
const token = gh.createToken({ login: 'alice', permissions: { metadata: 'read', contents: 'read' } });

test('a rate limit that lifts soon is waited out, the wait said in the log, and the request succeeds', async () => {
  const log: string[] = [];
  const client = createGitHubClient({ token, baseUrl: gh.apiUrl, log: (line) => log.push(line) });
  gh.inject({
    method: 'GET',
    path: `/repos/${repo.fullName}`,
    times: 1,
    fault: { rateLimit: 'secondary', retryAfterSeconds: 1 },
  });
  const response = await client.rest.repos.get({ owner: repo.owner, repo: repo.name });
  assert.equal(response.status, 200);
  assert.deepEqual(log, [
    `GitHub's secondary rate limit stopped GET /repos/${repo.fullName}; waiting 1 s before trying again (wait 1 of 2)`,
  ]);
});

test('a rate limit that lifts only after the longest wait fails at once instead of idling the job', async () => {
  const log: string[] = [];
  const client = createGitHubClient({
    token,
    baseUrl: gh.apiUrl,
    maxRateLimitWaitSeconds: 60,
    log: (line) => log.push(line),
  });
  gh.inject({
    method: 'GET',
    path: `/repos/${repo.fullName}`,
    times: 1,
    fault: { rateLimit: 'secondary', retryAfterSeconds: 3600 },
  });
  const started = Date.now();
  await assert.rejects(
    client.rest.repos.get({ owner: repo.owner, repo: repo.name }),
    (e: { status?: number }) => e.status === 403 || e.status === 429,
  );
  assert.ok(Date.now() - started < 30_000, 'it did not wait for the limit to lift');
  assert.deepEqual(log, [
    `GitHub's secondary rate limit stopped GET /repos/${repo.fullName}; it lifts in 3600 s, later than the 60 s a step waits, so the step fails now`,
  ]);
});

test('a primary limit spent after every wait: each wait is said, then the failure names the limit, not a permission', async () => {
  const log: string[] = [];
  const client = createGitHubClient({ token, baseUrl: gh.apiUrl, rateLimitRetries: 1, log: (line) => log.push(line) });
  gh.inject({ method: 'GET', path: `/repos/${repo.fullName}`, times: 2, fault: { rateLimit: 'primary' } });
  await assert.rejects(
    client.rest.repos.get({ owner: repo.owner, repo: repo.name }),
    (e: unknown) =>
      e instanceof GitHubRequestError &&
      e.kind === 'rate-limited' &&
      /^could not GET \/repos\/octo-org\/limits: the token's rate limit is used up until \d\d:\d\d:\d\d UTC/.test(
        e.message,
      ),
  );
  assert.equal(log.length, 2);
  assert.match(
    log[0]!,
    new RegExp(
      `^GitHub's primary \\(hourly\\) rate limit stopped GET /repos/${repo.fullName}; waiting \\d+ s before trying again \\(wait 1 of 1\\)$`,
    ),
  );
  assert.equal(
    log[1],
    `GitHub's primary (hourly) rate limit stopped GET /repos/${repo.fullName} again after 1 wait; giving up`,
  );
});
