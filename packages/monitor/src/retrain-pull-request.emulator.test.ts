// The retraining pull request against the emulator: opened from the pushed
// branch with the report as its body, updated (never a second one) when the
// monitor fires again, and refused with GitHub's answers for a branch that
// was not pushed.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GitHubClient, RepoRef } from '@mlship/github';
import { startEmulator, type GitHubEmulator, type RepoHandle } from '@mlship/github-emulator';
import { freshRepo } from '@mlship/github-emulator/test-kit/fresh-repo';
import { openRetrainPullRequest, retrainBranch, retrainMarker } from './retrain-pull-request.ts';

let gh: GitHubEmulator;
let repo: RepoHandle;
let ref: RepoRef;
let client: GitHubClient;
let n = 0;

before(async () => {
  gh = await startEmulator();
});
after(async () => {
  await gh.stop();
});
beforeEach(() => {
  // What a GitHub App installation token for the retraining workflow holds.
  ({ repo, ref, client } = freshRepo(gh, {
    name: `retrain-${n++}`,
    login: 'mlship-retrain[bot]',
    permissions: { contents: 'write', 'pull-requests': 'write', metadata: 'read' },
  }));
});

const pulls = () =>
  [...gh.state.repos.get(repo.fullName.toLowerCase())!.issues.values()].filter((i) => i.pullRequest !== undefined);

test('opens one pull request from the pushed branch; the next firing updates it', async () => {
  const head = retrainBranch('churn');
  gh.createCommit(repo, { branch: head, message: 'Retrain churn on fresh data' });
  const first = await openRetrainPullRequest(client, ref, { model: 'churn', head, base: 'main', report: 'drift 1' });
  assert.equal(first.action, 'opened');
  gh.createCommit(repo, { branch: head, message: 'Retrain churn on fresher data' });
  const second = await openRetrainPullRequest(client, ref, { model: 'churn', head, base: 'main', report: 'drift 2' });
  assert.equal(second.action, 'updated');
  assert.equal(second.number, first.number);
  const again = await openRetrainPullRequest(client, ref, { model: 'churn', head, base: 'main', report: 'drift 2' });
  assert.equal(again.action, 'unchanged');
  assert.equal(pulls().length, 1);
  const [pull] = pulls();
  assert.ok(pull!.body!.startsWith(`${retrainMarker('churn')}\n`));
  assert.match(pull!.body!, /drift 2$/);
  assert.equal(pull!.title, 'Retrain churn on fresh data');
  assert.equal(pull!.user.login, 'mlship-retrain[bot]');
  assert.deepEqual(gh.violations, []);
});

test('a branch that was not pushed is refused as GitHub refuses it', async () => {
  await assert.rejects(
    openRetrainPullRequest(client, ref, { model: 'churn', head: 'mlship/retrain/churn', base: 'main', report: 'x' }),
    (error: { status?: number }) => error.status === 422,
  );
});

test('a model name with markdown in it stays text in the body', async () => {
  const model = 'churn_[x](http://evil)';
  gh.createCommit(repo, { branch: 'mlship/retrain/odd', message: 'Retrain' });
  await openRetrainPullRequest(client, ref, { model, head: 'mlship/retrain/odd', base: 'main', report: 'r' });
  assert.match(pulls()[0]!.body!, /`churn_\[x\]\(http:\/\/evil\)`/);
});
