// Parallel publishes with bump and different content (matrix training jobs): each takes a
// version of its own; none fails on another's draft.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { readOnnxSignature } from '@mlship/onnx';
import { GitHubStore } from './github-store.ts';
import { RegistryService } from './registry-service.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';

test('parallel bump publishes of different content each get a version', async () => {
  // 21 publishes, some retried: more requests than GITHUB_TOKEN's hourly budget.
  const gh = await startEmulator({ rateLimitPerHour: 10_000 });
  try {
    const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
    const commit = gh.createCommit(repo, { branch: 'main', message: 'Train' });
    const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
    const reg = () =>
      new RegistryService(
        new GitHubStore({
          client: createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false }),
          owner: repo.owner,
          repo: repo.name,
        }),
        { actor: 'alice', readSignature: readOnnxSignature, sleep: async () => {} },
      );
    await reg().publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit });
    for (let round = 0; round < 5; round++) {
      const files = await Promise.all([2, 3, 4, 5].map((s) => modelFiles(s + round * 10)));
      const results = await Promise.allSettled(
        files.map((f) => reg().publish({ name: 'churn', bump: 'minor', files: f, commit })),
      );
      const failed = results
        .filter((r) => r.status === 'rejected')
        .map((r) => String((r as PromiseRejectedResult).reason?.message));
      assert.deepEqual(failed, [], `round ${round}`);
    }
    assert.equal((await reg().list('churn'))[0]!.versions.length, 21);
    assert.deepEqual(
      gh
        .repo(repo)
        .releases.filter((r) => r.draft)
        .map((r) => r.tagName),
      [],
      'no draft left behind',
    );
    assert.deepEqual(gh.violations, []);
  } finally {
    await gh.stop();
  }
});

test('a publish whose draft is published under it by a parallel run of the same content finishes as that version', async () => {
  const gh = await startEmulator();
  try {
    const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
    const commit = gh.createCommit(repo, { branch: 'main', message: 'Train' });
    const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
    const store = (client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false })) =>
      new GitHubStore({ client, owner: repo.owner, repo: repo.name });
    const reg = (s = store()) =>
      new RegistryService(s, { actor: 'alice', readSignature: readOnnxSignature, sleep: async () => {} });
    const files = await modelFiles(1);
    // B pauses at its first upload while A publishes the same content to the end.
    const slow = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
    let paused = false;
    slow.hook.before('request', async (options) => {
      if (paused || options.method !== 'POST' || !String(options.url).includes('/assets')) return;
      paused = true;
      await reg().publish({ name: 'churn', version: 'v1.0.0', files, commit });
    });
    const b = await reg(store(slow)).publish({ name: 'churn', version: 'v1.0.0', files, commit });
    assert.ok(paused);
    assert.equal(b.version, 'v1.0.0');
    assert.equal(b.created, false);
    assert.deepEqual(
      (await reg().history('churn')).map((e) => e.tag),
      ['churn@v1.0.0'],
    );
    assert.deepEqual(
      gh.repo(repo).releases.map((r) => [r.tagName, r.draft]),
      [['churn@v1.0.0', false]],
    );
  } finally {
    await gh.stop();
  }
});
