// The one GitHub error mapper, fed what octokit really throws: the client is
// built with an injected transport (octokit's way) that answers each status
// class or fails as Node's fetch fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GitHubAccessError } from '@mlship/errors';
import { createGitHubClient, type GitHubClient } from './client.ts';
import { gitHubError, GitHubRequestError, withGitHubErrors, type GitHubErrorHints } from './github-errors.ts';

const API = 'https://ghe.example/api/v3';
const REPO = { owner: 'octo', repo: 'models' };

function clientAnswering(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): { client: GitHubClient; calls: () => number } {
  let calls = 0;
  const client = createGitHubClient({
    token: 't',
    baseUrl: API,
    throttle: false,
    tokenSource: 'GITHUB_TOKEN',
    fetch: async () => {
      calls++;
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', ...headers },
      });
    },
  });
  return { client, calls: () => calls };
}

/** A client whose transport fails as undici does: TypeError('fetch failed') caused by a coded error. */
function clientFailing(code: string, message: string): { client: GitHubClient; calls: () => number } {
  let calls = 0;
  const client = createGitHubClient({
    token: 't',
    baseUrl: API,
    throttle: false,
    fetch: async () => {
      calls++;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
    },
  });
  return { client, calls: () => calls };
}

const hints: GitHubErrorHints = {
  doing: 'publish churn@v1.2.0 in octo/models',
  permission: 'contents: write',
  rerun: ' (the registry is left consistent)',
};

/** The mapped error of one GET with retries off (each status class once). */
async function failureOf(client: GitHubClient, retries = 0): Promise<GitHubRequestError> {
  try {
    await withGitHubErrors(hints, () =>
      client.request('GET /repos/{owner}/{repo}/releases', { ...REPO, request: { retries } }),
    );
  } catch (error) {
    assert.ok(error instanceof GitHubRequestError, `mapped: ${String(error)}`);
    assert.ok(error instanceof GitHubAccessError, 'a user error: one line, no stack');
    assert.doesNotMatch(error.message, /\n/, 'one line');
    return error;
  }
  assert.fail('the request failed');
}

test('401: the token is refused, and the message says where the token came from', async () => {
  const e = await failureOf(clientAnswering(401, { message: 'Bad credentials' }).client);
  assert.equal(e.kind, 'bad-credentials');
  assert.equal(e.status, 401);
  assert.equal(
    e.message,
    'could not publish churn@v1.2.0 in octo/models: GitHub refused the token (401: Bad credentials); pass a valid token in GITHUB_TOKEN',
  );
});

test('403 without a rate limit: the permission the step needs', async () => {
  const { client } = clientAnswering(403, {
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest/releases/releases#list-releases',
  });
  const e = await failureOf(client);
  assert.equal(e.kind, 'forbidden');
  assert.equal(
    e.message,
    'could not publish churn@v1.2.0 in octo/models: GitHub refused it (403: Resource not accessible by integration); add `permissions: contents: write` to the job',
  );
  const without = gitHubError(e.cause, { doing: 'list releases' }) as Error;
  assert.match(without.message, /; give the token access to it$/);
  const fork = gitHubError(e.cause, { ...hints, forbidden: 'a fork cannot write; use workflow_run' }) as Error;
  assert.match(fork.message, /\(403: Resource not accessible by integration\); a fork cannot write; use workflow_run$/);
});

