import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget, TargetInputSchema, type EventContext, type TargetLookups } from './target.ts';
import type { PullRequestHead } from '@mlship/github';

const repo = { owner: 'octo', repo: 'x' };
const ctx = (eventName: string, payload: unknown, ref = 'refs/heads/feature'): EventContext => ({
  eventName,
  payload,
  sha: 'merge0sha',
  ref,
  repo,
});

function lookups(pulls: Record<string, PullRequestHead[]> = {}) {
  const asked: string[] = [];
  const l: TargetLookups = {
    openPullRequestsForHead: async (owner, branch) => {
      asked.push(`${owner}:${branch}`);
      return pulls[`${owner}:${branch}`] ?? [];
    },
  };
  return { l, asked };
}

const prPayload = { pull_request: { number: 7, body: 'desc', head: { sha: 'headsha' } } };

test('auto on pull_request is the PR, with its body as a hint and no lookup', async () => {
  const { l, asked } = lookups();
  assert.deepEqual(await resolveTarget('auto', ctx('pull_request', prPayload), l), {
    target: { kind: 'issue', number: 7 },
    bodyHint: 'desc',
  });
  assert.deepEqual((await resolveTarget('auto', ctx('pull_request_target', prPayload), l)).target, {
    kind: 'issue',
    number: 7,
  });
  assert.deepEqual(asked, []);
});

test('auto on push is the open PR of the branch (one lookup), else a commit comment on the pushed commit', async () => {
  const push = { ref: 'refs/heads/feature', after: 'pushedsha' };
  const withPr = lookups({ 'octo:feature': [{ number: 3, headSha: 'pushedsha' }] });
  assert.deepEqual((await resolveTarget('auto', ctx('push', push), withPr.l)).target, { kind: 'issue', number: 3 });
  assert.deepEqual(withPr.asked, ['octo:feature']);
  const none = lookups();
  assert.deepEqual((await resolveTarget('auto', ctx('push', push), none.l)).target, {
    kind: 'commit',
    sha: 'pushedsha',
  });
});

test('a tag push goes to the commit without a lookup', async () => {
  const { l, asked } = lookups();
  const target = await resolveTarget('auto', ctx('push', { ref: 'refs/tags/v1', after: 'tagsha' }, 'refs/tags/v1'), l);
  assert.deepEqual(target.target, { kind: 'commit', sha: 'tagsha' });
  assert.deepEqual(asked, []);
});

test('workflow_run uses the payload PR, or finds a fork PR by its head', async () => {
  const { l } = lookups({
    'forker:patch-1': [
      { number: 40, headSha: 'old' },
      { number: 41, headSha: 'runsha' },
    ],
  });
  const run = (pulls: Array<{ number: number }>) => ({
    workflow_run: {
      head_sha: 'runsha',
      head_branch: 'patch-1',
      head_repository: { owner: { login: 'forker' } },
      pull_requests: pulls,
    },
  });
  assert.deepEqual((await resolveTarget('auto', ctx('workflow_run', run([{ number: 9 }])), l)).target, {
    kind: 'issue',
    number: 9,
  });
  assert.deepEqual((await resolveTarget('auto', ctx('workflow_run', run([])), l)).target, {
    kind: 'issue',
    number: 41,
  });
  assert.deepEqual((await resolveTarget('commit', ctx('workflow_run', run([])), l)).target, {
    kind: 'commit',
    sha: 'runsha',
  });
});

test('commit on a pull_request event is the head commit, never the ephemeral merge commit', async () => {
  const { l } = lookups();
  assert.deepEqual((await resolveTarget('commit', ctx('pull_request', prPayload), l)).target, {
    kind: 'commit',
    sha: 'headsha',
  });
});

test('explicit targets need no event', async () => {
  const { l, asked } = lookups();
  assert.deepEqual((await resolveTarget('pr/12', ctx('', {}), l)).target, { kind: 'issue', number: 12 });
  assert.deepEqual((await resolveTarget('issue/3', ctx('', {}), l)).target, { kind: 'issue', number: 3 });
  assert.deepEqual((await resolveTarget('commit/ABCDEF1', ctx('', {}), l)).target, { kind: 'commit', sha: 'abcdef1' });
  assert.deepEqual(asked, []);
});

test("target 'pr' with no PR is one actionable error", async () => {
  const { l } = lookups();
  await assert.rejects(resolveTarget('pr', ctx('push', { ref: 'refs/heads/feature', after: 'x' }), l), {
    name: 'GitHubAccessError',
    message: /no open pull request has head 'feature' in octo\/x; open one, set target: pr\/NUMBER/,
  });
});

test('the target input is validated', () => {
  for (const ok of ['auto', 'pr', 'commit', 'pr/1', 'issue/22', 'commit/0123abc'])
    assert.ok(TargetInputSchema.safeParse(ok).success, ok);
  for (const bad of ['PR', 'pr/0', 'pr/x', 'issue', 'commit/xyz', 'commit/12', ''])
    assert.ok(!TargetInputSchema.safeParse(bad).success, bad);
});
