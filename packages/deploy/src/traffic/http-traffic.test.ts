import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { referenceServerTraffic, templatedUrl, httpTraffic } from './http-traffic.ts';
import { ServingError } from './traffic-adapter.ts';

async function serve(
  handler: (method: string, url: string, body: string) => [number, unknown],
): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`.trim());
    const [status, body] = handler(req.method!, req.url!, Buffer.concat(chunks).toString());
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));
const noSleep = async () => {};

test('the reference server adapter PUTs the split and GETs the evidence for the pair of versions', async () => {
  const s = await serve((method, url, body) =>
    method === 'PUT'
      ? [200, { ...JSON.parse(body), model: 'churn/eu', since: '2026-03-01T10:00:00Z' }]
      : [404, { error: `nothing at ${url}` }],
  );
  try {
    const adapter = referenceServerTraffic(`${s.url}/`, { token: 'sekret', sleep: noSleep });
    await adapter.setTraffic('churn/eu', { prod: 'v1.0.0', canary: 'v1.1.0', canaryWeight: 5, shadow: true });
    assert.deepEqual(s.seen, ['PUT /v2/mlship/models/churn%2Feu/traffic Bearer sekret']);
    await assert.rejects(
      adapter.evidence({ model: 'churn/eu', prod: 'v1.0.0', canary: 'v1.1.0', since: '2026-03-01T10:00:00+01:00' }),
      (error: unknown) =>
        error instanceof ServingError &&
        /refused GET .*\/v2\/mlship\/models\/churn%2Feu\/evidence\?prod=v1\.0\.0&canary=v1\.1\.0&since=2026-03-01T10%3A00%3A00%2B01%3A00: 404: nothing at/.test(
          error.message,
        ),
    );
  } finally {
    await close(s.server);
  }
});

test('a runtime that answers a different routing than asked is an error, never taken for done', async () => {
  const s = await serve((_m, _u, body) => [
    200,
    { ...JSON.parse(body), canaryWeight: 0, model: 'churn', since: '2026-03-01T10:00:00Z' },
  ]);
  try {
    await assert.rejects(
      referenceServerTraffic(s.url).setTraffic('churn', {
        prod: 'v1.0.0',
        canary: 'v1.1.0',
        canaryWeight: 25,
        shadow: true,
      }),
      /routes prod v1\.0\.0 \/ canary v1\.1\.0 at 0% after being asked for prod v1\.0\.0 \/ canary v1\.1\.0 at 25%/,
    );
  } finally {
    await close(s.server);
  }
});

test('evidence that is not mlship evidence is refused with the path of the first problem', async () => {
  const s = await serve(() => [200, { schemaVersion: 2 }]);
  try {
    await assert.rejects(
      httpTraffic({
        trafficUrl: templatedUrl(`${s.url}/t/{model}`),
        evidenceUrl: templatedUrl(`${s.url}/e/{model}`),
        description: 'the service',
      }).evidence({ model: 'churn', prod: 'v1', canary: 'v2', since: '2026-03-01T10:00:00Z' }),
      /the service answered GET .*\/e\/churn\?.* with invalid JSON at schemaVersion: .*; it must answer mlship evidence/,
    );
  } finally {
    await close(s.server);
  }
});

test('a server that is down is tried a bounded number of times, then the step fails in one line and nothing changes', async () => {
  const s = await serve(() => [200, {}]);
  const url = s.url;
  await close(s.server);
  const waits: number[] = [];
  const adapter = referenceServerTraffic(url, { attempts: 3, sleep: async (ms) => void waits.push(ms) });
  await assert.rejects(
    adapter.setTraffic('churn', { prod: 'v1.0.0', canary: null, canaryWeight: 0, shadow: false }),
    (error: unknown) => {
      assert.ok(error instanceof ServingError);
      assert.match(
        error.message,
        /^the server at http:\/\/127\.0\.0\.1:\d+ did not answer PUT .* \(ECONNREFUSED\) after 3 tries in \d+ s; the rollout is unchanged and nothing was promoted: start the server or fix its URL, then re-run$/,
      );
      assert.doesNotMatch(error.message, /\n/);
      return true;
    },
  );
  assert.deepEqual(waits, [1000, 2000]);
});

test("5xx answers are retried, with the server's own message kept on one line", async () => {
  let calls = 0;
  const s = await serve(() => {
    calls++;
    return [503, { error: 'model\nloading' }];
  });
  try {
    await assert.rejects(
      referenceServerTraffic(s.url, { sleep: noSleep }).evidence({
        model: 'churn',
        prod: 'v1',
        canary: 'v2',
        since: '2026-03-01T10:00:00Z',
      }),
      /\(answered 503: model loading\) after 3 tries/,
    );
    assert.equal(calls, 3);
  } finally {
    await close(s.server);
  }
});

test('without an evidence URL the adapter reports no evidence (which never passes)', async () => {
  const adapter = httpTraffic({ trafficUrl: () => 'http://127.0.0.1:9/t', description: 'x' });
  assert.equal(
    await adapter.evidence({ model: 'churn', prod: 'v1', canary: 'v2', since: '2026-03-01T10:00:00Z' }),
    undefined,
  );
});