test('403 from the primary rate limit: when it resets, and never a permission to add', async () => {
  const reset = Date.UTC(2030, 5, 1, 14, 5, 9) / 1000;
  const { client, calls } = clientAnswering(
    403,
    { message: 'API rate limit exceeded for installation ID 42.' },
    { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-limit': '1000' },
  );
  const e = await failureOf(client);
  assert.equal(calls(), 1);
  assert.equal(e.kind, 'rate-limited');
  assert.deepEqual(e.failure.rateLimit, {
    limit: 'primary',
    resetAt: '2030-06-01T14:05:09.000Z',
    retryAfterSeconds: undefined,
  });
  assert.equal(
    e.message,
    "could not publish churn@v1.2.0 in octo/models: the token's rate limit is used up until 14:05:09 UTC (GET /repos/octo/models/releases); re-run the job after it resets",
  );
  assert.doesNotMatch(e.message, /permissions/);
});

test('403 and 429 from the secondary rate limit: wait and run fewer jobs at once', async () => {
  const secondary = await failureOf(
    clientAnswering(
      403,
      { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      { 'retry-after': '60' },
    ).client,
  );
  assert.equal(secondary.kind, 'rate-limited');
  assert.equal(
    secondary.message,
    "could not publish churn@v1.2.0 in octo/models: GitHub's secondary rate limit refused GET /repos/octo/models/releases (retry after 60 s); re-run the job in a few minutes, with fewer jobs calling GitHub at once",
  );
  const tooMany = await failureOf(clientAnswering(429, { message: 'Too Many Requests' }).client);
  assert.equal(tooMany.kind, 'rate-limited');
  assert.equal(tooMany.failure.rateLimit?.limit, 'secondary');
  assert.doesNotMatch(tooMany.message, /permissions/);
});

test('404 and 410: what a missing object means here', async () => {
  const missing = await failureOf(clientAnswering(404, { message: 'Not Found' }).client);
  assert.equal(missing.kind, 'not-found');
  assert.equal(
    missing.message,
    'could not publish churn@v1.2.0 in octo/models: GitHub answered 404 (Not Found); check the repository name and that the token can see it',
  );
  const here = gitHubError(missing.cause, { ...hints, notFound: 'no PR #9 in octo/models' }) as Error;
  assert.match(here.message, /GitHub answered 404 \(Not Found\); no PR #9 in octo\/models$/);
  const gone = await failureOf(clientAnswering(410, { message: 'Issues are disabled for this repo' }).client);
  assert.equal(gone.kind, 'not-found');
});

test("400, 409 and 422: the request was refused, with GitHub's reason", async () => {
  for (const [status, message] of [
    [400, 'Problems parsing JSON'],
    [409, 'Git Repository is empty.'],
    [422, 'Validation Failed'],
  ] as const) {
    const e = await failureOf(clientAnswering(status, { message }).client);
    assert.equal(e.kind, 'rejected', String(status));
    assert.equal(
      e.message,
      `could not publish churn@v1.2.0 in octo/models: GitHub refused GET /repos/octo/models/releases (${status}: ${message})`,
    );
  }
});

test('5xx: GitHub kept failing, after how many tries, and re-running is safe', async () => {
  for (const status of [500, 502, 503]) {
    const e = await failureOf(clientAnswering(status, { message: 'Server Error' }).client);
    assert.equal(e.kind, 'server-error');
    assert.equal(e.transient, true);
  }
  const { client, calls } = clientAnswering(502, { message: 'Bad Gateway' });
  const retried = await failureOf(client, 1);
  assert.equal(calls(), 2, 'the retry plugin tried again');
  assert.equal(
    retried.message,
    'could not publish churn@v1.2.0 in octo/models: GitHub kept failing on GET /repos/octo/models/releases (502: Bad Gateway, 2 tries); re-run the job (the registry is left consistent)',
  );
});

test('an unreachable host is named with its URL, fails at once, and is not an HTTP 500', async () => {
  const { client, calls } = clientFailing('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.9:443');
  // Retries on: a refused connection is still final.
  const e = await failureOf(client, 3);
  assert.equal(calls(), 1);
  assert.equal(e.kind, 'unreachable');
  assert.equal(e.status, undefined);
  assert.equal(
    e.message,
    'could not publish churn@v1.2.0 in octo/models: the GitHub API host ghe.example is unreachable (ECONNREFUSED: connect ECONNREFUSED 10.0.0.9:443) at https://ghe.example/api/v3/repos/octo/models/releases; check the API URL (GITHUB_API_URL) and the network, then re-run the job (the registry is left consistent)',
  );
  assert.doesNotMatch(e.message, /500/);
  const dns = await failureOf(clientFailing('ENOTFOUND', 'getaddrinfo ENOTFOUND ghe.example').client);
  assert.equal(dns.kind, 'unreachable');
});

test("a port fetch never connects to (the Fetch standard's bad ports) is unreachable at once, not a network failure retried", async () => {
  const client = createGitHubClient({ token: 't', baseUrl: 'http://127.0.0.1:9/api/v3', throttle: false });
  let e: unknown;
  try {
    await client.rest.repos.listReleases({ owner: 'octo', repo: 'models' });
  } catch (error) {
    e = gitHubError(error, hints);
  }
  assert.ok(e instanceof GitHubRequestError);
  assert.equal(e.kind, 'unreachable');
  assert.equal(
    e.message,
    'could not publish churn@v1.2.0 in octo/models: the GitHub API host 127.0.0.1:9 is unreachable (fetch never connects to this port) at http://127.0.0.1:9/api/v3/repos/octo/models/releases; check the API URL (GITHUB_API_URL) and the network, then re-run the job (the registry is left consistent)',
  );
});

test('a connection closed or timed out before the answer: say so, and that a re-run is safe', async () => {
  const closed = await failureOf(clientFailing('UND_ERR_SOCKET', 'other side closed').client);
  assert.equal(closed.kind, 'connection-closed');
  assert.equal(closed.transient, true);
  assert.equal(
    closed.message,
    'could not publish churn@v1.2.0 in octo/models: the connection to ghe.example closed before GitHub answered GET /repos/octo/models/releases (UND_ERR_SOCKET: other side closed); re-run the job (the registry is left consistent)',
  );
  const reset = await failureOf(clientFailing('ECONNRESET', 'read ECONNRESET').client);
  assert.equal(reset.kind, 'connection-closed');
  const slow = await failureOf(clientFailing('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error').client);
  assert.equal(slow.kind, 'timeout');
  assert.match(slow.message, /: ghe\.example did not answer GET \/repos\/octo\/models\/releases in time/);
});

test('GraphQL answers with errors: forbidden, not found, rate limited, or the error itself', async () => {
  const answer = (type: string, message: string) =>
    clientAnswering(200, { data: null, errors: [{ type, message, path: ['repository'] }] }).client;
  const cases = [
    ['FORBIDDEN', 'Resource not accessible by integration', 'forbidden'],
    ['NOT_FOUND', "Could not resolve to a Repository with the name 'octo/gone'.", 'not-found'],
    ['RATE_LIMITED', 'API rate limit exceeded', 'rate-limited'],
    ['undefinedField', "Field 'fullDatabaseId' doesn't exist on type 'IssueComment'", 'graphql'],
  ] as const;
  for (const [type, message, kind] of cases) {
    let mapped: unknown;
    try {
      await answer(type, message).graphql('query { viewer { login } }');
    } catch (error) {
      mapped = gitHubError(error, hints);
    }
    assert.ok(mapped instanceof GitHubRequestError, type);
    assert.equal(mapped.kind, kind, type);
    assert.doesNotMatch(mapped.message, /\n/);
  }
});

test('what is not a failed GitHub request is left alone: a missing file, a bug', async () => {
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'model.onnx'"), { code: 'ENOENT' });
  assert.equal(gitHubError(enoent, hints), enoent);
  const bug = new TypeError("Cannot read properties of undefined (reading 'sha')");
  assert.equal(gitHubError(bug, hints), bug);
});

test('an inner adapter’s description wins over an outer one', async () => {
  const inner = await failureOf(clientAnswering(404, { message: 'Not Found' }).client);
  const outer = gitHubError(inner, { doing: 'do something vaguer' });
  assert.equal(outer, inner);
});

test('a long or multi-line GitHub message stays one short line; docs links are dropped', async () => {
  const e = await failureOf(
    clientAnswering(422, {
      message: `Validation Failed\n${'x'.repeat(500)}`,
      documentation_url: 'https://docs.github.com/rest',
    }).client,
  );
  assert.doesNotMatch(e.message, /\n|docs\.github\.com/);
  assert.ok(e.message.length < 450, `${e.message.length} characters`);
});
