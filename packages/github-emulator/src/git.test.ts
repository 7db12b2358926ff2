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

test("a push to an open pull request's head branch moves its head; a closed one keeps the head it had", async () => {
  const first = f.gh.createCommit(f.repo, { branch: 'retrain/churn', message: 'Retrain on April' });
  const { data: opened } = await f.octokit.rest.pulls.create({
    owner: f.owner,
    repo: f.name,
    head: 'retrain/churn',
    base: 'main',
    title: 'Retrain churn',
  });
  assert.equal(opened.head.sha, first);
  const headOf = async () =>
    (await f.octokit.rest.pulls.get({ owner: f.owner, repo: f.name, pull_number: opened.number })).data.head.sha;

  const pushed = f.gh.createCommit(f.repo, { branch: 'retrain/churn', message: 'Retrain on May' });
  assert.equal(await headOf(), pushed);
  const listed = await f.octokit.rest.pulls.list({ owner: f.owner, repo: f.name, head: `${f.owner}:retrain/churn` });
  assert.deepEqual(
    listed.data.map((p) => p.head.sha),
    [pushed],
  );

  // Through the API: a fast-forward (a commit made on another branch on top of the head), then a force-push.
  const ahead = f.gh.createCommit(f.repo, { branch: 'scratch', message: 'Retrain on June', parents: [pushed] });
  await f.octokit.rest.git.updateRef({ owner: f.owner, repo: f.name, ref: 'heads/retrain/churn', sha: ahead });
  assert.equal(await headOf(), ahead);
  await f.octokit.rest.git.updateRef({
    owner: f.owner,
    repo: f.name,
    ref: 'heads/retrain/churn',
    sha: first,
    force: true,
  });
  assert.equal(await headOf(), first);

  await f.octokit.rest.pulls.update({ owner: f.owner, repo: f.name, pull_number: opened.number, state: 'closed' });
  f.gh.createCommit(f.repo, { branch: 'retrain/churn', message: 'Retrain on July' });
  assert.equal(await headOf(), first, 'a closed pull request keeps the head it was closed at');
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

test('a commit created through the git database API gets the sha git gives the same content', async () => {
  const tree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
  const parent = '1'.repeat(40);
  const seeded = { name: 'Mona Lisa', email: 'mona@example.com', date: '2025-12-31T00:00:00Z' };
  f.gh.repo(f.repo).commits.set(parent, { sha: parent, message: 'seed', parents: [], treeSha: tree, author: seeded });
  const who = { name: 'mlship', email: 'registry@mlship.invalid', date: '2026-01-01T00:00:00Z' };
  const request = { owner: f.owner, repo: f.name, message: 'Register churn v1.0.0\n', tree, parents: [parent] };
  const created = await f.octokit.rest.git.createCommit({ ...request, author: who, committer: who });
  // `git hash-object -t commit` of the same header and message.
  assert.equal(created.data.sha, 'e25ac41348fdca2bee3cb639de0f87c243475869');
  assert.equal(created.status, 201);
  const again = await f.octokit.rest.git.createCommit({ ...request, author: who, committer: who });
  assert.equal(again.data.sha, created.data.sha, 'the same content is the same object');
  const read = await f.octokit.rest.git.getCommit({ owner: f.owner, repo: f.name, commit_sha: created.data.sha });
  assert.deepEqual(
    read.data.parents.map((p) => p.sha),
    [parent],
  );
  assert.equal(read.data.tree.sha, tree);
  assert.equal(read.data.committer.date, who.date);
  const other = await f.octokit.rest.git.createCommit({ ...request, message: 'Register churn v1.0.1\n' });
  assert.notEqual(other.data.sha, created.data.sha);
  assert.equal(other.data.author.name, f.gh.repo(f.repo).commits.get(other.data.sha)!.author.name);

  const refused: [{ tree?: string; parents?: string[] }, string][] = [
    [{ tree: '2'.repeat(40) }, 'Tree SHA does not exist'],
    [{ parents: ['3'.repeat(40)] }, 'Parent SHA does not exist or is not a commit object'],
  ];
  for (const [change, message] of refused) {
    await assert.rejects(
      f.octokit.rest.git.createCommit({ ...request, ...change }),
      (error: { status: number; response: { data: { message: string } } }) =>
        error.status === 422 && error.response.data.message === message,
    );
  }
  assert.deepEqual(f.gh.violations, []);
});
