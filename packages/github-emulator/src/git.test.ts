import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, statusOf, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
let main: string;
before(async () => {
  f = await startFixture();
  main = f.gh.repo(f.repo).refs.get('refs/heads/main')?.sha ?? '';
});
after(async () => {
  await f.gh.stop();
});

test('creating an existing ref is refused with 422 "Reference already exists"', async () => {
  await f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref: 'refs/tags/churn#prod#1', sha: main });
  await assert.rejects(
    f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref: 'refs/tags/churn#prod#1', sha: main }),
    (error: { status: number; response: { data: { message: string } } }) => {
      assert.equal(error.status, 422);
      assert.equal(error.response.data.message, 'Reference already exists');
      return true;
    },
  );
});

test('a ref git cannot store or GitHub keeps too long is refused with 422 "... is not a valid ref name."', async () => {
  for (const ref of [
    'refs/tags/a//b',
    'refs/tags/a..b',
    'refs/tags/x.lock',
    'refs/tags/x.lock/y',
    'refs/tags/.hidden',
    'refs/tags/a b',
    'refs/tags/a\tb',
    'refs/tags/a:b',
    'refs/tags/a@{1}',
    'refs/tags/a.',
    `refs/tags/${'a'.repeat(246)}`,
  ]) {
    await assert.rejects(
      f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref, sha: main }),
      (error: { status: number; response: { data: { message: string } } }) => {
        assert.equal(error.status, 422);
        assert.equal(error.response.data.message, `${ref} is not a valid ref name.`);
        return true;
      },
      ref,
    );
  }
  await f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref: `refs/tags/${'a'.repeat(245)}`, sha: main });
});

test('a ref cannot be created inside or above another ref (git refs are paths) and is refused with 422', async () => {
  await f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref: 'refs/mlship/head/team', sha: main });
  for (const ref of ['refs/mlship/head/team/churn', 'refs/mlship/head']) {
    await assert.rejects(
      f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref, sha: main }),
      (error: { status: number; response: { data: { message: string } } }) => {
        assert.equal(error.status, 422);
        assert.equal(error.response.data.message, 'Reference update failed');
        return true;
      },
      ref,
    );
  }
  await f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref: 'refs/mlship/head/team-b', sha: main });
});

test('concurrent creates of one ref: exactly one wins', async () => {
  const attempts = await Promise.allSettled(
    Array.from({ length: 8 }, () =>
      f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref: 'refs/tags/churn#staging#1', sha: main }),
    ),
  );
  assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
});

test('annotated tags: create the object, point a ref at it, read both back', async () => {
  const tag = await f.octokit.rest.git.createTag({
    owner: f.owner,
    repo: f.name,
    tag: 'churn@v1.0.0',
    message: 'Registered churn v1.0.0',
    object: main,
    type: 'commit',
    tagger: { name: 'mlship', email: 'mlship@example.com', date: '2026-01-02T03:04:05Z' },
  });
  await f.octokit.rest.git.createRef({
    owner: f.owner,
    repo: f.name,
    ref: 'refs/tags/churn@v1.0.0',
    sha: tag.data.sha,
  });
  const ref = await f.octokit.rest.git.getRef({ owner: f.owner, repo: f.name, ref: 'tags/churn@v1.0.0' });
  assert.equal(ref.data.object.type, 'tag');
  const read = await f.octokit.rest.git.getTag({ owner: f.owner, repo: f.name, tag_sha: ref.data.object.sha });
  assert.equal(read.data.message, 'Registered churn v1.0.0');
  assert.equal(read.data.object.sha, main);
  assert.equal(read.data.tagger.date, '2026-01-02T03:04:05Z');
  // A tag peels to its commit when used as a ref.
  const commit = await f.octokit.rest.repos.getCommit({ owner: f.owner, repo: f.name, ref: 'churn@v1.0.0' });
  assert.equal(commit.data.sha, main);
});

test('matching-refs lists by prefix, sorted and paginated', async () => {
  for (let i = 0; i < 5; i++) {
    await f.octokit.rest.git.createRef({ owner: f.owner, repo: f.name, ref: `refs/tags/pager@v0.${i}.0`, sha: main });
  }
  const first = await f.octokit.rest.git.listMatchingRefs({
    owner: f.owner,
    repo: f.name,
    ref: 'tags/pager@',
    per_page: 2,
  });
  assert.deepEqual(
    first.data.map((r) => r.ref),
    ['refs/tags/pager@v0.0.0', 'refs/tags/pager@v0.1.0'],
  );
  const all = await f.octokit.paginate(f.octokit.rest.git.listMatchingRefs, {
    owner: f.owner,
    repo: f.name,
    ref: 'tags/pager@',
    per_page: 2,
  });
  assert.equal(all.length, 5);
});

test('update needs a fast-forward unless forced; delete removes the ref', async () => {
  const base = f.gh.createCommit(f.repo, { branch: 'topic', message: 'one' });
  const side = f.gh.createCommit(f.repo, { branch: 'side', message: 'side', parents: [main] });
  assert.equal(
    await statusOf(f.octokit.rest.git.updateRef({ owner: f.owner, repo: f.name, ref: 'heads/topic', sha: side })),
    422,
  );
  const forced = await f.octokit.rest.git.updateRef({
    owner: f.owner,
    repo: f.name,
    ref: 'heads/topic',
    sha: side,
    force: true,
  });
  assert.equal(forced.data.object.sha, side);
  assert.notEqual(base, side);
  await f.octokit.rest.git.deleteRef({ owner: f.owner, repo: f.name, ref: 'heads/topic' });
  assert.equal(await statusOf(f.octokit.rest.git.getRef({ owner: f.owner, repo: f.name, ref: 'heads/topic' })), 404);
});

test('git commits and REST commits resolve by sha and branch', async () => {
  const sha = f.gh.createCommit(f.repo, { branch: 'feature/y', message: 'Tune threshold' });
  const git = await f.octokit.rest.git.getCommit({ owner: f.owner, repo: f.name, commit_sha: sha });
  assert.equal(git.data.message, 'Tune threshold');
  assert.match(git.data.author.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const byBranch = await f.octokit.rest.repos.getCommit({ owner: f.owner, repo: f.name, ref: 'feature/y' });
  assert.equal(byBranch.data.sha, sha);
});

test('commit comments can be created, listed and edited', async () => {
  const created = await f.octokit.rest.repos.createCommitComment({
    owner: f.owner,
    repo: f.name,
    commit_sha: main,
    body: 'report on main',
  });
  await f.octokit.rest.repos.updateCommitComment({
    owner: f.owner,
    repo: f.name,
    comment_id: created.data.id,
    body: 'report v2',
  });
  const list = await f.octokit.rest.repos.listCommentsForCommit({ owner: f.owner, repo: f.name, commit_sha: main });
  assert.deepEqual(
    list.data.map((c) => c.body),
    ['report v2'],
  );
  assert.equal(f.gh.repo(f.repo).commitComments[0]?.body, 'report v2');
});

test('git traffic produces no OpenAPI violations', () => {
  assert.deepEqual(f.gh.violations, []);
});
