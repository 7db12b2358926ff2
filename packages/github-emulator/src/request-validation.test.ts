import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, statusOf, clientFor, type Fixture } from '../test-kit/test-fixture.ts';
import { loadSpec, validateAgainst } from './openapi-schemas.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.gh.stop();
});

test('a body field of the wrong type is answered 422 and recorded as a violation', async () => {
  const before = f.gh.violations.length;
  const request = f.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 42 as unknown as string,
  });
  await assert.rejects(
    request,
    (error: { status: number; response: { data: { message: string; errors: unknown[] } } }) => {
      assert.equal(error.status, 422);
      assert.match(error.response.data.message, /For 'properties\/body', 42 is not a string/);
      assert.ok(error.response.data.errors.length > 0);
      return true;
    },
  );
  const added = f.gh.violations.slice(before);
  assert.equal(added.length, 1);
  assert.equal(added[0]?.direction, 'request');
  assert.equal(added[0]?.operationId, 'issues/create-comment');
});

test('a missing required field is a 422 violation', async () => {
  const withoutSha = { owner: f.owner, repo: f.name, ref: 'refs/heads/x' } as {
    owner: string;
    repo: string;
    ref: string;
    sha: string;
  };
  const status = await statusOf(f.octokit.request('POST /repos/{owner}/{repo}/git/refs', withoutSha));
  assert.equal(status, 422);
  assert.ok(f.gh.violations.some((v) => v.operationId === 'git/create-ref' && /sha/.test(v.message)));
});

test('an extra property where the schema forbids one is a 422 violation', async () => {
  const status = await statusOf(
    f.octokit.request('POST /repos/{owner}/{repo}/issues', {
      owner: f.owner,
      repo: f.name,
      title: 'x',
      issue_field_values: [{ field_id: 1, value: 'v', colour: 'red' }],
    } as never),
  );
  assert.equal(status, 422);
  assert.ok(
    f.gh.violations.some((v) => v.operationId === 'issues/create' && /unexpected property "colour"/.test(v.message)),
  );
  assert.equal(
    [...f.gh.repo(f.repo).issues.values()].some((i) => i.title === 'x'),
    false,
  );
});

test('a value outside an enum is a 422 violation and changes nothing', async () => {
  const status = await statusOf(
    f.octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      owner: f.owner,
      repo: f.name,
      sha: f.pr.headSha,
      state: 'green',
    } as never),
  );
  assert.equal(status, 422);
  assert.equal(f.gh.repo(f.repo).statuses.length, 0);
});

test('an unknown route is 404 and a violation', async () => {
  const status = await statusOf(
    f.octokit.request('GET /repos/{owner}/{repo}/no-such-thing', { owner: f.owner, repo: f.name }),
  );
  assert.equal(status, 404);
  assert.ok(f.gh.violations.some((v) => v.operationId === undefined && v.path.endsWith('/no-such-thing')));
});

test('a wrong method on a known path is 404 and a violation', async () => {
  const status = await statusOf(
    f.octokit.request('PUT /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: f.owner,
      repo: f.name,
      comment_id: 1,
    }),
  );
  assert.equal(status, 404);
  assert.ok(f.gh.violations.some((v) => v.method === 'PUT'));
});

test('an unknown token gets 401 Bad credentials', async () => {
  const status = await statusOf(clientFor(f.gh, 'ghs_notatoken').rest.repos.get({ owner: f.owner, repo: f.name }));
  assert.equal(status, 401);
});

test('a permission the token lacks is 403 "Resource not accessible by integration"', async () => {
  const readOnly = f.gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { contents: 'read', 'pull-requests': 'read', metadata: 'read' },
  });
  await assert.rejects(
    clientFor(f.gh, readOnly).rest.issues.createComment({
      owner: f.owner,
      repo: f.name,
      issue_number: f.pr.number,
      body: 'x',
    }),
    (error: { status: number; response: { data: { message: string; documentation_url: string } } }) => {
      assert.equal(error.status, 403);
      assert.equal(error.response.data.message, 'Resource not accessible by integration');
      assert.match(error.response.data.documentation_url, /^https:\/\/docs\.github\.com\//);
      return true;
    },
  );
  // Reading still works with read access.
  const list = await clientFor(f.gh, readOnly).rest.issues.listComments({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
  });
  assert.equal(list.status, 200);
});

test('a personal access token lacking a permission is told so in its own words', async () => {
  const pat = f.gh.createToken({ login: 'alice', permissions: { contents: 'read' } });
  await assert.rejects(
    clientFor(f.gh, pat).rest.git.createRef({ owner: f.owner, repo: f.name, ref: 'refs/heads/x', sha: f.pr.headSha }),
    /Resource not accessible by personal access token/,
  );
});

test('GET /user is refused for an installation token', async () => {
  assert.equal(await statusOf(f.octokit.rest.users.getAuthenticated()), 403);
  const pat = f.gh.createToken({ login: 'alice' });
  const { data } = await clientFor(f.gh, pat).rest.users.getAuthenticated();
  assert.equal(data.login, 'alice');
});

test('every response carries GitHub rate-limit headers and exhaustion answers 403', async () => {
  const limited = f.gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read' },
    rateLimitPerHour: 2,
  });
  const client = clientFor(f.gh, limited);
  const first = await client.rest.repos.get({ owner: f.owner, repo: f.name });
  assert.equal(first.headers['x-ratelimit-limit'], '2');
  assert.equal(first.headers['x-ratelimit-remaining'], '1');
  assert.equal(first.headers['x-ratelimit-resource'], 'core');
  assert.ok(first.headers['x-github-request-id']);
  await client.rest.repos.get({ owner: f.owner, repo: f.name });
  await assert.rejects(
    client.rest.repos.get({ owner: f.owner, repo: f.name }),
    (error: { status: number; response: { headers: Record<string, string> } }) => {
      assert.equal(error.status, 403);
      assert.equal(error.response.headers['x-ratelimit-remaining'], '0');
      return true;
    },
  );
});

test('a conditional GET with a matching ETag is 304 and costs no rate limit', async () => {
  const url = `${f.gh.apiUrl}/repos/${f.owner}/${f.name}`;
  const first = await fetch(url, { headers: { authorization: `token ${f.token}` } });
  const etag = first.headers.get('etag') ?? '';
  assert.match(etag, /^W\/"[0-9a-f]+"$/);
  const remaining = first.headers.get('x-ratelimit-remaining');
  const again = await fetch(url, { headers: { authorization: `token ${f.token}`, 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('x-ratelimit-remaining'), remaining);
});

test('a response missing a required field is caught by the response schema', () => {
  const spec = loadSpec('api.github.com');
  const operation = spec.operations.find((o) => o.operationId === 'issues/get-comment');
  const errors = validateAgainst(spec, operation?.responseSchemas.get('200'), { id: 1, body: 'x' });
  assert.ok(errors && errors.length > 0);
});

test('nullable fields accept null once converted from OpenAPI 3.0', () => {
  const spec = loadSpec('api.github.com');
  const operation = spec.operations.find((o) => o.operationId === 'issues/update');
  // `body` is nullable in the update-issue request schema.
  assert.equal(validateAgainst(spec, operation?.requestBodySchema, { body: null }), undefined);
});

test('the requests log names operations and logins', () => {
  const entry = f.gh.requests.find((r) => r.operationId === 'repos/get');
  assert.equal(entry?.method, 'GET');
  assert.equal(entry?.path, `/repos/${f.owner}/${f.name}`);
  f.gh.clearRequests();
  assert.equal(f.gh.requests.length, 0);
});
