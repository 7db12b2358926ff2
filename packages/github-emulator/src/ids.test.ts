import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nodeId, parseNodeId } from './ids.ts';
import { startFixture, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.gh.stop();
});

test("node ids are encoded byte for byte as GitHub's (golang/go's published ids)", () => {
  assert.equal(nodeId('R', 23096959), 'R_kgDOAWBufw');
  assert.equal(nodeId('U', 8566911), 'U_kgDOAIK4fw');
  assert.equal(nodeId('BOT', 49699333), 'BOT_kgDOAvZaBQ');
  assert.equal(nodeId('O', 4314092), 'O_kgDOAEHT7A');
  assert.equal(nodeId('I', 23096959, 51275868), 'I_kwDOAWBuf84DDmhc');
  assert.equal(nodeId('PR', 23096959, 25658640), 'PR_kwDOAWBuf84Bh4UQ');
  assert.equal(nodeId('IC', 23096959, 66046293), 'IC_kwDOAWBuf84D78lV');
  assert.equal(nodeId('REF', 23096959, 'refs/heads/master'), 'REF_kwDOAWBuf7FyZWZzL2hlYWRzL21hc3Rlcg');
  assert.equal(
    nodeId('C', 23096959, 'f21be2fdc6f1becdbed1592ea0b245cdeedc5ac8'),
    'C_kwDOAWBuf9oAKGYyMWJlMmZkYzZmMWJlY2RiZWQxNTkyZWEwYjI0NWNkZWVkYzVhYzg',
  );
  // Past 2^32 the key takes MessagePack's uint64 form.
  assert.deepEqual(parseNodeId(nodeId('IC', 23096959, 2 ** 32 + 5)), { prefix: 'IC', keys: [23096959, 2 ** 32 + 5] });
  assert.equal(parseNodeId('MDEyOklzc3VlQ29tbWVudDY2MDQ2Mjkz'), undefined);
  assert.equal(parseNodeId('IC_bm90IG1zZ3BhY2s'), undefined);
});

const between = (low: number, high: number) => (id: number) => Number.isSafeInteger(id) && id >= low && id < high;
const MILLION = 1e6;
const BILLION = 1e9;

