// Assets uploaded before GitHub computed digests (2025-06), and GHES, carry
// `digest: null`: the manifest is then the only record of each sha256, so it
// must itself be bound to the content digest the version was published with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { readOnnxSignature } from '@mlship/onnx';
import { GitHubStore } from './github-store.ts';
import { IntegrityError } from './registry-errors.ts';
import { RegistryService } from './registry-service.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';

test('without asset digests, a release whose model and manifest were both swapped is refused on download', async () => {
  const gh = await startEmulator();
  try {
    const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main' });
    const commit = gh.createCommit(repo, { branch: 'main', message: 'Train' });
    const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
    const registry = () =>
      new RegistryService(
        new GitHubStore({
          client: createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false }),
          owner: repo.owner,
          repo: repo.name,
        }),
        { actor: 'alice', readSignature: readOnnxSignature, sleep: async () => {} },
      );
    await registry().publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit });

    const release = gh.repo(repo).releases.find((r) => r.tagName === 'churn@v1.0.0')!;
    for (const asset of release.assets) asset.digest = null as unknown as string;
    const evil = Buffer.from('not the published model');
    const model = release.assets.find((a) => a.name === 'model.onnx')!;
    model.bytes = evil;
    model.size = evil.byteLength;
    const manifestAsset = release.assets.find((a) => a.name === 'manifest.json')!;
    const manifest = JSON.parse(manifestAsset.bytes.toString('utf8'));
    const entry = manifest.assets.find((a: { name: string }) => a.name === 'model.onnx');
    entry.sha256 = createHash('sha256').update(evil).digest('hex');
    entry.sizeBytes = evil.byteLength;
    manifestAsset.bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    manifestAsset.size = manifestAsset.bytes.byteLength;

    const dest = await mkdtemp(join(tmpdir(), 'mlship-no-digest-'));
    await assert.rejects(registry().download('churn@v1.0.0', dest), /manifest\.json/);
  } finally {
    await gh.stop();
  }
});

test('without asset digests, a model of the right size but other bytes is refused by the manifest check itself', async () => {
  const gh = await startEmulator();
  try {
    const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main' });
    const commit = gh.createCommit(repo, { branch: 'main', message: 'Train' });
    const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
    const registry = new RegistryService(
      new GitHubStore({
        client: createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false }),
        owner: repo.owner,
        repo: repo.name,
      }),
      { actor: 'alice', readSignature: readOnnxSignature, sleep: async () => {} },
    );
    const published = await registry.publish({
      name: 'churn',
      version: 'v1.0.0',
      files: await modelFiles(1),
      commit,
    });
    const release = gh.repo(repo).releases.find((r) => r.tagName === 'churn@v1.0.0')!;
    for (const asset of release.assets) asset.digest = null as unknown as string;
    const model = release.assets.find((a) => a.name === 'model.onnx')!;
    const swapped = Buffer.from(model.bytes);
    swapped[0] = swapped[0]! ^ 0x01;
    model.bytes = swapped;
    const expected = published.manifest.assets.find((a) => a.name === 'model.onnx')!;
    assert.equal(swapped.byteLength, expected.sizeBytes, 'same size');

    const dest = join(await mkdtemp(join(tmpdir(), 'mlship-no-digest-')), 'model');
    const actual = createHash('sha256').update(swapped).digest('hex');
    await assert.rejects(
      registry.download('churn@v1.0.0', dest),
      (error: unknown) =>
        error instanceof IntegrityError &&
        error.message ===
          `churn@v1.0.0/model.onnx: sha256 ${actual} (${swapped.byteLength} bytes) does not match the manifest's ${expected.sha256} (${expected.sizeBytes} bytes); the asset was altered or truncated, so it was not saved: do not use this version`,
    );
    assert.equal(existsSync(dest), false, 'nothing saved');
  } finally {
    await gh.stop();
  }
});
