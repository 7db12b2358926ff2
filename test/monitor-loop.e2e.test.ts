// The production loop on the emulator, each step as the runner runs it:
// penguins@prod serves traffic that drifts (a shifted copy of the data); the
// scheduled monitor opens the model's tracking issue; the retraining workflow
// pushes fresh data on its branch and opens one pull request with the
// monitoring report as its body and sticky comment, with the App token; the
// pull request's validation of the model retrained on fresh data passes
// against prod; the release publishes it and promotes it to prod; the next
// window, served by the new version, is healthy and closes the issue. The
// drifting half runs twice: one issue, one pull request, one comment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type GitHubEmulator, type RepoHandle } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { readOnnxSignature } from '@mlship/onnx';
import { calibrateHoldout, readMonitorPolicy, retrainBranch, MONITOR_LABEL, type MonitorPolicy } from '@mlship/monitor';
import { servedPenguins, type ServedPenguins, type Shift } from '@mlship/monitor/test-kit';
import { runBundledAction, webhookEvent } from './harness/index.ts';

const SHIFT: Shift = { bill_length_mm: 4, flipper_length_mm: 8 };
const VALIDATION_POLICY = `schemaVersion: 1
task: classification
label: species
features: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]
bootstrap: { replicates: 200, seed: 7 }
gates:
  - accuracy >= 0.85
  - metric: accuracy
    max_drop: 0.02
`;

let gh: GitHubEmulator;
let repo: RepoHandle;
let workspace: string;
let served: ServedPenguins;
let policy: MonitorPolicy;
let registry: RegistryService;
let jobToken: string;
let appToken: string;

before(async () => {
  gh = await startEmulator();
  repo = gh.createRepo({ owner: 'octo-org', name: 'penguin-model' });
  const sha = gh.createCommit(repo, { branch: 'main', message: 'model code' });
  // The scheduled job's GITHUB_TOKEN, and the GitHub App's installation token the retraining workflow mints.
  jobToken = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'read', issues: 'write', checks: 'write' },
  });
  appToken = gh.createToken({
    login: 'mlship-retrain[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'write', 'pull-requests': 'write', issues: 'write' },
  });
  const releaseToken = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'write' },
  });
  registry = new RegistryService(
    new GitHubStore({
      client: createGitHubClient({ token: releaseToken, baseUrl: gh.apiUrl, throttle: false }),
      owner: repo.owner,
      repo: repo.name,
    }),
    { actor: 'release', readSignature: readOnnxSignature },
  );
  workspace = await mkdtemp(join(tmpdir(), 'mlship-monitor-loop-'));
  served = await servedPenguins(workspace);
  policy = await readMonitorPolicy(served.policy);
  await writeFile(join(workspace, 'validation-policy.yml'), VALIDATION_POLICY);
  // Production today: v1.0.0, trained on the data as it was, with its reference profile and calibration.
  const v1 = await served.retrain('v1', {});
  await publish('v1.0.0', v1, sha);
});
after(async () => {
  await gh.stop();
  await rm(workspace, { recursive: true, force: true });
});

async function publish(version: string, model: Awaited<ReturnType<ServedPenguins['retrain']>>, commit: string) {
  // What `mlship monitor calibrate` writes from the version's labelled holdout rows.
  const holdout = await served.writeWindow(`${version}-calibration-rows.csv`, {
    rows: 600,
    seed: 11,
    labelShare: 1,
    fit: model.fit,
  });
  await mkdir(join(workspace, version));
  const calibrationAsset = join(workspace, version, 'calibration.json');
  await writeFile(calibrationAsset, JSON.stringify(await calibrateHoldout(holdout, policy)));
  await registry.publish({
    name: 'penguins',
    version,
    commit,
    files: [
      { path: model.model, role: 'model' },
      { path: model.profile, role: 'data-profile' },
      { path: calibrationAsset, role: 'other' },
    ],
  });
  await registry.promote({ name: 'penguins', version, stage: 'prod' });
}

const event = () => webhookEvent('workflow_dispatch', '', { repo, sha: ofRepo().refs.get('refs/heads/main')!.sha });
const ofRepo = () => gh.state.repos.get(repo.fullName.toLowerCase())!;
const trackingIssues = () => [...ofRepo().issues.values()].filter((i) => i.labels.includes(MONITOR_LABEL));
const retrainPulls = () =>
  [...ofRepo().issues.values()].filter((i) => i.pullRequest?.head === retrainBranch('penguins'));

function monitor(window: string) {
  return runBundledAction('monitor', {
    inputs: { data: window, policy: 'monitor.yml', model: 'penguins@prod' },
    event: event(),
    emulator: gh,
    token: jobToken,
    cwd: workspace,
    timeoutMs: 60_000,
  });
}

