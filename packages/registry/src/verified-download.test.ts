import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { verifiedDownload } from './verified-download.ts';

const openFds = () => readdirSync('/proc/self/fd').length;

test(
  'a download that fails mid-stream leaves no partial file and no open file behind, and reports the failure',
  { skip: process.platform !== 'linux' },
  async () => {
    const destDir = await mkdtemp(join(tmpdir(), 'mlship-download-'));
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      await assert.rejects(
        verifiedDownload({
          label: 'churn@v1.0.0/model.onnx',
          destDir,
          storedDigest: undefined,
          expected: {
            name: 'model.onnx',
            role: 'model',
            sha256: createHash('sha256').update('whole').digest('hex'),
            sizeBytes: 5,
          },
          open: async () =>
            (async function* () {
              yield new Uint8Array([1, 2]);
              throw new Error('connection reset');
            })(),
        }),
        /connection reset/,
      );
    }
    assert.deepEqual(await readdir(destDir), []);
    assert.ok(openFds() - before < 5, `${openFds() - before} file descriptors left open`);
  },
);

test('an asset name that would leave the download directory is refused before anything is written', async () => {
  const root = await mkdtemp(join(tmpdir(), 'mlship-download-'));
  const destDir = join(root, 'model');
  for (const name of ['../evil.sh', '..', 'sub/evil.sh', '/tmp/evil.sh']) {
    let opened = false;
    await assert.rejects(
      verifiedDownload({
        label: `churn@v1.0.0/${name}`,
        destDir,
        storedDigest: undefined,
        expected: { name, role: 'other', sha256: createHash('sha256').update('x').digest('hex'), sizeBytes: 1 },
        open: async () => {
          opened = true;
          return (async function* () {
            yield new Uint8Array([120]);
          })();
        },
      }),
      /not a plain file name/,
      name,
    );
    assert.equal(opened, false, name);
  }
  assert.deepEqual(await readdir(root), []);
});
