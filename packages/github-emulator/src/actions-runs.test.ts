import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { clientFor, startFixture, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(() => f.gh.stop());

test("a run's deployment reviews: who approved which environment, as GitHub's schema says", async () => {
  f.gh.recordWorkflowRun(f.repo, {
    id: 30433642,
    workflowName: 'mlship train',
    approvals: [
      { environment: 'fork-training', user: 'maintainer', comment: 'data only, read the diff' },
      { environment: 'fork-training', user: 'someone', state: 'rejected' },
    ],
  });
  const reader = f.gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { actions: 'read' } });
  const { data } = await clientFor(f.gh, reader).rest.actions.getReviewsForRun({
    owner: f.owner,
    repo: f.name,
    run_id: 30433642,
  });
  assert.deepEqual(
    data.map((a) => [a.state, a.user.login, a.environments[0]?.name, a.comment]),
    [
      ['approved', 'maintainer', 'fork-training', 'data only, read the diff'],
      ['rejected', 'someone', 'fork-training', ''],
    ],
  );
  const id = data[0]!.environments[0]!.id!;
  assert.ok(id > 1e9 && id < 2 ** 31, `environment id ${id} in GitHub's range`);
  assert.equal(data[1]!.environments[0]!.id, id, 'one environment, one id');
  assert.deepEqual(f.gh.violations, []);
});

test('reading approvals needs the actions permission, which a job token lacks unless the workflow grants it', async () => {
  f.gh.recordWorkflowRun(f.repo, { id: 30433643 });
  await assert.rejects(
    f.octokit.rest.actions.getReviewsForRun({ owner: f.owner, repo: f.name, run_id: 30433643 }),
    (error: { status?: number }) => error.status === 403,
  );
  const reader = f.gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { actions: 'read' } });
  await assert.rejects(
    clientFor(f.gh, reader).rest.actions.getReviewsForRun({ owner: f.owner, repo: f.name, run_id: 404 }),
    (error: { status?: number }) => error.status === 404,
  );
});

test("an attempt's jobs carry their runner's name and labels", async () => {
  f.gh.recordWorkflowRun(f.repo, {
    id: 30433644,
    jobs: [
      { name: 'train', runnerName: 'gpu-runner-7', labels: ['self-hosted', 'linux', 'gpu'] },
      { name: 'train', runnerName: 'gpu-runner-3', labels: ['self-hosted', 'gpu'], attempt: 2 },
    ],
  });
  const reader = f.gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: { actions: 'read' } });
  const { data } = await clientFor(f.gh, reader).rest.actions.listJobsForWorkflowRunAttempt({
    owner: f.owner,
    repo: f.name,
    run_id: 30433644,
    attempt_number: 2,
  });
  assert.equal(data.total_count, 1);
  assert.deepEqual([data.jobs[0]!.runner_name, data.jobs[0]!.labels], ['gpu-runner-3', ['self-hosted', 'gpu']]);
  assert.ok(data.jobs[0]!.id > 1e10, 'job ids are check run ids, tens of billions');
  assert.deepEqual(f.gh.violations, []);
});