test("every id the emulator hands out is in github.com's range for its kind", async () => {
  const { owner, name: repo } = f;
  const o = f.octokit.rest;
  const comment = (await o.issues.createComment({ owner, repo, issue_number: f.pr.number, body: 'x' })).data;
  const second = (await o.issues.createComment({ owner, repo, issue_number: f.pr.number, body: 'y' })).data;
  const commitComment = (await o.repos.createCommitComment({ owner, repo, commit_sha: f.pr.headSha, body: 'z' })).data;
  const release = (await o.repos.createRelease({ owner, repo, tag_name: 'm@v1.0.0', draft: true })).data;
  const asset = (
    await f.octokit.request({
      method: 'POST',
      url: release.upload_url,
      name: 'model.onnx',
      data: Buffer.from('onnx'),
      headers: { 'content-type': 'application/octet-stream' },
    })
  ).data as { id: number; node_id: string };
  const run = (await o.checks.create({ owner, repo, name: 'mlship', head_sha: f.pr.headSha })).data;
  const status = (await o.repos.createCommitStatus({ owner, repo, sha: f.pr.headSha, state: 'success' })).data;
  const deployment = (await o.repos.createDeployment({ owner, repo, ref: 'main', required_contexts: [] })).data as {
    id: number;
    node_id: string;
  };
  const deploymentStatus = (
    await o.repos.createDeploymentStatus({ owner, repo, deployment_id: deployment.id, state: 'success' })
  ).data;
  const repository = (await o.repos.get({ owner, repo })).data;
  const pull = (await o.pulls.get({ owner, repo, pull_number: f.pr.number })).data;

  const ranges: Array<[string, number, (id: number) => boolean]> = [
    ['issue comment (past 2^32)', comment.id, between(2 ** 32, 2 ** 33)],
    ['commit comment', commitComment.id, between(100 * MILLION, BILLION)],
    ['release', release.id, between(100 * MILLION, BILLION)],
    ['release asset', asset.id, between(100 * MILLION, BILLION)],
    ['check run', run.id, between(10 * BILLION, 2 ** 53)],
    ['check suite', run.check_suite?.id ?? 0, between(10 * BILLION, 2 ** 53)],
    ['commit status', status.id, between(10 * BILLION, 2 ** 53)],
    ['deployment', deployment.id, between(2 ** 31, 2 ** 32)],
    ['deployment status', deploymentStatus.id, between(10 * BILLION, 2 ** 53)],
    ['repository', repository.id, between(BILLION, 2 ** 31)],
    ['organization', repository.owner.id, between(100 * MILLION, BILLION)],
    ['pull request', pull.id, between(2 ** 31, 2 ** 32)],
    ['user', pull.user.id, between(100 * MILLION, BILLION)],
    ['bot', comment.user?.id ?? 0, between(100 * MILLION, BILLION)],
  ];
  for (const [kind, id, inRange] of ranges) assert.ok(inRange(id), `${kind} id ${id} is outside GitHub's range`);
  // Not consecutive: code that assumes id + 1 is the next object fails as on GitHub.
  assert.ok(second.id - comment.id > 1, `consecutive comments got ids ${comment.id} and ${second.id}`);

  // Node ids in the current format, holding the repository and the object's id.
  const scoped: Array<[string, string, number]> = [
    ['IC', comment.node_id, comment.id],
    ['CC', commitComment.node_id, commitComment.id],
    ['RE', release.node_id, release.id],
    ['RA', asset.node_id, asset.id],
    ['CR', run.node_id, run.id],
    ['SC', status.node_id, status.id],
    ['DE', deployment.node_id, deployment.id],
    ['DES', deploymentStatus.node_id, deploymentStatus.id],
    ['PR', pull.node_id, pull.id],
  ];
  for (const [prefix, id, databaseId] of scoped)
    assert.deepEqual(parseNodeId(id), { prefix, keys: [repository.id, databaseId] }, `${prefix} node id ${id}`);
  assert.deepEqual(parseNodeId(repository.node_id), { prefix: 'R', keys: [repository.id] });
  assert.deepEqual(parseNodeId(repository.owner.node_id), { prefix: 'O', keys: [repository.owner.id] });
  assert.deepEqual(parseNodeId(comment.user?.node_id ?? ''), { prefix: 'BOT', keys: [comment.user?.id] });
  assert.deepEqual(f.gh.violations, []);
});

test("GraphQL's 32-bit databaseId cannot carry a comment id past 2^31: null and GitHub's Int error; fullDatabaseId is the string", async () => {
  const { data } = await f.octokit.rest.issues.createComment({
    owner: f.owner,
    repo: f.name,
    issue_number: f.pr.number,
    body: 'big id',
  });
  const query = `query($id: ID!) { node(id: $id) { ... on IssueComment { databaseId fullDatabaseId } } }`;
  await assert.rejects(
    f.octokit.graphql(query, { id: data.node_id }),
    (error: { errors: Array<{ message: string; path: string[] }>; data: { node: Record<string, unknown> } }) => {
      assert.deepEqual(
        error.errors.map((e) => [e.message, e.path]),
        [[`Int cannot represent non 32-bit signed integer value: ${data.id}`, ['node', 'databaseId']]],
      );
      assert.deepEqual(error.data.node, { databaseId: null, fullDatabaseId: String(data.id) });
      return true;
    },
  );
  const full = await f.octokit.graphql<{ node: { fullDatabaseId: string } }>(
    `query($id: ID!) { node(id: $id) { ... on IssueComment { fullDatabaseId } } }`,
    { id: data.node_id },
  );
  assert.equal(full.node.fullDatabaseId, String(data.id));
});
