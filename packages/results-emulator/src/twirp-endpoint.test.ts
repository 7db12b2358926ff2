import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { startResultsService, type ResultsService } from './index.ts';
import { JOB, callTwirp } from '../test-kit/results-client.ts';

let rs: ResultsService;
let token: string;
let ids: { workflow_run_backend_id: string; workflow_job_run_backend_id: string };
before(async () => {
  rs = await startResultsService();
  token = rs.createRuntimeToken(JOB);
  const backend = rs.backendIds(JOB);
  ids = { workflow_run_backend_id: backend.runBackendId, workflow_job_run_backend_id: backend.jobBackendId };
});
after(async () => {
  await rs.stop();
});
beforeEach(() => {
  rs.clearViolations();
});

test('no token, a foreign token, an expired token and a token without the results scope are unauthenticated', async () => {
  const list = (t: string | undefined) => callTwirp(rs, 'ArtifactService', 'ListArtifacts', ids, { token: t });
  const missing = await list(undefined);
  assert.deepEqual([missing.status, missing.json['code']], [401, 'unauthenticated']);

  // Same claims, signed by someone else's key.
  const [header, claims] = token.split('.');
  const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const forged = `${header}.${claims}.${createSign('RSA-SHA256').update(`${header}.${claims}`).sign(foreignKey).toString('base64url')}`;
  assert.deepEqual((await list(forged)).json, { code: 'unauthenticated', msg: 'the token signature is invalid' });

  const noScope = rs.createRuntimeToken({ ...JOB, withoutResultsScope: true });
  assert.deepEqual((await list(noScope)).json, {
    code: 'unauthenticated',
    msg: 'the token has no Actions.Results scope',
  });

  const shortLived = rs.createRuntimeToken({ ...JOB, expiresInSeconds: 30 });
  assert.equal((await list(shortLived)).status, 200);
  rs.advanceClock(31_000);
  const expired = await list(shortLived);
  assert.equal(expired.status, 401);
  assert.match(String(expired.json['msg']), /^the token expired at \d{4}-/);
  assert.deepEqual(rs.violations, []);
});

test('what the generated types cannot read is malformed, and a violation', async () => {
  const unknownField = await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    { ...ids, name: 'm', version: 7, retention_days: 3 },
    { token },
  );
  assert.deepEqual([unknownField.status, unknownField.json['code']], [400, 'malformed']);
  assert.match(String(unknownField.json['msg']), /unknown field .*retention_days/);
  const mistyped = await callTwirp(
    rs,
    'ArtifactService',
    'FinalizeArtifact',
    { ...ids, name: 'm', size: 'twelve' },
    { token },
  );
  assert.equal(mistyped.json['code'], 'malformed');
  const notJson = await callTwirp(rs, 'CacheService', 'CreateCacheEntry', '{key:', { token });
  assert.equal(notJson.json['code'], 'malformed');
  assert.deepEqual(
    rs.violations.map((v) => `${v.service} ${v.operation}`),
    ['ArtifactService CreateArtifact', 'ArtifactService FinalizeArtifact', 'CacheService CreateCacheEntry'],
  );
});

test('routes the service does not have, GET, and other content types are bad_route, and violations', async () => {
  const unknownMethod = await callTwirp(rs, 'ArtifactService', 'UploadArtifact', {}, { token });
  assert.deepEqual([unknownMethod.status, unknownMethod.json['code']], [404, 'bad_route']);
  const get = await callTwirp(rs, 'CacheService', 'GetCacheEntryDownloadURL', undefined, { token, httpMethod: 'GET' });
  assert.equal(get.json['code'], 'bad_route');
  const form = await callTwirp(rs, 'CacheService', 'CreateCacheEntry', 'key=k', {
    token,
    contentType: 'application/x-www-form-urlencoded',
  });
  assert.equal(form.json['code'], 'bad_route');
  const v1 = await fetch(new URL('_apis/artifactcache/cache?keys=k&version=v', rs.url));
  assert.equal(v1.status, 422);
  assert.match(((await v1.json()) as { message: string }).message, /legacy service is shutting down/);
  assert.equal(rs.violations.length, 4);
});

test('answers are written as the service writes them: proto field names, default values included', async () => {
  const created = await callTwirp(
    rs,
    'CacheService',
    'CreateCacheEntry',
    { key: 'shape', version: 'e'.repeat(64) },
    { token },
  );
  assert.deepEqual(Object.keys(created.json), ['ok', 'signed_upload_url', 'message']);
  assert.equal(created.json['message'], '');
  const listed = await callTwirp(rs, 'ArtifactService', 'ListArtifacts', ids, { token });
  assert.deepEqual(listed.json, { artifacts: [] });
});

test('a binary protobuf request is read, and answered, with the generated types as well', async () => {
  // CreateCacheEntryRequest{key=2:"bin", version=3:"ff…"} in protobuf wire format.
  const version = 'f'.repeat(64);
  const bytes = Buffer.concat([
    Buffer.from([0x12, 3]),
    Buffer.from('bin'),
    Buffer.from([0x1a, 64]),
    Buffer.from(version),
  ]);
  const response = await fetch(new URL('twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry', rs.url), {
    method: 'POST',
    headers: { 'content-type': 'application/protobuf', authorization: `Bearer ${token}` },
    body: bytes,
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/protobuf');
  // CreateCacheEntryResponse{ok=1:true, signed_upload_url=2:"…"}
  const answer = Buffer.from(await response.arrayBuffer());
  assert.deepEqual([...answer.subarray(0, 3)], [0x08, 0x01, 0x12]);
  assert.match(answer.toString('latin1'), /http:\/\/productionresultssa1\.blob\.core\.windows\.net\/actions-cache\//);
  assert.equal(rs.cacheEntries().at(-1)?.key, 'bin');
});
