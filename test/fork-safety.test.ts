// No job a fork's pull request can reach runs the fork's code on a
// self-hosted runner: checked on every template, and the check itself is
// shown to catch the designs that would (the round-1 template among them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/build-actions.ts';
import { forkReachableSelfHostedJobs, isSelfHosted, type Step, type Workflow } from './kit/workflow-trust.ts';

/** The environment docs/security.md tells maintainers to protect with required reviewers. */
const REVIEWED = { reviewedEnvironments: ['fork-training'] };

const dir = join(repoRoot, 'workflows-templates');
const read = (file: string) => parse(readFileSync(join(dir, file), 'utf8')) as Workflow;

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
  test(`${file}: no fork can run its code on a self-hosted runner`, () => {
    assert.deepEqual(forkReachableSelfHostedJobs(read(file), REVIEWED), []);
  });
}

test('the GPU jobs are where the design puts them: pull-request training only in the trusted workflow', () => {
  const selfHosted = (file: string) =>
    Object.entries(read(file).jobs ?? {})
      .filter(([, job]) => isSelfHosted(job['runs-on']))
      .map(([name]) => name);
  assert.deepEqual(selfHosted('mlship-pull-request.yml'), []);
  assert.deepEqual(selfHosted('mlship-train.yml'), ['train', 'train-fork']);
  assert.equal(read('mlship-train.yml').jobs!['train-fork']!.environment, 'fork-training');
});

test('docs/security.md tells maintainers to give the fork environment required reviewers', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'security.md'), 'utf8');
  for (const environment of REVIEWED.reviewedEnvironments) {
    assert.match(doc, new RegExp(`\`${environment}\`[^\\n]*required reviewers`));
  }
});

const checkout = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8';
const headRef = '${{ github.event.workflow_run.head_sha }}';
const onWorkflowRun = { workflow_run: { workflows: ['mlship pull request'], types: ['completed'] } };
const forkGuard = '${{ github.event.workflow_run.head_repository.full_name == github.repository }}';

function reasons(workflow: Workflow): string[] {
  return forkReachableSelfHostedJobs(workflow, REVIEWED).map((v) => `${v.job}: ${v.reason}`);
}

test("a self-hosted job under pull_request is refused whatever its if: says (round 1's template)", () => {
  const round1: Workflow = {
    on: { pull_request: { branches: ['main'] } },
    jobs: {
      data: { 'runs-on': 'ubuntu-latest', steps: [{ uses: checkout }] },
      train: {
        if: '${{ github.event.pull_request.head.repo.full_name == github.repository }}',
        'runs-on': ['self-hosted', 'gpu'],
        environment: 'fork-training',
        steps: [{ uses: checkout }, { run: './train.sh' }],
      },
    },
  };
  assert.match(reasons(round1).join('\n'), /^train: .*pull_request, whose file a fork rewrites/);
  assert.match(reasons({ on: 'pull_request_review', jobs: { t: { 'runs-on': 'gpu-box' } } })[0]!, /^t: /);
});

test('a trusted trigger still needs a guard or a reviewed environment', () => {
  const job = { 'runs-on': ['self-hosted', 'gpu'], steps: [{ uses: checkout }, { run: './train.sh' }] };
  assert.match(
    reasons({ on: onWorkflowRun, jobs: { t: job } })[0]!,
    /waits for no environment with required reviewers/,
  );
  assert.match(
    reasons({ on: ['pull_request_target'], jobs: { t: { ...job, environment: 'production' } } })[0]!,
    /no environment with required reviewers/,
  );
  assert.match(reasons({ on: 'issue_comment', jobs: { t: { ...job, if: forkGuard } } })[0]!, /waits for no/);
  // A guard ORed with anything, or guarding the wrong event, skips no fork.
  assert.equal(reasons({ on: onWorkflowRun, jobs: { t: { ...job, if: `${forkGuard} || true` } } }).length, 1);
  assert.equal(
    reasons({
      on: ['pull_request_target'],
      jobs: { t: { ...job, if: 'github.event.workflow_run.head_repository.full_name == github.repository' } },
    }).length,
    1,
  );
  assert.deepEqual(reasons({ on: onWorkflowRun, jobs: { t: { ...job, if: forkGuard } } }), []);
  assert.deepEqual(
    reasons({
      on: onWorkflowRun,
      jobs: { t: { ...job, if: `github.event.workflow_run.conclusion == 'success' && ${forkGuard.slice(4, -3)}` } },
    }),
    [],
  );
});

test("behind the reviewed environment, only the default branch's code may run", () => {
  const approved = (steps: Step[]): Workflow => ({
    on: onWorkflowRun,
    jobs: { t: { 'runs-on': ['self-hosted', 'gpu'], environment: { name: 'fork-training' }, steps } },
  });
  const asData = { uses: checkout, with: { ref: headRef, path: 'pr', 'persist-credentials': false } };
  assert.deepEqual(reasons(approved([{ uses: checkout }, asData, { run: './train.sh --data pr/data' }])), []);
  const refused: Array<[Step[], RegExp]> = [
    [[{ uses: checkout, with: { ref: headRef } }, { run: './train.sh' }], /over the workspace/],
    [[{ uses: checkout, with: { ref: headRef, path: 'pr' } }], /persist-credentials: false/],
    [[asData, { run: 'bash pr/train.sh' }], /runs code from the pull request's checkout/],
    [[asData, { run: 'cd pr && make' }], /runs code from the pull request's checkout/],
    [[asData, { run: 'echo start\n./pr/train.sh' }], /runs code from the pull request's checkout/],
    [[asData, { run: 'pip install -r pr/requirements.txt' }], /runs code from the pull request's checkout/],
    [[asData, { uses: './pr/.github/actions/train' }], /uses an action from the pull request's checkout/],
    [[asData, { run: 'make', 'working-directory': 'pr/src' }], /runs in the pull request's checkout/],
    [
      [{ uses: checkout, with: { repository: '${{ github.event.workflow_run.head_repository.full_name }}' } }],
      /over the workspace/,
    ],
  ];
  for (const [steps, why] of refused) assert.match(reasons(approved(steps)).join('\n'), why, JSON.stringify(steps));
});

test('only GitHub-hosted images count as GitHub-hosted runners', () => {
  assert.equal(isSelfHosted('ubuntu-latest'), false);
  assert.equal(isSelfHosted('ubuntu-24.04-arm'), false);
  assert.equal(isSelfHosted(['self-hosted', 'gpu']), true);
  assert.equal(isSelfHosted('gpu'), true);
  assert.equal(isSelfHosted({ group: 'gpu-runners' }), true);
  assert.equal(isSelfHosted('${{ matrix.runner }}'), true);
});
