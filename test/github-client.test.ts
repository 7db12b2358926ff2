// The one GitHub client every adapter gets: how it behaves when GitHub rate-limits it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';

const gh = await startEmulator();
after(() => gh.stop());
const repo = gh.createRepo({ owner: 'octo-org', name: 'limits' });
const token = gh.createToken({ login: 'alice', permissions: { metadata: 'read', contents: 'read' } });

test('a rate limit that lifts soon is waited out and the request succeeds', async () => {
  const client = createGitHubClient({ token, baseUrl: gh.apiUrl });
  gh.inject({
    method: 'GET',
    path: `/repos/${repo.fullName}`,
    times: 1,
    fault: { rateLimit: 'secondary', retryAfterSeconds: 1 },
  });
  const response = await client.rest.repos.get({ owner: repo.owner, repo: repo.name });
  assert.equal(response.status, 200);
});

test('a rate limit that lifts only after the longest wait fails at once instead of idling the job', async () => {
  const client = createGitHubClient({ token, baseUrl: gh.apiUrl, maxRateLimitWaitSeconds: 60 });
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
});