/** The monitor's run and, when it fires, the retraining workflow it calls. */
async function scheduledRun(seed: number) {
  const window = await served.writeWindow(`window-${seed}.csv`, { rows: 600, seed, labelShare: 0.3, shift: SHIFT });
  const monitored = await monitor(window);
  assert.equal(monitored.exitCode, 0, monitored.stderr);
  assert.equal(monitored.outputs.retrain, 'true');
  // The retraining workflow: the fresh data pointer pushed on its branch (git push), then the pull request.
  gh.createCommit(repo, { branch: retrainBranch('penguins'), message: `Retrain penguins on fresh data (${seed})` });
  const opened = await runBundledAction('retrain-pr', {
    inputs: { model: 'penguins', report: monitored.outputs['report-path']!, 'app-token': appToken },
    event: event(),
    emulator: gh,
    token: jobToken,
    cwd: workspace,
    timeoutMs: 60_000,
  });
  assert.equal(opened.exitCode, 0, opened.stderr);
  const pull = opened.outputs['pull-request-number']!;
  const commented = await runBundledAction('report', {
    inputs: {
      report: monitored.outputs['report-path']!,
      target: `pr/${pull}`,
      key: 'penguins-monitor',
      token: appToken,
    },
    event: event(),
    emulator: gh,
    token: jobToken,
    cwd: workspace,
    timeoutMs: 60_000,
  });
  assert.equal(commented.exitCode, 0, commented.stderr);
  return { issue: monitored.outputs['issue-number'], pull, action: opened.outputs.action };
}

test(
  'drift opens the issue and one retraining pull request with the report; a second run duplicates nothing',
  { timeout: 300_000 },
  async () => {
    const first = await scheduledRun(21);
    assert.equal(first.action, 'opened');
    const second = await scheduledRun(22);
    assert.equal(second.action, 'updated');
    assert.equal(second.issue, first.issue);
    assert.equal(second.pull, first.pull);
    assert.equal(trackingIssues().length, 1);
    assert.equal(trackingIssues()[0]!.state, 'open');
    assert.equal(retrainPulls().length, 1);
    const pull = retrainPulls()[0]!;
    assert.equal(pull.user.login, 'mlship-retrain[bot]', 'opened with the App token, so its workflows run');
    assert.equal(
      pull.pullRequest!.headSha,
      ofRepo().refs.get(`refs/heads/${retrainBranch('penguins')}`)!.sha,
      "the second run's push is what the pull request's checks see",
    );
    assert.match(pull.body!, /### ❌ Monitoring: penguins/);
    assert.match(pull.body!, /window-22\.csv/);
    const comments = ofRepo().issueComments.filter((c) => c.issueNumber === pull.number);
    assert.equal(comments.length, 1, 'one sticky comment');
    assert.match(comments[0]!.body, /feature-drift/);
    assert.deepEqual(gh.violations, []);
  },
);

test(
  "the pull request's validation passes, the release publishes, prod moves, and the next window closes the issue",
  { timeout: 300_000 },
  async () => {
    const fresh = await served.retrain('v1.1.0', SHIFT);
    const validated = await runBundledAction('validate', {
      inputs: {
        candidate: fresh.model,
        baseline: 'penguins@prod',
        data: fresh.holdout,
        policy: 'validation-policy.yml',
        'output-dir': 'validate',
      },
      event: webhookEvent('pull_request', 'synchronize', {
        repo,
        pr: {
          number: retrainPulls()[0]!.number,
          head: retrainBranch('penguins'),
          base: 'main',
          headSha: retrainPulls()[0]!.pullRequest!.headSha,
          baseSha: retrainPulls()[0]!.pullRequest!.baseSha,
          id: retrainPulls()[0]!.id,
        },
      }),
      emulator: gh,
      token: jobToken,
      cwd: workspace,
      timeoutMs: 90_000,
    });
    assert.equal(validated.exitCode, 0, validated.stderr);
    assert.equal(validated.outputs.verdict, 'pass');

    // Merged by a person; the release workflow publishes and the deploy promotes.
    await publish('v1.1.0', fresh, retrainPulls()[0]!.pullRequest!.headSha);
    assert.equal((await registry.resolve('penguins@prod')).version, 'v1.1.0');

    const window = await served.writeWindow('window-after.csv', {
      rows: 600,
      seed: 23,
      labelShare: 0.3,
      shift: SHIFT,
      fit: fresh.fit,
    });
    const healthy = await monitor(window);
    assert.equal(healthy.exitCode, 0, healthy.stderr);
    assert.equal(healthy.outputs.status, 'healthy', healthy.summary);
    assert.match(healthy.summary, /`penguins@v1\.1\.0`/);
    assert.deepEqual(
      trackingIssues().map((i) => i.state),
      ['closed'],
    );
    assert.equal(retrainPulls().length, 1);
    assert.deepEqual(gh.violations, []);
  },
);
