import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.gh.stop();
});

test('a check run is created, completed and listed by name', async () => {
  const run = await f.octokit.rest.checks.create({
    owner: f.owner,
    repo: f.name,
    name: 'mlship / validate',
    head_sha: f.pr.headSha,
    status: 'in_progress',
  });
  assert.equal(run.data.status, 'in_progress');
  await f.octokit.rest.checks.create({ owner: f.owner, repo: f.name, name: 'other', head_sha: f.pr.headSha });
  const done = await f.octokit.rest.checks.update({
    owner: f.owner,
    repo: f.name,
    check_run_id: run.data.id,
    conclusion: 'failure',
    output: {
      title: 'AUC dropped',
      summary: 'auc 0.81 < 0.84',
      annotations: [{ path: 'metrics.json', start_line: 1, end_line: 1, annotation_level: 'failure', message: 'auc' }],
    },
  });
  assert.equal(done.data.status, 'completed');
  assert.equal(done.data.conclusion, 'failure');
  assert.equal(done.data.output.annotations_count, 1);
  const list = await f.octokit.rest.checks.listForRef({
    owner: f.owner,
    repo: f.name,
    ref: f.pr.headSha,
    check_name: 'mlship / validate',
  });
  assert.equal(list.data.total_count, 1);
  assert.equal(list.data.check_runs[0]?.id, run.data.id);
});

test('combined status follows the latest state per context', async () => {
  const sha = f.pr.headSha;
  await f.octokit.rest.repos.createCommitStatus({
    owner: f.owner,
    repo: f.name,
    sha,
    state: 'pending',
    context: 'mlship/data',
  });
  await f.octokit.rest.repos.createCommitStatus({
    owner: f.owner,
    repo: f.name,
    sha,
    state: 'success',
    context: 'mlship/eval',
  });
  let combined = await f.octokit.rest.repos.getCombinedStatusForRef({ owner: f.owner, repo: f.name, ref: sha });
  assert.equal(combined.data.state, 'pending');
  await f.octokit.rest.repos.createCommitStatus({
    owner: f.owner,
    repo: f.name,
    sha,
    state: 'success',
    context: 'mlship/data',
  });
  combined = await f.octokit.rest.repos.getCombinedStatusForRef({ owner: f.owner, repo: f.name, ref: sha });
  assert.equal(combined.data.state, 'success');
  assert.equal(combined.data.total_count, 2);
});

test('deployments filter by environment and keep their statuses', async () => {
  const first = await f.octokit.rest.repos.createDeployment({
    owner: f.owner,
    repo: f.name,
    ref: 'main',
    environment: 'production',
    auto_merge: false,
    required_contexts: [],
    payload: { model: 'churn@v1.0.0', weight: 10 },
  });
  assert.equal(first.status, 201);
  const id = (first.data as { id: number }).id;
  await f.octokit.rest.repos.createDeployment({
    owner: f.owner,
    repo: f.name,
    ref: 'main',
    environment: 'staging',
    auto_merge: false,
    required_contexts: [],
  });
  await f.octokit.rest.repos.createDeploymentStatus({
    owner: f.owner,
    repo: f.name,
    deployment_id: id,
    state: 'in_progress',
    description: 'canary 10%',
  });
  await f.octokit.rest.repos.createDeploymentStatus({
    owner: f.owner,
    repo: f.name,
    deployment_id: id,
    state: 'success',
  });
  const prod = await f.octokit.rest.repos.listDeployments({ owner: f.owner, repo: f.name, environment: 'production' });
  assert.deepEqual(
    prod.data.map((d) => d.id),
    [id],
  );
  assert.deepEqual(prod.data[0]?.payload, { model: 'churn@v1.0.0', weight: 10 });
  const statuses = await f.octokit.rest.repos.listDeploymentStatuses({
    owner: f.owner,
    repo: f.name,
    deployment_id: id,
  });
  assert.deepEqual(
    statuses.data.map((s) => s.state),
    ['success', 'in_progress'],
  );

  const second = await f.octokit.rest.repos.createDeployment({
    owner: f.owner,
    repo: f.name,
    ref: 'main',
    environment: 'production',
    auto_merge: false,
    required_contexts: [],
  });
  await f.octokit.rest.repos.createDeploymentStatus({
    owner: f.owner,
    repo: f.name,
    deployment_id: (second.data as { id: number }).id,
    state: 'success',
  });
  const stored = f.gh.repo(f.repo).deployments.find((d) => d.id === id);
  assert.equal(stored?.statuses.at(-1)?.state, 'inactive');
});

test('a deployment is refused with 409 while required contexts have not passed', async () => {
  const sha = f.gh.createCommit(f.repo, { branch: 'release', message: 'candidate' });
  await f.octokit.rest.repos.createCommitStatus({
    owner: f.owner,
    repo: f.name,
    sha,
    state: 'failure',
    context: 'mlship/eval',
  });
  await assert.rejects(
    f.octokit.rest.repos.createDeployment({ owner: f.owner, repo: f.name, ref: 'release', auto_merge: false }),
    (error: { status: number; response: { data: { message: string } } }) => {
      assert.equal(error.status, 409);
      assert.equal(error.response.data.message, 'Conflict: Commit status checks failed for release.');
      return true;
    },
  );
  // An empty list skips the check, as on GitHub.
  const forced = await f.octokit.rest.repos.createDeployment({
    owner: f.owner,
    repo: f.name,
    ref: 'release',
    auto_merge: false,
    required_contexts: [],
  });
  assert.equal(forced.status, 201);
  await f.octokit.rest.repos.createCommitStatus({
    owner: f.owner,
    repo: f.name,
    sha,
    state: 'success',
    context: 'mlship/eval',
  });
  const passing = await f.octokit.rest.repos.createDeployment({
    owner: f.owner,
    repo: f.name,
    ref: 'release',
    auto_merge: false,
  });
  assert.equal(passing.status, 201);
});

test('checks, statuses and deployments traffic produces no OpenAPI violations', () => {
  assert.deepEqual(f.gh.violations, []);
});
