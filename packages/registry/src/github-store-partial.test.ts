// What a failed upload leaves on GitHub: "When an upstream failure occurs, you
// will receive a 502 Bad Gateway status. This may leave an empty asset with a
// state of starter" (REST docs, upload a release asset). A re-run must not
// publish such a leftover as the version's manifest.
import { test } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient, type GitHubClient } from '@mlship/github';
import { readOnnxSignature } from '@mlship/onnx';
import { GitHubStore } from './github-store.ts';
import { RegistryService } from './registry-service.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';

test('a re-run replaces a partial manifest.json left in the draft by a failed upload', async () => {
  const gh = await startEmulator();
  try {
    const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
    const commit = gh.createCommit(repo, { branch: 'main', message: 'Train' });
    const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
    const registry = (client: GitHubClient) =>
      new RegistryService(new GitHubStore({ client, owner: repo.owner, repo: repo.name }), {
        actor: 'alice',
        readSignature: readOnnxSignature,
        sleep: async () => {},
      });
    const files = await modelFiles(1);

    // First run: stops right after the manifest upload (before the version's tag is created).
    const stopping = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
    stopping.hook.before('request', (options) => {
      (options.request as { retries?: number }).retries = 0;
      if (options.method === 'POST' && String(options.url).endsWith('/git/tags'))
        throw Object.assign(new Error('runner cancelled'), { status: 500 });
    });
    await assert.rejects(registry(stopping).publish({ name: 'churn', version: 'v1.0.0', files, commit }));
    // ...and its manifest upload had failed upstream, leaving an empty starter asset.
    const draft = gh.repo(repo).releases.find((r) => r.draft)!;
    const manifest = draft.assets.find((a) => a.name === 'manifest.json')!;
    manifest.bytes = Buffer.alloc(0);
    manifest.size = 0;
    manifest.digest = null as unknown as string;

    const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
    const rerun = await registry(client).publish({ name: 'churn', version: 'v1.0.0', files, commit });
    assert.equal(rerun.manifest.version, 'v1.0.0');
    const resolved = await registry(client).resolve('churn@v1.0.0');
    assert.equal(resolved.manifest.assets.length, 3);
    assert.deepEqual(gh.violations, []);
  } finally {
    await gh.stop();
  }
});

test('an upload that fails upstream and leaves an empty starter asset is retried in the same run', async () => {
  const gh = await startEmulator();
  try {
    const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
    const commit = gh.createCommit(repo, { branch: 'main', message: 'Train' });
    const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
    const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
    let failed = false;
    client.hook.before('request', (options) => {
      if (failed || options.method !== 'POST' || !String(options.url).includes('/assets')) return;
      failed = true;
      // What GitHub does on an upstream failure: answers 502 and keeps an empty asset under the name.
      const draft = gh.repo(repo).releases.find((r) => r.draft)!;
      const at = new Date().toISOString();
      draft.assets.push({
        id: 990001,
        releaseId: draft.id,
        name: 'model.onnx',
        label: null,
        contentType: 'application/octet-stream',
        bytes: Buffer.alloc(0),
        size: 0,
        digest: null as unknown as string,
        uploader: draft.author,
        downloadCount: 0,
        createdAt: at,
        updatedAt: at,
      });
      gh.inject({ method: 'POST', fault: { status: 502 } });
    });
    const registry = new RegistryService(new GitHubStore({ client, owner: repo.owner, repo: repo.name }), {
      actor: 'alice',
      readSignature: readOnnxSignature,
      sleep: async () => {},
    });
    const published = await registry.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit });
    assert.ok(failed);
    assert.equal(published.created, true);
    const release = gh.repo(repo).releases.find((r) => r.tagName === 'churn@v1.0.0' && !r.draft)!;
    assert.equal(release.assets.filter((a) => a.name === 'model.onnx').length, 1);
    await registry.download('churn@v1.0.0', await mkdtemp(join(tmpdir(), 'mlship-starter-')));
  } finally {
    await gh.stop();
  }
});
