import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startResultsService, type BlobLocation, type ResultsService } from './index.ts';
import { blobRequest } from '../test-kit/results-client.ts';

const services: Record<'azure' | 'loopback', ResultsService> = {} as never;
before(async () => {
  services.azure = await startResultsService({ blobEndpoint: 'azure' });
  services.loopback = await startResultsService({ blobEndpoint: 'loopback' });
});
after(async () => {
  await Promise.all(Object.values(services).map((s) => s.stop()));
});

const location = (blob: string): BlobLocation => ({
  account: 'productionresultssa1',
  container: 'actions-cache',
  blob,
});
const blockId = (n: number) =>
  encodeURIComponent(Buffer.from(`block-${String(n).padStart(6, '0')}`).toString('base64'));
const blockList = (...ids: number[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><BlockList>${ids
    .map((n) => `<Latest>${decodeURIComponent(blockId(n))}</Latest>`)
    .join('')}</BlockList>`;

for (const endpoint of ['azure', 'loopback'] as const) {
  test(`${endpoint}: blocks staged, committed in list order, read whole and by range`, async () => {
    const rs = services[endpoint];
    const upload = rs.signedUrl(location(`${endpoint}/blocks`), 'upload');
    assert.equal(
      new URL(upload).hostname,
      endpoint === 'azure' ? 'productionresultssa1.blob.core.windows.net' : '127.0.0.1',
    );
    for (const [n, text] of [
      [1, 'world'],
      [0, 'hello '],
    ] as const) {
      const put = await blobRequest(rs, `${upload}&comp=block&blockid=${blockId(n)}`, { method: 'PUT', body: text });
      assert.equal(put.status, 201, put.text);
    }
    const committed = await blobRequest(rs, `${upload}&comp=blocklist`, {
      method: 'PUT',
      headers: { 'x-ms-blob-content-type': 'application/zip' },
      body: blockList(0, 1),
    });
    assert.equal(committed.status, 201);
    assert.match(committed.headers['etag'] ?? '', /^"0x8DD[0-9A-F]+"$/);

    const download = rs.signedUrl(location(`${endpoint}/blocks`), 'download');
    const whole = await blobRequest(rs, download);
    assert.deepEqual(
      [whole.status, whole.text, whole.headers['content-type']],
      [200, 'hello world', 'application/zip'],
    );
    const range = await blobRequest(rs, download, { headers: { 'x-ms-range': 'bytes=3-7' } });
    assert.deepEqual([range.status, range.text, range.headers['content-range']], [206, 'lo wo', 'bytes 3-7/11']);
    const tail = await blobRequest(rs, download, { headers: { range: 'bytes=6-' } });
    assert.equal(tail.text, 'world');
    const head = await blobRequest(rs, download, { method: 'HEAD' });
    assert.deepEqual(
      [head.status, head.headers['content-length'], head.headers['x-ms-blob-type']],
      [200, '11', 'BlockBlob'],
    );
  });
}

test('Azure refuses bad block lists, unequal block id lengths, ranges past the end and stale ETags', async () => {
  const rs = services.loopback;
  const upload = rs.signedUrl(location('rules'), 'upload');
  await blobRequest(rs, `${upload}&comp=block&blockid=${blockId(0)}`, { method: 'PUT', body: 'abc' });
  const shortId = encodeURIComponent(Buffer.from('x').toString('base64'));
  const unequal = await blobRequest(rs, `${upload}&comp=block&blockid=${shortId}`, { method: 'PUT', body: 'd' });
  assert.deepEqual([unequal.status, unequal.headers['x-ms-error-code']], [400, 'InvalidBlobOrBlock']);
  const unknown = await blobRequest(rs, `${upload}&comp=blocklist`, { method: 'PUT', body: blockList(0, 9) });
  assert.deepEqual([unknown.status, unknown.headers['x-ms-error-code']], [400, 'InvalidBlockList']);
  assert.match(
    unknown.text,
    /<Code>InvalidBlockList<\/Code><Message>The specified block list is invalid\.\nRequestId:/,
  );
  assert.equal((await blobRequest(rs, `${upload}&comp=blocklist`, { method: 'PUT', body: blockList(0) })).status, 201);
  const noType = await blobRequest(rs, upload, { method: 'PUT', body: 'x' });
  assert.deepEqual([noType.status, noType.headers['x-ms-error-code']], [400, 'MissingRequiredHeader']);

  const download = rs.signedUrl(location('rules'), 'download');
  const past = await blobRequest(rs, download, { headers: { 'x-ms-range': 'bytes=3-10' } });
  assert.deepEqual(
    [past.status, past.headers['x-ms-error-code'], past.headers['content-range']],
    [416, 'InvalidRange', 'bytes */3'],
  );
  const stale = await blobRequest(rs, download, { headers: { 'if-match': '"0x8DD000000000000"' } });
  assert.deepEqual([stale.status, stale.headers['x-ms-error-code']], [412, 'ConditionNotMet']);
  const missing = await blobRequest(rs, rs.signedUrl(location('never-written'), 'download'));
  assert.deepEqual([missing.status, missing.headers['x-ms-error-code']], [404, 'BlobNotFound']);
});

test('signatures: expired, tampered, for another blob, or without the permission are refused with Azure XML', async () => {
  const rs = services.azure;
  const upload = rs.signedUrl(location('signed'), 'upload');
  assert.equal(
    (await blobRequest(rs, upload, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' })).status,
    201,
  );
  const download = rs.signedUrl(location('signed'), 'download');

  const expired = await blobRequest(rs, rs.signedUrl(location('signed'), 'download', { expired: true }));
  assert.deepEqual([expired.status, expired.headers['x-ms-error-code']], [403, 'AuthenticationFailed']);
  assert.match(
    expired.text,
    /<AuthenticationErrorDetail>Signature not valid in the specified time frame: Start \[.+ GMT\] - Expiry \[.+ GMT\] - Current \[.+ GMT\]<\/AuthenticationErrorDetail>/,
  );

  const later = new URL(download);
  later.searchParams.set('se', '2099-01-01T00:00:00Z');
  const tampered = await blobRequest(rs, later.href);
  assert.equal(tampered.status, 403);
  assert.match(tampered.text, /Signature did not match\. String to sign used was r\n/);

  const elsewhere = download.replace('/actions-cache/signed?', '/actions-cache/other?');
  assert.equal((await blobRequest(rs, elsewhere)).headers['x-ms-error-code'], 'AuthenticationFailed');

  const writeWithReadUrl = await blobRequest(rs, download, {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob' },
    body: 'y',
  });
  assert.deepEqual(
    [writeWithReadUrl.status, writeWithReadUrl.headers['x-ms-error-code']],
    [403, 'AuthorizationPermissionMismatch'],
  );

  const unsigned = await blobRequest(rs, download.split('?')[0] ?? '');
  assert.deepEqual([unsigned.status, unsigned.headers['x-ms-error-code']], [401, 'NoAuthenticationInformation']);

  // Time passes for signed URLs too.
  rs.advanceClock(2 * 3600 * 1000);
  assert.equal((await blobRequest(rs, download)).status, 403);
  assert.equal(rs.blobBytes(location('signed'))?.toString(), 'x');
});

test('the proxy reaches only blob hosts: other requests are refused, other tunnels never opened', async () => {
  const proxy = new URL(services.azure.proxyUrl ?? '');
  const through = (method: string, path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: proxy.hostname, port: proxy.port, method, path });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal(await through('GET', 'http://example.com/'), 502);
  assert.equal(await through('CONNECT', 'example.com:443'), 403);
  assert.equal(await through('CONNECT', 'productionresultssa0.blob.core.windows.net:80'), 200);
});
