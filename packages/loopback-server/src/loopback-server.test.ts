import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import { readBody, startLoopbackServer } from './loopback-server.ts';

const errorAnswer = { contentType: 'application/json', body: '{"message":"Emulator error"}' };

function get(url: string, agent?: import('node:http').Agent): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          type: res.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString(),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

test('listens on 127.0.0.1 at a port the system picks and serves the handler', async () => {
  const s = await startLoopbackServer({
    name: 'probe',
    errorAnswer,
    handle: async (req, res) => void res.end(`hello ${req.url}`),
  });
  try {
    assert.equal(s.url, `http://127.0.0.1:${s.port}`);
    assert.ok(s.port > 0);
    assert.deepEqual(s.server.address(), { address: '127.0.0.1', family: 'IPv4', port: s.port });
    assert.equal((await get(`${s.url}/x`)).body, 'hello /x');
  } finally {
    await s.close();
  }
});

test('a handler that throws, or rejects, is answered 500 with the error answer and logged under the name', async () => {
  const logged = mock.method(console, 'error', () => {});
  const s = await startLoopbackServer({
    name: 'probe',
    errorAnswer,
    handle: (req) => {
      if (req.url === '/sync') throw new Error('boom');
      return Promise.reject(new Error('later'));
    },
  });
  try {
    for (const path of ['/sync', '/async']) {
      assert.deepEqual(await get(`${s.url}${path}`), {
        status: 500,
        type: 'application/json',
        body: '{"message":"Emulator error"}',
      });
    }
    assert.deepEqual(
      logged.mock.calls.map((c) => [c.arguments[0], (c.arguments[1] as Error).message]),
      [
        ['probe:', 'boom'],
        ['probe:', 'later'],
      ],
    );
  } finally {
    logged.mock.restore();
    await s.close();
  }
});

test('a handler that fails after answering is logged, and the answer stands', async () => {
  const logged = mock.method(console, 'error', () => {});
  const s = await startLoopbackServer({
    name: 'probe',
    errorAnswer,
    handle: async (_req, res) => {
      res.writeHead(201).end('made');
      throw new Error('after');
    },
  });
  try {
    assert.deepEqual(await get(s.url), { status: 201, type: '', body: 'made' });
    assert.equal(logged.mock.callCount(), 1);
  } finally {
    logged.mock.restore();
    await s.close();
  }
});

test('close ends kept-alive connections and CONNECT tunnels a client holds open', async () => {
  const s = await startLoopbackServer({ name: 'probe', errorAnswer, handle: async (_req, res) => void res.end('ok') });
  // A tunnel: the socket leaves the HTTP server's own bookkeeping once CONNECT is answered.
  s.server.on('connect', (_req, socket: import('node:net').Socket) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  });
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true });
  assert.equal((await get(s.url, agent)).body, 'ok');
  const tunnel = connect(s.port, '127.0.0.1');
  tunnel.write(`CONNECT example.blob.core.windows.net:443 HTTP/1.1\r\nhost: example.blob.core.windows.net:443\r\n\r\n`);
  await once(tunnel, 'data');
  const tunnelClosed = once(tunnel, 'close');
  await s.close();
  await tunnelClosed;
  assert.equal(s.server.listening, false);
  await s.close(); // a second close is a no-op
  agent.destroy();
});

test('close gives up with an error naming the server when a connection will not end', async () => {
  const s = await startLoopbackServer({ name: 'probe', errorAnswer, handle: async () => {}, closeTimeoutMs: 50 });
  // The server.close callback never comes while this fake connection is counted.
  const original = s.server.close.bind(s.server);
  s.server.close = ((cb?: (err?: Error) => void) =>
    original(() => setTimeout(() => cb?.(), 5_000).unref())) as typeof s.server.close;
  await assert.rejects(s.close(), /^Error: probe: the server did not close within 50 ms/);
});

test('readBody returns the body, and refuses one past the limit', async () => {
  const bodies: (string | Error)[] = [];
  const s = await startLoopbackServer({
    name: 'probe',
    errorAnswer,
    handle: async (req, res) => {
      try {
        bodies.push((await readBody(req, 5)).toString());
      } catch (error) {
        bodies.push(error as Error);
      }
      res.end();
    },
  });
  try {
    for (const body of ['12345', '123456']) {
      await new Promise<void>((resolve, reject) =>
        request(s.url, { method: 'POST' }, (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end(body),
      );
    }
    assert.equal(bodies[0], '12345');
    assert.match(String(bodies[1]), /request body larger than 5 bytes/);
  } finally {
    await s.close();
  }
});
