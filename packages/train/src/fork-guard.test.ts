import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  checkForkGuard,
  ForkRefusedError,
  type GuardFacts,
  type GuardLookups,
  type RunApproval,
} from './fork-guard.ts';

/** A real payload of @octokit/webhooks-examples (the first that has `key` under `holder`, when given). */
function example(name: string, action?: string, holder?: string, key?: string): Record<string, unknown> {
  const groups = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const found = groups
    .find((g) => g.name === name)
    ?.examples.find(
      (e) => e['action'] === action && (!holder || !key || (e[holder] as Record<string, unknown>)[key] !== undefined),
    );
  assert.ok(found, `${name}.${action ?? ''}`);
  return structuredClone(found);
}

const DEFAULT_SHA = 'd'.repeat(40);
const FORK_HEAD = 'f'.repeat(40);

function workflowRun(headRepo: string, author = 'contributor'): Record<string, unknown> {
  const payload = example('workflow_run', 'completed', 'workflow_run', 'actor');
  const run = payload['workflow_run'] as Record<string, unknown>;
  (run['head_repository'] as Record<string, unknown>)['full_name'] = headRepo;
  run['head_sha'] = FORK_HEAD;
  (run['actor'] as Record<string, unknown>)['login'] = author;
  (payload['repository'] as Record<string, unknown>)['full_name'] = 'octo-org/churn';
  (payload['repository'] as Record<string, unknown>)['default_branch'] = 'main';
  return payload;
}

function facts(payload: Record<string, unknown>, more: Partial<GuardFacts> = {}): GuardFacts {
  return {
    runnerEnvironment: 'self-hosted',
    eventName: 'workflow_run',
    repository: 'octo-org/churn',
    payload,
    workflowRef: 'octo-org/churn/.github/workflows/mlship-train.yml@refs/heads/main',
    sha: DEFAULT_SHA,
    approvalEnvironment: 'fork-training',
    ...more,
  };
}

/** `head: null` is a workspace that is not a git checkout. */
function lookups(approvals: RunApproval[], head: string | null = DEFAULT_SHA): GuardLookups & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    approvals: async () => {
      calls.push('approvals');
      return approvals;
    },
    workspaceHead: async () => {
      calls.push('head');
      return head ?? undefined;
    },
  };
}

