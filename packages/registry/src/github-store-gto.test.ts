// What GTO (and `git tag`) sees, and what resolving costs in API requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore } from './github-store.ts';
import { RegistryService, type RegistryContext } from './registry-service.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';
import { gtoTags, gtoView, ManyVersionsError, type GtoTagRead } from '../test-kit/gto-reading.ts';

async function setup() {
  // Many publishes and promotions: more requests than GITHUB_TOKEN's hourly budget.
  const gh = await startEmulator({ rateLimitPerHour: 10_000 });
  const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
  const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
  const registry = (ctx: Partial<RegistryContext> = {}) =>
    new RegistryService(
      new GitHubStore({
        client: createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false }),
        owner: repo.owner,
        repo: repo.name,
      }),
      { actor: 'alice', sleep: async () => {}, ...ctx },
    );
  return { gh, repo, registry };
}

test('the test model of GTO fails where GTO fails: two versions at one commit, and a same-second tie goes to the unassignment', () => {
  const at = (tag: string, target: string, seconds: number): GtoTagRead => ({ tag, target, seconds });
  const shared = [at('churn@v1.0.0', 'c1', 10), at('churn@v1.1.0', 'c1', 11), at('churn#prod#3', 'c1', 12)];
  assert.throws(() => gtoView(shared, 'churn'), ManyVersionsError);
  const tags = [
    at('churn@v1.0.0', 'c1', 10),
    at('churn@v1.1.0', 'c2', 11),
    at('churn#prod#3', 'c1', 12),
    at('churn#prod#4', 'c2', 20),
    at('churn#prod!#5', 'c2', 20),
    at('churn#prod#6', 'c2', 20),
  ];
  // mlship's log says v1.1.0 (assign, rollback, re-promote); GTO, with all three in one second, says v1.0.0.
  assert.deepEqual(gtoView(tags, 'churn').stages, { prod: 'v1.0.0' });
  tags[5] = at('churn#prod#6', 'c2', 21);
  assert.deepEqual(gtoView(tags, 'churn').stages, { prod: 'v1.1.0' });
});

test('versions re-published from one commit each get their own commit; GTO reads the stage holders mlship reads after every change', async () => {
  const { gh, repo, registry } = await setup();
  try {
    const reg = registry();
    // Scheduled retraining: new weights, unchanged code, so every version comes from one commit.
    const source = gh.createCommit(repo, { branch: 'main', message: 'Training code' });
    const record = gh.repo(repo);
    const agree = async (step: string) => {
      const listing = (await reg.list('churn'))[0]!;
      const gto = gtoView(gtoTags(gh, repo), 'churn');
      assert.deepEqual(gto.stages, listing.deprecated ? gto.stages : listing.stages, `${step}: stage holders`);
      assert.equal(
        new Set(gto.versions.map((v) => v.commit)).size,
        gto.versions.length,
        `${step}: one version per commit`,
      );
      return gto;
    };
    for (const [i, v] of ['v1.0.0', 'v1.1.0', 'v1.2.0'].entries()) {
      await reg.publish({ name: 'churn', version: v, files: await modelFiles(i + 1), commit: source });
      await agree(`publish ${v}`);
    }
    const steps: [string, () => Promise<unknown>][] = [
      ['staging v1.0.0', () => reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'staging' })],
      ['prod v1.0.0', () => reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' })],
      ['prod v1.1.0', () => reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' })],
      ['prod v1.2.0', () => reg.promote({ name: 'churn', version: 'v1.2.0', stage: 'prod' })],
      ['rollback prod', () => reg.rollback({ name: 'churn', stage: 'prod' })],
      ['prod v1.0.0 again', () => reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' })],
      ['rollback prod again', () => reg.rollback({ name: 'churn', stage: 'prod' })],
      ['staging v1.2.0', () => reg.promote({ name: 'churn', version: 'v1.2.0', stage: 'staging' })],
      ['deregister v1.1.0', () => reg.deprecate({ name: 'churn', version: 'v1.1.0' })],
    ];
    for (const [step, run] of steps) {
      await run();
      await agree(step);
    }
    const gto = await agree('end');
    // prod: v1.0 -> v1.1 -> v1.2, rolled back to v1.1, v1.0 again, rolled back to v1.1, which left when deregistered.
    assert.deepEqual(gto.stages, { staging: 'v1.2.0' });
    assert.deepEqual(
      gto.versions.map((v) => v.version),
      ['v1.0.0', 'v1.1.0', 'v1.2.0'],
    );
    for (const { version, commit } of gto.versions) {
      const made = record.commits.get(commit)!;
      assert.deepEqual(made.parents, [source], `${version}'s commit is a child of the source commit`);
      assert.equal(made.treeSha, record.commits.get(source)!.treeSha, `${version}'s commit has the source tree`);
      const manifest = (await reg.resolve(`churn@${version}`).catch(() => null))?.manifest;
      if (manifest) {
        assert.equal(manifest.source.commit, source);
        assert.equal(manifest.registrationCommit, commit);
      }
    }
    // Every tag GTO reads is annotated, carries the actor and points at its version's commit.
    for (const ref of record.refs.values()) {
      if (!ref.ref.startsWith('refs/tags/')) continue;
      assert.equal(ref.objectType, 'tag', `${ref.ref} is an annotated tag`);
      const object = record.tagObjects.get(ref.sha)!;
      assert.equal(`refs/tags/${object.tag}`, ref.ref, 'the tag object carries the ref name');
      assert.equal(object.tagger.name, 'alice');
    }
    assert.equal(record.releases.filter((r) => !r.draft).length, 3);
    assert.deepEqual(gh.violations, []);
  } finally {
    await gh.stop();
  }
});

test('assign, rollback and re-promote within one second read the same in GTO as in mlship', async () => {
  const { gh, repo, registry } = await setup();
  try {
    // Every operation at the same wall-clock second.
    const reg = registry({ clock: () => new Date('2026-03-01T12:00:00.400Z') });
    const source = gh.createCommit(repo, { branch: 'main', message: 'Training code' });
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: source });
    await reg.publish({ name: 'churn', version: 'v1.1.0', files: await modelFiles(2), commit: source });
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    await reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' });
    await reg.rollback({ name: 'churn', stage: 'prod' });
    await reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' });
    assert.deepEqual((await reg.list('churn'))[0]!.stages, { prod: 'v1.1.0' });
    assert.deepEqual(gtoView(gtoTags(gh, repo), 'churn').stages, { prod: 'v1.1.0' });

    const history = await reg.history('churn');
    const seconds = history.map((e) => Date.parse(e.createdAt) / 1000);
    assert.deepEqual(
      seconds.map((s) => s - seconds[0]!),
      [0, 1, 2, 3, 4, 5],
      'each event one second after the one before, from the wall-clock second on',
    );
    const tagged = new Map(gtoTags(gh, repo).map((t) => [t.tag, t.seconds]));
    for (const e of history) {
      // A version's tag is dated when the version was claimed, before its registration was logged.
      if (e.action === 'register') assert.ok(tagged.get(e.tag)! <= Date.parse(e.createdAt) / 1000, e.tag);
      else assert.equal(tagged.get(e.tag), Date.parse(e.createdAt) / 1000, `${e.tag}'s tagger date`);
    }
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
