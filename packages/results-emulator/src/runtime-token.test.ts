import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCacheScopes, startResultsService } from './index.ts';
import { JOB } from '../test-kit/results-client.ts';
import { tokenKeys, verifyRuntimeToken } from './runtime-token.ts';

test('the token carries Actions.Results:RUN:JOB in scp and the cache scopes in ac, as the runner issues it', async () => {
  const rs = await startResultsService();
  try {
    const token = rs.createRuntimeToken(JOB);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const { runBackendId, jobBackendId } = rs.backendIds(JOB);
    assert.match(runBackendId, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(String(claims['scp']).split(' ').includes(`Actions.Results:${runBackendId}:${jobBackendId}`));
    assert.equal(
      claims['ac'],
      '[{"Scope":"refs/pull/7/merge","Permission":3},{"Scope":"refs/heads/main","Permission":1}]',
    );
    assert.equal(claims['iss'], 'vstoken.actions.githubusercontent.com');
    assert.equal(claims['acsl'], '10');
    // The same run, another job: one run backend id, another job backend id.
    const other = rs.backendIds({ ...JOB, job: 'validate' });
    assert.equal(other.runBackendId, runBackendId);
    assert.notEqual(other.jobBackendId, jobBackendId);
    // A re-run attempt is a new job run of the same run.
    assert.notEqual(rs.backendIds({ ...JOB, runAttempt: 2 }).jobBackendId, jobBackendId);
    const verified = verifyRuntimeToken(tokenKeys(), token, Math.floor(Date.now() / 1000));
    assert.ok(verified.ok);
    assert.deepEqual(verified.identity.cacheScopes, [
      { scope: 'refs/pull/7/merge', permission: 3 },
      { scope: 'refs/heads/main', permission: 1 },
    ]);
  } finally {
    await rs.stop();
  }
});

test('cache scopes: the job writes its own ref and reads its base and default branch', () => {
  assert.deepEqual(defaultCacheScopes({ ref: 'refs/heads/main', defaultBranch: 'main' }), [
    { scope: 'refs/heads/main', permission: 3 },
  ]);
  assert.deepEqual(defaultCacheScopes({ ref: 'refs/heads/feature', defaultBranch: 'main' }), [
    { scope: 'refs/heads/feature', permission: 3 },
    { scope: 'refs/heads/main', permission: 1 },
  ]);
  assert.deepEqual(defaultCacheScopes({ ref: 'refs/pull/3/merge', baseRef: 'release', defaultBranch: 'main' }), [
    { scope: 'refs/pull/3/merge', permission: 3 },
    { scope: 'refs/heads/release', permission: 1 },
    { scope: 'refs/heads/main', permission: 1 },
  ]);
});

test('an unsigned token, or one signed with alg none, is refused', () => {
  const keys = tokenKeys();
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    scp: 'Actions.Results:r:j',
    ac: '[]',
    acsl: '10',
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'x',
    nbf: now,
    iat: now,
    exp: now + 60,
  };
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = verifyRuntimeToken(keys, `${encode({ alg: 'RS256' })}.${encode(claims)}.AAAA`, now);
  assert.deepEqual(unsigned, { ok: false, reason: 'the token signature is invalid' });
  const none = verifyRuntimeToken(keys, `${encode({ alg: 'none' })}.${encode(claims)}.`, now);
  assert.deepEqual(none, { ok: false, reason: 'the token is not signed with RS256' });
});
