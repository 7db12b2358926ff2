// The tracking issue against the emulator: one open issue per model across
// runs, updated with the latest evidence, closed when the window is healthy,
// and never duplicated (a race's duplicate is closed in favour of the oldest).
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GitHubClient, RepoRef } from '@mlship/github';
import { startEmulator, type GitHubEmulator, type RepoHandle } from '@mlship/github-emulator';
import { freshRepo } from '@mlship/github-emulator/test-kit/fresh-repo';
import type { MonitorVerdict } from './monitor-verdict.ts';
import { MONITOR_LABEL, monitorState, syncTrackingIssue, trackingMarker } from './tracking-issue.ts';

let gh: GitHubEmulator;
let repo: RepoHandle;
let ref: RepoRef;
let client: GitHubClient;
let n = 0;

before(async () => {
  gh = await startEmulator();
});
after(async () => {
  assert.deepEqual(gh.violations, []);
  await gh.stop();
});
beforeEach(() => {
  ({ repo, ref, client } = freshRepo(gh, {
    name: `model-${n++}`,
    login: 'github-actions[bot]',
    permissions: { issues: 'write', contents: 'read', metadata: 'read' },
  }));
});

const degraded: MonitorVerdict = {
  status: 'degraded',
  triggers: [{ kind: 'feature-drift', message: "feature 'age' drifted" }],
  estimateReliable: true,
  quality: [],
  notes: [],
};
const healthy: MonitorVerdict = { ...degraded, status: 'healthy', triggers: [] };
const noTraffic: MonitorVerdict = { ...degraded, status: 'no-traffic', triggers: [] };

const issues = () => [...gh.state.repos.get(`${repo.owner}/${repo.name}`.toLowerCase())!.issues.values()];

test('a trigger opens one labelled issue; the next run updates it instead of opening another', async () => {
  const first = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', degraded),
    markdown: 'run 1',
  });
  assert.equal(first.action, 'opened');
  const second = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', degraded),
    markdown: 'run 2',
  });
  assert.equal(second.action, 'updated');
  assert.equal(second.issueNumber, first.issueNumber);
  const third = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', degraded),
    markdown: 'run 2',
  });
  assert.equal(third.action, 'unchanged');
  assert.equal(issues().length, 1);
  const [issue] = issues();
  assert.deepEqual(issue!.labels, [MONITOR_LABEL]);
  assert.equal(issue!.body, `${trackingMarker('churn')}\nrun 2`);
  // Issue ids are past 2^31, as on github.com.
  assert.ok(issue!.id > 2 ** 31);
});

test('a healthy window closes the issue; no traffic leaves it as it is', async () => {
  const opened = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', degraded),
    markdown: 'drift',
  });
  const quiet = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', noTraffic),
    markdown: 'none',
  });
  assert.equal(quiet.action, 'none');
  assert.equal(issues()[0]!.state, 'open');
  const closed = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', healthy),
    markdown: 'clear',
  });
  assert.equal(closed.action, 'closed');
  assert.equal(closed.issueNumber, opened.issueNumber);
  assert.equal(issues()[0]!.state, 'closed');
  // The condition returning opens a new issue; the closed one stays closed.
  const again = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', degraded),
    markdown: 'drift again',
  });
  assert.equal(again.action, 'opened');
  assert.notEqual(again.issueNumber, opened.issueNumber);
});

test('each model has its own issue; a name that is a prefix of another is not the same model', async () => {
  await syncTrackingIssue(client, ref, { model: 'churn', state: monitorState('churn', degraded), markdown: 'a' });
  const other = await syncTrackingIssue(client, ref, {
    model: 'churn-2',
    state: monitorState('churn-2', degraded),
    markdown: 'b',
  });
  assert.equal(other.action, 'opened');
  assert.equal(issues().length, 2);
});

test('an issue with the marker but without the label (anyone can write a body) is not ours', async () => {
  gh.createIssue(repo, { title: 'planted', body: `${trackingMarker('churn')}\nfake`, user: 'mallory' });
  const result = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', healthy),
    markdown: 'clear',
  });
  assert.equal(result.action, 'none');
  assert.equal(issues()[0]!.state, 'open');
});

test('duplicates from two runs racing are closed in favour of the oldest', async () => {
  const a = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', degraded),
    markdown: 'a',
  });
  const { data: dup } = await client.rest.issues.create({
    ...ref,
    title: 'dup',
    body: `${trackingMarker('churn')}\nb`,
    labels: [MONITOR_LABEL],
  });
  const result = await syncTrackingIssue(client, ref, {
    model: 'churn',
    state: monitorState('churn', degraded),
    markdown: 'c',
  });
  assert.equal(result.issueNumber, a.issueNumber);
  assert.deepEqual(result.closedDuplicates, [dup.number]);
  assert.deepEqual(
    issues().map((i) => i.state),
    ['open', 'closed'],
  );
});

test('evidence longer than an issue body holds is cut with a note, marker kept', async () => {
  const markdown = `${'line of evidence\n'.repeat(5000)}`;
  await syncTrackingIssue(client, ref, { model: 'churn', state: monitorState('churn', degraded), markdown });
  const body = issues()[0]!.body!;
  assert.ok(body.length <= 65_536);
  assert.ok(body.startsWith(`${trackingMarker('churn')}\n`));
  assert.match(body, /cut to fit/);
});
