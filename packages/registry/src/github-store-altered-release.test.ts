// Releases are editable by anyone who can write to them; a version's tag is
// what repositories protect (tag rulesets, immutable releases). An attacker who
// rewrites the release (assets and the digest in its body) but not the tag must
// not get a download through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { readOnnxSignature } from '@mlship/onnx';
import { GitHubStore } from './github-store.ts';
import { contentDigest } from './manifest.ts';
import { IntegrityError } from './registry-errors.ts';
import { RegistryService } from './registry-service.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';

async function publishedRegistry() {
  const gh = await startEmulator();
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
  return { gh, repo, registry };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('a release whose model, manifest and body digest were all rewritten is refused on download, naming the version', async () => {
  const { gh, repo, registry } = await publishedRegistry();
  try {
    const release = gh.repo(repo).releases.find((r) => r.tagName === 'churn@v1.0.0')!;
    // Re-uploaded assets: GitHub computes their digests, so those agree with the new bytes.
    const replace = (name: string, bytes: Buffer) => {
      const asset = release.assets.find((a) => a.name === name)!;
      asset.bytes = bytes;
      asset.size = bytes.byteLength;
      asset.digest = `sha256:${sha256(bytes)}`;
    };
    const evil = Buffer.from('not the published model');
    replace('model.onnx', evil);
    const manifest = JSON.parse(release.assets.find((a) => a.name === 'manifest.json')!.bytes.toString('utf8'));
    const entry = manifest.assets.find((a: { name: string }) => a.name === 'model.onnx');
    entry.sha256 = sha256(evil);
    entry.sizeBytes = evil.byteLength;
    manifest.contentDigest = contentDigest(manifest.name, manifest.source.commit, manifest.assets);
    replace('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    release.body = release.body!.replace(/content=[0-9a-f]{64}/, `content=${manifest.contentDigest}`);

    const dest = await mkdtemp(join(tmpdir(), 'mlship-altered-'));
    await assert.rejects(
      registry().download('churn@v1.0.0', dest),
      (error: unknown) =>
        error instanceof IntegrityError &&
        !error.message.includes('\n') &&
        error.message.startsWith('churn@v1.0.0: manifest.json describes content'),
    );
  } finally {
    await gh.stop();
  }
});

test("a manifest whose version commit was rewritten is refused: the version's tag decides which commit is the version", async () => {
  const { gh, repo, registry } = await publishedRegistry();
  try {
    const release = gh.repo(repo).releases.find((r) => r.tagName === 'churn@v1.0.0')!;
    const asset = release.assets.find((a) => a.name === 'manifest.json')!;
    const manifest = JSON.parse(asset.bytes.toString('utf8'));
    const claimed = manifest.registrationCommit;
    manifest.registrationCommit = manifest.source.commit;
    asset.bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    asset.size = asset.bytes.byteLength;
    asset.digest = `sha256:${sha256(asset.bytes)}`;
    await assert.rejects(
      registry().resolve('churn@v1.0.0'),
      (error: unknown) =>
        error instanceof IntegrityError &&
        error.message ===
          `churn@v1.0.0: manifest.json names commit ${manifest.source.commit}, but the version's tag points at ${claimed}; the release was altered after the version was claimed: do not use this version`,
    );
  } finally {
    await gh.stop();
  }
});

test('an unaltered release downloads, its manifest checked against the tag in one more request', async () => {
  const { gh, registry } = await publishedRegistry();
  try {
    const dest = await mkdtemp(join(tmpdir(), 'mlship-unaltered-'));
    gh.clearRequests();
    const { files } = await registry().download('churn@v1.0.0', dest);
    assert.ok(files.some((f) => f.endsWith('model.onnx')));
    assert.equal(gh.requests.filter((r) => r.operationId === 'graphql').length, 1);
  } finally {
    await gh.stop();
  }
});