async function refusal(f: GuardFacts, l: GuardLookups): Promise<string> {
  try {
    await checkForkGuard(f, l);
  } catch (error) {
    assert.ok(error instanceof ForkRefusedError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail('the guard let it train');
}

const approvedBy = (user: string): RunApproval[] => [{ state: 'approved', environments: ['fork-training'], user }];

test("a fork's pull_request on a self-hosted runner is refused; a branch of the repository trains", async () => {
  const payload = example('pull_request', 'opened');
  const pull = payload['pull_request'] as {
    head: { repo: { full_name: string } | null };
    base: { repo: { full_name: string } };
  };
  const base = pull.base.repo.full_name;
  pull.head.repo!.full_name = base;
  await checkForkGuard(facts(payload, { eventName: 'pull_request', repository: base }), lookups([]));
  pull.head.repo!.full_name = 'mallory/Hello-World';
  assert.equal(
    await refusal(facts(payload, { eventName: 'pull_request', repository: base }), lookups([])),
    "refusing to train on a self-hosted runner: this pull_request comes from the fork mallory/Hello-World, and a fork's pull request runs its own copy of this workflow; train forks from mlship-train.yml (workflow_run, after approval): see docs/security.md",
  );
  pull.head.repo = null;
  assert.match(
    await refusal(facts(payload, { eventName: 'pull_request', repository: base }), lookups([])),
    /comes from a deleted fork/,
  );
});

test('GitHub-hosted runners are disposable: no check', async () => {
  const l = lookups([]);
  await checkForkGuard(facts(workflowRun('mallory/churn'), { runnerEnvironment: 'github-hosted' }), l);
  assert.deepEqual(l.calls, []);
});

test('a workflow_run for a branch of the repository trains without looking anything up', async () => {
  const l = lookups([]);
  await checkForkGuard(facts(workflowRun('octo-org/churn')), l);
  assert.deepEqual(l.calls, []);
});

test("a fork's workflow_run trains only after someone other than its author approved fork-training", async () => {
  assert.equal(
    await refusal(facts(workflowRun('mallory/churn', 'mallory')), lookups([])),
    "refusing to train on a self-hosted runner: this workflow_run run is for the fork mallory/churn and no one but its author approved the 'fork-training' environment for it; give the job 'environment: fork-training' with required reviewers: see docs/security.md",
  );
  assert.match(
    await refusal(facts(workflowRun('mallory/churn', 'mallory')), lookups(approvedBy('mallory'))),
    /no one but its author/,
  );
  assert.match(
    await refusal(
      facts(workflowRun('mallory/churn', 'mallory')),
      lookups([{ state: 'rejected', environments: ['fork-training'], user: 'maintainer' }]),
    ),
    /no one but its author/,
  );
  assert.match(
    await refusal(
      facts(workflowRun('mallory/churn', 'mallory')),
      lookups([{ state: 'approved', environments: ['staging'], user: 'maintainer' }]),
    ),
    /no one but its author/,
  );
  await checkForkGuard(facts(workflowRun('mallory/churn', 'mallory')), lookups(approvedBy('maintainer')));
});

test("an approved fork run still needs the default branch's code in the workspace, not the fork's", async () => {
  const payload = workflowRun('mallory/churn', 'mallory');
  assert.match(
    await refusal(facts(payload), lookups(approvedBy('maintainer'), FORK_HEAD)),
    /^refusing to train on a self-hosted runner: the workspace holds commit f{40}, not the default branch's d{40}; for the fork mallory\/churn check out the default branch's code and the fork's files apart, as data \(path: pr\): see docs\/security\.md$/,
  );
  assert.match(
    await refusal(facts(payload), lookups(approvedBy('maintainer'), null)),
    /the workspace holds no git checkout/,
  );
});

test('a workflow_run whose workflow file is not the default branch one is refused', async () => {
  assert.equal(
    await refusal(
      facts(workflowRun('octo-org/churn'), {
        workflowRef: 'octo-org/churn/.github/workflows/mlship-train.yml@refs/heads/feature',
      }),
      lookups([]),
    ),
    'refusing to train on a self-hosted runner: a workflow_run workflow must come from the default branch, but GITHUB_WORKFLOW_REF is octo-org/churn/.github/workflows/mlship-train.yml@refs/heads/feature; see docs/security.md',
  );
});

test("pull_request_target from a fork: the same approval, the PR's author from its payload", async () => {
  const payload = example('pull_request', 'opened');
  const pull = payload['pull_request'] as {
    head: { repo: { full_name: string }; sha: string };
    user: { login: string };
  };
  const base = 'Codertocat/Hello-World';
  pull.head.repo.full_name = 'mallory/Hello-World';
  pull.head.sha = FORK_HEAD;
  pull.user.login = 'mallory';
  const f = facts(payload, {
    eventName: 'pull_request_target',
    repository: base,
    workflowRef: `${base}/.github/workflows/train.yml@refs/heads/master`,
  });
  assert.match(await refusal(f, lookups(approvedBy('mallory'))), /no one but its author approved/);
  await checkForkGuard(f, lookups(approvedBy('octocat')));
});

test('events a fork cannot start (push, schedule, workflow_dispatch) train', async () => {
  for (const eventName of ['push', 'schedule', 'workflow_dispatch']) {
    const l = lookups([]);
    await checkForkGuard(facts(example('push'), { eventName, runnerEnvironment: undefined }), l);
    assert.deepEqual(l.calls, []);
  }
});
