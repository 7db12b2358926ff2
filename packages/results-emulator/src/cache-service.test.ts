import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startResultsService, type ResultsService, type RuntimeTokenOptions } from './index.ts';
import { JOB, blobRequest, callTwirp } from '../test-kit/results-client.ts';

const VERSION = 'a'.repeat(64);
let rs: ResultsService;
before(async () => {
  rs = await startResultsService({ blobEndpoint: 'loopback' });
});
after(async () => {
  await rs.stop();
});

const onMain = { ...JOB, job: 'main-job', ref: 'refs/heads/main' };
delete (onMain as Partial<typeof onMain>).baseRef;

/** CreateCacheEntry, Put Blob, FinalizeCacheEntryUpload: what @actions/cache does for one save. */
async function save(token: string, key: string, bytes: Buffer, version = VERSION) {
  const created = await callTwirp(rs, 'CacheService', 'CreateCacheEntry', { key, version }, { token });
  if (created.status !== 200 || created.json['ok'] !== true) return created;
  const put = await blobRequest(rs, String(created.json['signed_upload_url']), {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob' },
    body: bytes,
  });
  assert.equal(put.status, 201, put.text);
  return callTwirp(
    rs,
    'CacheService',
    'FinalizeCacheEntryUpload',
    { key, version, size_bytes: String(bytes.length) },
    { token },
  );
}

async function restore(token: string, key: string, restoreKeys: string[] = [], version = VERSION) {
  return callTwirp(
    rs,
    'CacheService',
    'GetCacheEntryDownloadURL',
    { key, restore_keys: restoreKeys, version },
    { token },
  );
}

test('restore: exact key, then the newest prefix match, first in the branch then in the base and default branches', async () => {
  const main = rs.createRuntimeToken(onMain);
  assert.equal((await save(main, 'deps-linux-1', Buffer.from('main-1'))).json['ok'], true);
  rs.advanceClock(1000);
  assert.equal((await save(main, 'deps-linux-2', Buffer.from('main-2'))).json['ok'], true);

  const prJob = rs.createRuntimeToken({ ...JOB, job: 'pr-job' });
  const fromBase = await restore(prJob, 'deps-linux-9', ['deps-linux-']);
  assert.deepEqual([fromBase.json['ok'], fromBase.json['matched_key']], [true, 'deps-linux-2']);
  const bytes = await blobRequest(rs, String(fromBase.json['signed_download_url']));
  assert.equal(bytes.text, 'main-2');

  rs.advanceClock(1000);
  assert.equal((await save(prJob, 'deps-linux-1', Buffer.from('pr-1'))).json['ok'], true);
  // The PR's own scope comes first, even though main holds a newer match.
  const own = await restore(prJob, 'deps-linux-', []);
  assert.equal(own.json['matched_key'], 'deps-linux-1');
  assert.equal((await blobRequest(rs, String(own.json['signed_download_url']))).text, 'pr-1');
  // An exact match beats a newer prefix match.
  const exact = await restore(main, 'deps-linux-1', ['deps-linux-']);
  assert.equal((await blobRequest(rs, String(exact.json['signed_download_url']))).text, 'main-1');
  // Another version (other paths or compression) never matches.
  assert.deepEqual((await restore(main, 'deps-linux-2', [], 'b'.repeat(64))).json, {
    ok: false,
    signed_download_url: '',
    matched_key: '',
  });
  // The default branch does not see the PR's entries.
  const other = rs.createRuntimeToken({ ...onMain, job: 'main-2' });
  assert.equal((await restore(other, 'deps-linux-1', [])).json['matched_key'], 'deps-linux-1');
  assert.deepEqual(
    rs.cacheEntries().map((e) => [e.key, e.scope]),
    [
      ['deps-linux-1', 'refs/heads/main'],
      ['deps-linux-2', 'refs/heads/main'],
      ['deps-linux-1', 'refs/pull/7/merge'],
    ],
  );
});

