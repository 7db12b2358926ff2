import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startResultsService, type ResultsService } from './index.ts';
import { JOB, blobRequest, callTwirp } from '../test-kit/results-client.ts';

const VERSION = 'd'.repeat(64);
let rs: ResultsService;
let token: string;
before(async () => {
  rs = await startResultsService();
  token = rs.createRuntimeToken(JOB);
});
after(async () => {
  await rs.stop();
});
beforeEach(() => {
  rs.clearFaults();
  rs.clearRequests();
});

const create = (key: string) => callTwirp(rs, 'CacheService', 'CreateCacheEntry', { key, version: VERSION }, { token });

test('status faults answer as the service, its front end and Azure do', async () => {
  rs.inject({ service: 'CacheService', operation: 'CreateCacheEntry', fault: { status: 500 } });
  rs.inject({ service: 'CacheService', operation: 'CreateCacheEntry', fault: { status: 502 } });
  rs.inject({ service: 'CacheService', operation: 'CreateCacheEntry', fault: { status: 429, retryAfterSeconds: 7 } });
  const internal = await create('s');
  assert.deepEqual([internal.status, internal.json], [500, { code: 'internal', msg: 'internal error' }]);
  const gateway = await create('s');
  assert.deepEqual([gateway.status, gateway.headers['content-type']], [502, 'text/html']);
  const limited = await create('s');
  assert.deepEqual(
    [limited.status, limited.json['code'], limited.headers['retry-after']],
    [429, 'resource_exhausted', '7'],
  );
  assert.equal((await create('s')).status, 200, 'each rule applies once by default');
  assert.equal(rs.cacheEntries().filter((e) => e.key === 's').length, 1, 'no faulted call changed state');

  const url = rs.signedUrl({ account: 'productionresultssa1', container: 'actions-cache', blob: 'busy' }, 'upload');
  rs.inject({ service: 'CacheService', operation: 'PutBlob', fault: { status: 503 } });
  const busy = await blobRequest(rs, url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'b' });
  assert.deepEqual([busy.status, busy.headers['x-ms-error-code']], [503, 'ServerBusy']);
  assert.deepEqual(
    rs.requests.map((r) => `${r.operation} ${r.status} ${r.fault ?? ''}`),
    [
      'CreateCacheEntry 500 status 500',
      'CreateCacheEntry 502 status 502',
      'CreateCacheEntry 429 status 429',
      'CreateCacheEntry 200 ',
      'PutBlob 503 status 503',
    ],
  );
});

test('a dropped connection loses the answer; dropped after, the call took effect', async () => {
  rs.inject({ operation: 'CreateCacheEntry', fault: { drop: 'before' } });
  await assert.rejects(create('dropped-before'));
  assert.equal(
    rs.cacheEntries().some((e) => e.key === 'dropped-before'),
    false,
  );
  rs.inject({ operation: 'CreateCacheEntry', fault: { drop: 'after' } });
  await assert.rejects(create('dropped-after'));
  assert.equal(
    rs.cacheEntries().some((e) => e.key === 'dropped-after'),
    true,
  );
  // So a retry meets the reservation it made itself.
  assert.equal((await create('dropped-after')).status, 409);
});

test('faults match by service and operation, for as many requests as asked', async () => {
  rs.inject({ service: 'ArtifactService', operation: 'CreateCacheEntry', fault: { status: 500 } });
  rs.inject({ service: 'CacheService', operation: 'GetCacheEntryDownloadURL', times: 2, fault: { status: 503 } });
  assert.equal((await create('m')).status, 200);
  const lookup = () =>
    callTwirp(rs, 'CacheService', 'GetCacheEntryDownloadURL', { key: 'm', version: VERSION }, { token });
  assert.deepEqual([(await lookup()).status, (await lookup()).status, (await lookup()).status], [503, 503, 200]);
});

test('an expired-URL fault hands out a URL Azure refuses; a trickled download still arrives whole', async () => {
  rs.inject({ operation: 'CreateCacheEntry', fault: { signedUrl: 'expired' } });
  const created = await create('late');
  const put = await blobRequest(rs, String(created.json['signed_upload_url']), {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob' },
    body: 'x',
  });
  assert.deepEqual([put.status, put.headers['x-ms-error-code']], [403, 'AuthenticationFailed']);

  const location = { account: 'productionresultssa1', container: 'actions-cache', blob: 'slow' };
  await blobRequest(rs, rs.signedUrl(location, 'upload'), {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob' },
    body: Buffer.alloc(3000, 7),
  });
  rs.inject({ operation: 'GetBlob', fault: { bytesPerSecond: 20_000 } });
  const slow = await blobRequest(rs, rs.signedUrl(location, 'download'));
  assert.deepEqual(slow.bytes, Buffer.alloc(3000, 7));
  assert.equal(rs.requests.at(-1)?.fault, '20000 bytes/s');
});
