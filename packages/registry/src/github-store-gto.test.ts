// What GTO (and `git tag`) sees, and what resolving costs in API requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore } from './github-store.ts';
import { RegistryService } from './registry-service.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';
import { parseGtoTag } from './tag-grammar.ts';
import { foldChanges, stageMap, type StateChange } from './registry-state.ts';

async function setup() {
  const gh = await startEmulator();
  const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
  const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
  const registry = () =>
    new RegistryService(
      new GitHubStore({
        client: createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false }),
        owner: repo.owner,
        repo: repo.name,
      }),
      { actor: 'alice', sleep: async () => {} },
    );
  return { gh, repo, registry };
}

test('the registry is readable as GTO tags: annotated, GTO names, stage state as GTO derives it', async () => {
  const { gh, repo, registry } = await setup();
  try {
    const reg = registry();
    const commits: Record<string, string> = {};
    for (const [i, v] of ['v1.0.0', 'v1.1.0', 'v2.0.0'].entries()) {
      commits[v] = gh.createCommit(repo, { branch: 'main', message: `train ${v}` });
      await reg.publish({ name: 'churn', version: v, files: await modelFiles(i), commit: commits[v] });
    }
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'staging' });
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    await reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' });
    await reg.promote({ name: 'churn', version: 'v2.0.0', stage: 'staging' });
    await reg.rollback({ name: 'churn', stage: 'prod' });
    await reg.deprecate({ name: 'churn', version: 'v2.0.0' });

    // GTO's reading: every annotated tag matching its grammar, ordered by counter,
    // the version of a stage event found by the commit it points at.
    const record = gh.repo(repo);
    const versionAt = new Map(Object.entries(commits).map(([v, c]) => [c, v]));
    const tags = [...record.refs.values()]
      .filter((r) => r.ref.startsWith('refs/tags/'))
      .map((r) => {
        assert.equal(r.objectType, 'tag', `${r.ref} is an annotated tag`);
        const object = record.tagObjects.get(r.sha)!;
        assert.equal(`refs/tags/${object.tag}`, r.ref, 'the tag object carries the ref name');
        assert.equal(object.tagger.name, 'alice');
        return { parsed: parseGtoTag(object.tag)!, commit: object.object.sha };
      });
    assert.ok(tags.every((t) => t.parsed !== null));
    assert.deepEqual(tags.map((t) => `${t.parsed.action}:${t.parsed.counter ?? '-'}`).sort(), [
      'assign:4',
      'assign:5',
      'assign:6',
      'assign:7',
      'deregister:9',
      'register:-',
      'register:-',
      'register:-',
      'unassign:8',
    ]);
    const order = (t: (typeof tags)[number]) => t.parsed.counter ?? 0;
    const changes: StateChange[] = tags
      .sort((a, b) => order(a) - order(b))
      .map((t) => ({
        action: t.parsed.action,
        stage: t.parsed.stage,
        version: t.parsed.version ?? versionAt.get(t.commit),
      }));
    assert.deepEqual(stageMap(foldChanges(changes)), (await reg.list('churn'))[0]!.stages);
    assert.deepEqual((await reg.list('churn'))[0]!.stages, { prod: 'v1.0.0', staging: 'v1.0.0' });
    assert.equal(record.releases.filter((r) => !r.draft).length, 3);
  } finally {
    await gh.stop();
  }
});

test('resolving prod costs the same number of requests at 10 and at 40 versions', async () => {
  const { gh, repo, registry } = await setup();
  try {
    const reg = registry();
    const files = await modelFiles(1);
    const counts: number[] = [];
    for (const total of [10, 40]) {
      for (let i = counts.length ? 10 : 0; i < total; i++) {
        // Different params make different manifests; files are shared to keep the test fast.
        await reg.publish({
          name: 'churn',
          version: `v1.${i}.0`,
          files,
          commit: gh.createCommit(repo, { branch: 'main', message: `v${i}` }),
          params: { i },
        });
      }
      await reg.promote({ name: 'churn', version: `v1.${total - 3}.0`, stage: 'prod' });
      gh.clearRequests();
      const resolved = await registry().resolve('churn@prod');
      assert.equal(resolved.version, `v1.${total - 3}.0`);
      counts.push(gh.requests.length);
    }
    assert.equal(counts[0], counts[1]);
    assert.ok(counts[0]! <= 6, `resolve made ${counts[0]} requests`);
  } finally {
    await gh.stop();
  }
});
