import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { verifiedDownload, verifiedDownloadAll } from './verified-download.ts';
import { IntegrityError } from './registry-errors.ts';

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

test('with no store digest, bytes of the right size but other content are refused by the manifest sha256', async () => {
  const destDir = await mkdtemp(join(tmpdir(), 'mlship-download-'));
  const published = Buffer.from('the published model');
  const other = Buffer.from('the published mode!');
  assert.equal(other.byteLength, published.byteLength);
  await assert.rejects(
    verifiedDownload({
      label: 'churn@v1.0.0/model.onnx',
      destDir,
      storedDigest: undefined,
      expected: {
        name: 'model.onnx',
        role: 'model',
        sha256: createHash('sha256').update(published).digest('hex'),
        sizeBytes: published.byteLength,
      },
      open: async () =>
        (async function* () {
          yield new Uint8Array(other);
        })(),
    }),
    (error: unknown) =>
      error instanceof IntegrityError &&
      /sha256 [0-9a-f]{64} \(19 bytes\) does not match the manifest's/.test(error.message),
  );
  assert.deepEqual(await readdir(destDir), []);
});

test('a set of assets moves into place only when every one passed; a failure leaves nothing behind', async () => {
  const root = await mkdtemp(join(tmpdir(), 'mlship-download-'));
  const asset = (name: string, bytes: string, served = bytes) => ({
    label: `churn@v1.0.0/${name}`,
    storedDigest: undefined,
    expected: {
      name,
      role: 'other' as const,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: Buffer.byteLength(bytes),
    },
    open: async () =>
      (async function* () {
        yield new TextEncoder().encode(served);
      })(),
  });
  const target = join(root, 'deep', 'model');
  await assert.rejects(
    verifiedDownloadAll(target, [asset('a.bin', 'aaaa'), asset('b.bin', 'bbbb', 'bbbB')]),
    IntegrityError,
  );
  assert.deepEqual(await readdir(root), [], 'not even the directories it created');
  const saved = await verifiedDownloadAll(target, [asset('a.bin', 'aaaa'), asset('b.bin', 'bbbb')]);
  assert.deepEqual(saved, [join(target, 'a.bin'), join(target, 'b.bin')]);
  assert.deepEqual(await readdir(join(root, 'deep')), ['model'], 'no staging directory left');
  await writeFile(join(root, 'file'), 'x');
  await assert.rejects(
    verifiedDownloadAll(join(root, 'file'), [asset('a.bin', 'aaaa')]),
    /is a file; give a directory/,
  );
  // Under a file: one line naming the file, not mkdir's EEXIST.
  await assert.rejects(
    verifiedDownloadAll(join(root, 'file', 'v1'), [asset('a.bin', 'aaaa')]),
    /download path '.*\/file\/v1' cannot be created: '.*\/file' is a file; give a directory path/,
  );
  assert.deepEqual((await readdir(root)).sort(), ['deep', 'file']);
});
