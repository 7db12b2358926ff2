import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, clientFor, type Fixture } from './test-fixture.ts';

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
          nodes { databaseId body viewerDidAuthor }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

interface CommentsPage {
  repository: { pullRequest: { comments: { nodes: Array<{ databaseId: number; body: string; viewerDidAuthor: boolean }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
}

test('viewerDidAuthor is true only for the token owner, across pages', async () => {
  for (let i = 0; i < 150; i++) f.gh.addIssueComment(f.repo, f.pr.number, { body: `human ${i}`, user: 'alice' });
  const mine = f.gh.addIssueComment(f.repo, f.pr.number, { body: 'bot report', user: 'github-actions[bot]' });
  const seen: Array<{ databaseId: number; viewerDidAuthor: boolean }> = [];
  let after: string | null = null;
  for (let pageCount = 0; pageCount < 10; pageCount++) {
    const page: CommentsPage = await f.octokit.graphql<CommentsPage>(COMMENTS_QUERY, { owner: f.owner, name: f.name, number: f.pr.number, after });
    seen.push(...page.repository.pullRequest.comments.nodes);
    if (!page.repository.pullRequest.comments.pageInfo.hasNextPage) break;
    after = page.repository.pullRequest.comments.pageInfo.endCursor;
  }
  assert.equal(seen.length, 151);
  assert.deepEqual(seen.filter((c) => c.viewerDidAuthor).map((c) => c.databaseId), [mine]);
});

test('node(id:) returns an issue comment and minimizeComment hides it', async () => {
  const { data } = await f.octokit.rest.issues.createComment({ owner: f.owner, repo: f.name, issue_number: f.pr.number, body: 'outdated report' });
  const result = await f.octokit.graphql<{ node: { databaseId: number; body: string; viewerDidAuthor: boolean; isMinimized: boolean } }>(
    `query($id: ID!) { node(id: $id) { ... on IssueComment { databaseId body viewerDidAuthor isMinimized } } }`,
    { id: data.node_id },
  );
  assert.deepEqual(result.node, { databaseId: data.id, body: 'outdated report', viewerDidAuthor: true, isMinimized: false });
  await f.octokit.graphql(`mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized } } }`, { id: data.node_id });
  assert.equal(f.gh.repo(f.repo).issueComments.find((c) => c.id === data.id)?.minimized.isMinimized, true);
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
  await assert.rejects(f.octokit.graphql(`query { repository(owner: "octo-org", name: "churn-model") { nosuch } }`), (error: { errors: Array<{ message: string; extensions: { code: string } }> }) => {
    assert.equal(error.errors[0]?.message, "Field 'nosuch' doesn't exist on type 'Repository'");
    assert.equal(error.errors[0]?.extensions.code, 'undefinedField');
    return true;
  });
});

test('more than 100 per page is refused like GitHub', async () => {
  await assert.rejects(
    f.octokit.graphql(`query { repository(owner: "octo-org", name: "churn-model") { pullRequest(number: ${f.pr.number}) { comments(first: 101) { nodes { body } } } } }`),
    /exceeds the `first` limit of 100 records/,
  );
});

test('a token without issue or PR access cannot read comments', async () => {
  const contentsOnly = clientFor(f.gh, f.gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { contents: 'read' } }));
  await assert.rejects(contentsOnly.graphql(COMMENTS_QUERY, { owner: f.owner, name: f.name, number: f.pr.number }), /Resource not accessible by integration/);
});
