import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, clientFor, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.gh.stop();
});

const COMMENTS_QUERY = `
  query($owner: String!, $name: String!, $number: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        comments(first: 100, after: $after) {
          nodes { fullDatabaseId body viewerDidAuthor }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

interface CommentsPage {
  repository: {
    pullRequest: {
      comments: {
        nodes: Array<{ fullDatabaseId: string; body: string; viewerDidAuthor: boolean }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
  };
}

test('viewerDidAuthor is true only for the token owner, across pages', async () => {
  for (let i = 0; i < 150; i++) f.gh.addIssueComment(f.repo, f.pr.number, { body: `human ${i}`, user: 'alice' });
  const mine = f.gh.addIssueComment(f.repo, f.pr.number, { body: 'bot report', user: 'github-actions[bot]' });
  const seen: Array<{ fullDatabaseId: string; viewerDidAuthor: boolean }> = [];
  let after: string | null = null;
  for (let pageCount = 0; pageCount < 10; pageCount++) {
    const page: CommentsPage = await f.octokit.graphql<CommentsPage>(COMMENTS_QUERY, {
      owner: f.owner,
      name: f.name,
      number: f.pr.number,
      after,
    });
    seen.push(...page.repository.pullRequest.comments.nodes);
    if (!page.repository.pullRequest.comments.pageInfo.hasNextPage) break;
    after = page.repository.pullRequest.comments.pageInfo.endCursor;
  }
  assert.equal(seen.length, 151);
  assert.deepEqual(
    seen.filter((c) => c.viewerDidAuthor).map((c) => c.fullDatabaseId),
    [String(mine)],
  );
});

test('node(id:) returns an issue comment and minimizeComment hides it', async () => {
  const { data } = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 'outdated report',
  });
  const result = await f.octokit.graphql<{
    node: { fullDatabaseId: string; body: string; viewerDidAuthor: boolean; isMinimized: boolean };
  }>(`query($id: ID!) { node(id: $id) { ... on IssueComment { fullDatabaseId body viewerDidAuthor isMinimized } } }`, {
    id: data.node_id,
  });
  assert.deepEqual(result.node, {
    fullDatabaseId: String(data.id),
    body: 'outdated report',
    viewerDidAuthor: true,
    isMinimized: false,
  });
  await f.octokit.graphql(
    `mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized } } }`,
    { id: data.node_id },
  );
  assert.equal(f.gh.repo(f.repo).issueComments.find((c) => c.id === data.id)?.minimized.isMinimized, true);
});

test('node(id:) resolves commit comments and tells PR comments from issue comments', async () => {
  const main = f.gh.repo(f.repo).refs.get('refs/heads/main')?.sha ?? '';
  const commitComment = await f.octokit.rest.repos.createCommitComment({
    owner: f.owner,
    repo: f.name,
    commit_sha: main,
    body: 'on main',
  });
  const prComment = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 'on the PR',
  });
  const result = await f.octokit.graphql<{
    a: { body: string; commit: { oid: string }; viewerDidAuthor: boolean };
    b: { issue: { number: number }; pullRequest: { number: number } | null };
  }>(
    `query($a: ID!, $b: ID!) {
      a: node(id: $a) { ... on CommitComment { body commit { oid } viewerDidAuthor } }
      b: node(id: $b) { ... on IssueComment { issue { number } pullRequest { number } } }
    }`,
    { a: commitComment.data.node_id, b: prComment.data.node_id },
  );
  assert.deepEqual(result.a, { body: 'on main', commit: { oid: main }, viewerDidAuthor: true });
  assert.deepEqual(result.b, { issue: { number: f.pr.number }, pullRequest: { number: f.pr.number } });
});

test('a deleted comment id is NOT_FOUND while the other aliases still resolve', async () => {
  const kept = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 'kept',
  });
  const gone = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 'gone',
  });
  await f.octokit.rest.issues.deleteComment({ owner: f.owner, repo: f.name, comment_id: gone.data.id });
  await assert.rejects(
    f.octokit.graphql(
      `query($a: ID!, $b: ID!) { a: node(id: $a) { ... on IssueComment { body } } b: node(id: $b) { ... on IssueComment { body } } }`,
      {
        a: kept.data.node_id,
        b: gone.data.node_id,
      },
    ),
    (error: { errors: Array<{ type: string; message: string }>; data: Record<string, unknown> }) => {
      assert.deepEqual(
        error.errors.map((e) => e.type),
        ['NOT_FOUND'],
      );
      assert.equal(
        error.errors[0]?.message,
        `Could not resolve to a node with the global id of '${gone.data.node_id}'`,
      );
      assert.deepEqual(error.data, { a: { body: 'kept' }, b: null });
      return true;
    },
  );
});

test('node(id:) of a pull request pages its comments', async () => {
  const { data } = await f.octokit.rest.pulls.get({ owner: f.owner, repo: f.name, pull_number: f.pr.number });
  const result = await f.octokit.graphql<{ node: { number: number; comments: { totalCount: number } } }>(
    `query($id: ID!) { node(id: $id) { ... on PullRequest { number comments(first: 1) { totalCount } } } }`,
    { id: data.node_id },
  );
  assert.equal(result.node.number, f.pr.number);
  assert.equal(
    result.node.comments.totalCount,
    f.gh.repo(f.repo).issueComments.filter((c) => c.issueNumber === f.pr.number).length,
  );
});

test('issue(number:) serves issue comments the same way', async () => {
  const issue = f.gh.createIssue(f.repo, { title: 'an issue' });
  f.gh.addIssueComment(f.repo, issue, { body: 'hello', user: 'alice' });
  const result = await f.octokit.graphql<{ repository: { issue: { comments: { nodes: Array<{ body: string }> } } } }>(
    `query { repository(owner: "octo-org", name: "churn-model") { issue(number: ${issue}) { comments(first: 10) { nodes { body } } } } }`,
  );
  assert.deepEqual(result.repository.issue.comments.nodes, [{ body: 'hello' }]);
});

test('an unknown field is a GraphQL error worded like GitHub', async () => {
  await assert.rejects(
    f.octokit.graphql(`query { repository(owner: "octo-org", name: "churn-model") { nosuch } }`),
    (error: { errors: Array<{ message: string; extensions: { code: string } }> }) => {
      assert.equal(error.errors[0]?.message, "Field 'nosuch' doesn't exist on type 'Repository'");
      assert.equal(error.errors[0]?.extensions.code, 'undefinedField');
      return true;
    },
  );
  assert.ok(f.gh.violations.some((v) => v.operationId === 'graphql' && /Field 'nosuch' doesn't exist/.test(v.message)));
});

test('more than 100 per page is refused like GitHub', async () => {
  await assert.rejects(
    f.octokit.graphql(
      `query { repository(owner: "octo-org", name: "churn-model") { pullRequest(number: ${f.pr.number}) { comments(first: 101) { nodes { body } } } } }`,
    ),
    /exceeds the `first` limit of 100 records/,
  );
});

test('a token without issue, PR or contents access cannot read comments', async () => {
  const contentsOnly = clientFor(
    f.gh,
    f.gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { metadata: 'read', checks: 'read' } }),
  );
  await assert.rejects(
    contentsOnly.graphql(COMMENTS_QUERY, { owner: f.owner, name: f.name, number: f.pr.number }),
    /Resource not accessible by integration/,
  );
});

test('ref(qualifiedName:) reads an annotated tag message in one query; a missing ref is null', async () => {
  const commit = f.gh.createCommit(f.repo, { branch: 'main', message: 'Train' });
  const tag = await f.octokit.rest.git.createTag({
    owner: f.owner,
    repo: f.name,
    tag: 'churn/eu@v1.0.0',
    message: 'Registering\n\nmlship-content: abc\n',
    object: commit,
    type: 'commit',
  });
  await f.octokit.rest.git.createRef({
    owner: f.owner,
    repo: f.name,
    ref: 'refs/tags/churn/eu@v1.0.0',
    sha: tag.data.sha,
  });
  const query = `query($owner: String!, $name: String!, $ref: String!) {
    repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { name prefix target { oid ... on Tag { message target { oid } } } } }
  }`;
  const found = await f.octokit.graphql<{ repository: { ref: unknown } }>(query, {
    owner: f.owner,
    name: f.name,
    ref: 'refs/tags/churn/eu@v1.0.0',
  });
  assert.deepEqual(found.repository.ref, {
    name: 'churn/eu@v1.0.0',
    prefix: 'refs/tags/',
    target: { oid: tag.data.sha, message: 'Registering\n\nmlship-content: abc\n', target: { oid: commit } },
  });
  const missing = await f.octokit.graphql<{ repository: { ref: unknown } }>(query, {
    owner: f.owner,
    name: f.name,
    ref: 'refs/tags/churn/eu@v9.0.0',
  });
  assert.equal(missing.repository.ref, null);
});
