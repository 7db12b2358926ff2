import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FileFormatError } from '@mlship/errors';
import { profileData } from '../run/profile-data.ts';
import { queryRows } from './duckdb-engine.ts';

// DuckDB reads https://, s3:// and gs:// through its httpfs extension, which is not in the npm
// package: it is installed on first use from the network, or found in MLSHIP_DUCKDB_EXTENSIONS.
// Where neither is possible (as on a machine without network) the read must fail in one line that
// says how to provide it; where it is, the rows must come back.
test('a URL is read by the engine from a loopback HTTP server, or fails in one line saying how to provide httpfs', async () => {
  const csv = 'x,c\n1,a\n2,b\n3,a\n';
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, {
      'content-type': 'text/csv',
      'content-length': Buffer.byteLength(csv),
      'accept-ranges': 'bytes',
    });
    res.end(req.method === 'HEAD' ? undefined : csv);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.csv`;
  try {
    const httpfs = await queryRows('LOAD httpfs').then(
      () => true,
      () => false,
    );
    if (httpfs) {
      const { profile } = await profileData(url);
      assert.deepEqual(
        profile.columns.map((c) => [c.name, c.kind, c.count]),
        [
          ['x', 'numeric', 3],
          ['c', 'categorical', 3],
        ],
      );
      assert.ok(requests.length > 0);
    } else {
      await assert.rejects(
        profileData(url),
        (e: unknown) =>
          e instanceof FileFormatError &&
          e.message.startsWith(`${url}: reading a URL needs DuckDB's httpfs extension`) &&
          e.message.includes('MLSHIP_DUCKDB_EXTENSIONS') &&
          !e.message.includes('\n'),
      );
    }
  } finally {
    server.close();
  }
});