test('a key is immutable: reserved or committed, a second reservation gets the service 409', async () => {
  const a = rs.createRuntimeToken({ ...onMain, job: 'shard-a' });
  const b = rs.createRuntimeToken({ ...onMain, job: 'shard-b' });
  const reserved = await callTwirp(
    rs,
    'CacheService',
    'CreateCacheEntry',
    { key: 'model-ckpt', version: VERSION },
    { token: a },
  );
  assert.equal(reserved.json['ok'], true);
  const raced = await callTwirp(
    rs,
    'CacheService',
    'CreateCacheEntry',
    { key: 'model-ckpt', version: VERSION },
    { token: b },
  );
  assert.equal(raced.status, 409);
  assert.deepEqual(raced.json, {
    code: 'already_exists',
    msg: 'cache entry with the same key, version, and scope already exists',
  });
  // The job that did not reserve it cannot finalize it.
  const stolen = await callTwirp(
    rs,
    'CacheService',
    'FinalizeCacheEntryUpload',
    { key: 'model-ckpt', version: VERSION, size_bytes: '0' },
    { token: b },
  );
  assert.equal(stolen.status, 404);
  // The same key under another version is another entry.
  assert.equal(
    (
      await callTwirp(
        rs,
        'CacheService',
        'CreateCacheEntry',
        { key: 'model-ckpt', version: 'c'.repeat(64) },
        { token: b },
      )
    ).json['ok'],
    true,
  );
});

test('a token without a writable scope gets ok=false and the service message', async () => {
  const readOnly = rs.createRuntimeToken({
    ...JOB,
    job: 'fork',
    cacheScopes: [{ scope: 'refs/heads/main', permission: 1 }],
  });
  const r = await callTwirp(
    rs,
    'CacheService',
    'CreateCacheEntry',
    { key: 'k', version: VERSION },
    { token: readOnly },
  );
  assert.deepEqual(r.json, {
    ok: false,
    signed_upload_url: '',
    message: 'cache write denied: token has no writable scopes',
  });
});

test('finalize checks the uploaded size, and refuses an entry larger than the repository limit', async () => {
  const token = rs.createRuntimeToken({ ...onMain, job: 'sizes' });
  const created = await callTwirp(
    rs,
    'CacheService',
    'CreateCacheEntry',
    { key: 'sized', version: VERSION },
    { token },
  );
  await blobRequest(rs, String(created.json['signed_upload_url']), {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob' },
    body: 'abc',
  });
  const wrong = await callTwirp(
    rs,
    'CacheService',
    'FinalizeCacheEntryUpload',
    { key: 'sized', version: VERSION, size_bytes: '2' },
    { token },
  );
  assert.deepEqual([wrong.status, wrong.json['code']], [400, 'invalid_argument']);

  // acsl is the limit in GB; 2e-6 GB is 2,147 bytes.
  const small = rs.createRuntimeToken({ ...onMain, repository: 'octo-org/tiny', job: 'big', cacheLimitGb: 2e-6 });
  const tooBig = await save(small, 'huge', Buffer.alloc(3000));
  assert.equal(tooBig.json['ok'], false);
  assert.match(String(tooBig.json['message']), /larger than the repository's cache size limit/);
});

test('eviction: entries unused for 7 days go, then the least recently used until the repository fits its limit', async () => {
  const spec: RuntimeTokenOptions = { ...onMain, repository: 'octo-org/evict', job: 'evict', cacheLimitGb: 2e-6 };
  const token = () => rs.createRuntimeToken(spec);
  await save(token(), 'old', Buffer.alloc(1000));
  rs.advanceClock(1000);
  await save(token(), 'used', Buffer.alloc(1000));
  rs.advanceClock(1000);
  assert.equal((await restore(token(), 'old')).json['ok'], true); // now 'used' is the least recently used
  await save(token(), 'new', Buffer.alloc(1000)); // 3,000 bytes > 2,147: one must go
  assert.deepEqual(
    rs.cacheEntries('octo-org/evict').map((e) => e.key),
    ['old', 'new'],
  );
  rs.advanceClock(8 * 24 * 3600 * 1000);
  assert.equal((await restore(token(), 'new')).json['ok'], false);
  assert.deepEqual(rs.cacheEntries('octo-org/evict'), []);
});

test('keys the client refuses are refused too, and recorded as violations', async () => {
  const token = rs.createRuntimeToken({ ...onMain, job: 'keys' });
  const cases: [string, Record<string, unknown>][] = [
    ['CreateCacheEntry', { key: 'x'.repeat(513), version: VERSION }],
    ['CreateCacheEntry', { key: 'a,b', version: VERSION }],
    ['CreateCacheEntry', { key: 'k', version: 'not-a-digest' }],
    [
      'GetCacheEntryDownloadURL',
      { key: 'k', restore_keys: Array.from({ length: 10 }, (_, i) => `r${i}`), version: VERSION },
    ],
  ];
  for (const [method, body] of cases) {
    const r = await callTwirp(rs, 'CacheService', method, body, { token });
    assert.deepEqual([r.status, r.json['code']], [400, 'invalid_argument'], JSON.stringify(body).slice(0, 80));
  }
  assert.equal(rs.violations.length, 4);
  assert.match(rs.violations[0]?.message ?? '', /513 characters, longer than 512/);
  rs.clearViolations();
});
