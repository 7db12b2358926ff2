// The production loop on the emulator and the reference server, each step as
// the runner runs it: mlship serve serves penguins@prod, and its traffic
// drifts (a shifted copy of the data, labels sent back by request id for a
// share of it); the scheduled monitor reads the server's prediction log and
// opens the model's tracking issue; the retraining workflow pushes fresh data
// on its branch and opens one pull request with the monitoring report as its
// body and sticky comment, with the App token; the pull request's validation
// of the model retrained on fresh data passes against prod; the release
// publishes it; the deploy controller rolls it out through the same server as
// a judged canary and promotes it; the next window, served by the new
// version, is healthy and closes the issue. Re-runs and re-delivered events
// duplicate nothing: the drifting window, the release, the deploy's start
// and the healthy window each run twice, and leave one issue, one pull
// request with one comment, one release per version and one deployment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type GitHubEmulator, type RepoHandle } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { readOnnxSignature } from '@mlship/onnx';
import { DEMO_FEATURES } from '@mlship/demo';
import { seededRandom } from '@mlship/eval';
import { calibrateHoldout, readMonitorPolicy, retrainBranch, MONITOR_LABEL, type MonitorPolicy } from '@mlship/monitor';
import { servedPenguins, type Penguin, type ServedPenguins, type Shift } from '@mlship/monitor/test-kit';
import { startServe, ROUTING_KEY_HEADER, type RunningServer } from '@mlship/serve';
import { runBundledAction, webhookEvent } from './harness/index.ts';

const SHIFT: NonNullable<Shift> = { bill_length_mm: 4, flipper_length_mm: 8 };
const POLICY = `schemaVersion: 1
task: classification
label: species
features: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]
bootstrap: { replicates: 200, seed: 7 }
gates:
  - accuracy >= 0.85
  - metric: accuracy
    max_drop: 0.02
canary:
  steps: [10, 50, 100]
  # The test's traffic arrives in seconds; a real rollout keeps each step for minutes.
  min_minutes: 0
  min_requests: 20
  min_labels: 100
  guardrails:
    # The retrained model is meant to answer the shifted inputs differently.
    prediction_drift: false
`;
/** Labelled requests served before each controller run. */
const REQUESTS_PER_RUN = 250;

let gh: GitHubEmulator;
let repo: RepoHandle;
let workspace: string;
let served: ServedPenguins;
let policy: MonitorPolicy;
let registry: RegistryService;
let server: RunningServer;
let jobToken: string;
let appToken: string;
let deployToken: string;
let releaseToken: string;
let requests = 0;

before(async () => {
  gh = await startEmulator({ rateLimitPerHour: 1_000_000 });
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
  deployToken = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'write', deployments: 'write' },
  });
  releaseToken = gh.createToken({
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
  await writeFile(join(workspace, 'policy.yml'), POLICY);
  // Production today: v1.0.0, trained on the data as it was, with its reference profile and calibration.
  const v1 = await served.retrain('v1', {});
  await publish('v1.0.0', v1, sha);
  await registry.promote({ name: 'penguins', version: 'v1.0.0', stage: 'prod' });
  server = await startServe({
    model: 'penguins@prod',
    registry,
    cwd: workspace,
    dataDir: join(workspace, 'serve'),
    port: 0,
    // Stages are re-read when the controller moved them (reload()), not on a timer.
    watchIntervalMs: 0,
  });
});
after(async () => {
  await server?.close();
  await gh.stop();
  await rm(workspace, { recursive: true, force: true });
});

/** What `mlship monitor calibrate` writes from a version's labelled holdout rows (drawn from the world it was trained on). */
async function calibrationFor(version: string, fit: ServedPenguins['fit'], shift: Shift): Promise<string> {
  const holdout = await served.writeWindow(`${version}-calibration-rows.csv`, {
    rows: 600,
    seed: 11,
    labelShare: 1,
    fit,
    shift,
  });
  await mkdir(join(workspace, version));
  const calibrationAsset = join(workspace, version, 'calibration.json');
  await writeFile(calibrationAsset, JSON.stringify(await calibrateHoldout(holdout, policy)));
  return calibrationAsset;
}

async function publish(version: string, model: Awaited<ReturnType<ServedPenguins['retrain']>>, commit: string) {
  const calibrationAsset = await calibrationFor(version, model.fit, {});
  await registry.publish({
    name: 'penguins',
    version,
    commit,
    files: [
      { path: model.model, role: 'model' },
      { path: model.profile, role: 'data-profile' },
      { path: calibrationAsset, role: 'calibration' },
    ],
  });
}

/**
 * Users' requests through the server, one penguin each (the held-out rows,
 * shifted as the world moved, with a little measurement noise), and the
 * label sent back by request id for a share of them.
 */
async function serveTraffic(count: number, labelShare: number, seed: number): Promise<void> {
  const input = ((await (await fetch(`${server.url}/v2/models/penguins`)).json()) as { inputs: { name: string }[] })
    .inputs[0]!.name;
  const rows: Penguin[] = served.holdout;
  const random = seededRandom(seed);
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    await res.arrayBuffer();
  };
  let last: { kind: 'prediction' | 'label'; id: string } | undefined;
  for (let i = 0; i < count; i++) {
    const row = rows[Math.floor(random() * rows.length)]!;
    const features = row.features.map((v, j) => v * (1 + (random() - 0.5) * 0.02) + (SHIFT[DEMO_FEATURES[j]!] ?? 0));
    const id = `r${requests++}`;
    await post(
      '/v2/models/penguins/infer',
      { id, inputs: [{ name: input, shape: [1, features.length], datatype: 'FP32', data: features }] },
      { [ROUTING_KEY_HEADER]: `user-${id}` },
    );
    last = { kind: 'prediction', id };
    if (random() < labelShare) {
      await post('/v2/mlship/models/penguins/feedback', { id, label: row.species });
      last = { kind: 'label', id };
    }
  }
  if (last) await logged(last);
}

/**
 * Waits (bounded) until the server's log holds the last record written: it
 * writes lines in batches, in order, so every record before it is there too.
 */
async function logged(last: { kind: 'prediction' | 'label'; id: string }): Promise<void> {
  const dir = join(workspace, 'serve', 'predictions');
  const kind = `"kind":"${last.kind}"`;
  const id = `"id":${JSON.stringify(last.id)}`;
  for (let i = 0; i < 200; i++) {
    for (const file of await readdir(dir))
      if ((await readFile(join(dir, file), 'utf8')).split('\n').some((l) => l.includes(kind) && l.includes(id))) return;
    await sleep(50);
  }
  throw new Error(`the server's log never held the ${last.kind} of request ${last.id}`);
}

const event = () => webhookEvent('workflow_dispatch', '', { repo, sha: ofRepo().refs.get('refs/heads/main')!.sha });
const ofRepo = () => gh.state.repos.get(repo.fullName.toLowerCase())!;
const trackingIssues = () => [...ofRepo().issues.values()].filter((i) => i.labels.includes(MONITOR_LABEL));
const retrainPulls = () =>
  [...ofRepo().issues.values()].filter((i) => i.pullRequest?.head === retrainBranch('penguins'));

/** The scheduled monitor over the server's log since `since`. */
function monitor(since: Date) {
  return runBundledAction('monitor', {
    inputs: { data: 'serve', since: since.toISOString(), policy: 'monitor.yml', model: 'penguins' },
    event: event(),
    emulator: gh,
    token: jobToken,
    cwd: workspace,
    timeoutMs: 60_000,
  });
}

/** A window of drifted traffic, the monitor's run and, when it fires, the retraining workflow it calls. */
async function scheduledRun(seed: number) {
  const since = new Date();
  await serveTraffic(300, 0.3, seed);
  const monitored = await monitor(since);
  assert.equal(monitored.exitCode, 0, monitored.stderr);
  assert.equal(monitored.outputs.retrain, 'true', monitored.summary);
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
  return { issue: monitored.outputs['issue-number'], pull, action: opened.outputs.action, monitored };
}

/** A deploy controller run, as the scheduled deploy job runs it. */
function deploy(inputs: Record<string, string>) {
  return runBundledAction('deploy', {
    inputs: { 'server-url': server.url, policy: 'policy.yml', ...inputs },
    event: event(),
    emulator: gh,
    token: deployToken,
    cwd: workspace,
    workflow: 'mlship deploy',
    job: 'controller',
    timeoutMs: 60_000,
  });
}

test(
  "drift in the server's traffic opens the issue and one retraining pull request with the report; a second run duplicates nothing",
  { timeout: 300_000 },
  async () => {
    const first = await scheduledRun(21);
    assert.equal(first.action, 'opened');
    assert.match(first.monitored.summary, /300 rows/);
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
    assert.match(pull.body!, /feature-drift/);
    const comments = ofRepo().issueComments.filter((c) => c.issueNumber === pull.number);
    assert.equal(comments.length, 1, 'one sticky comment');
    assert.deepEqual(gh.violations, []);
  },
);

test(
  "the pull request's validation passes, the release publishes once, the deploy controller promotes it through the server once, and the next window closes the issue",
  { timeout: 600_000 },
  async () => {
    const fresh = await served.retrain('v1.1.0', SHIFT);
    const pull = retrainPulls()[0]!;
    const validated = await runBundledAction('validate', {
      inputs: {
        candidate: fresh.model,
        baseline: 'penguins@prod',
        data: fresh.holdout,
        policy: 'policy.yml',
        'output-dir': 'validate',
      },
      event: webhookEvent('pull_request', 'synchronize', {
        repo,
        pr: {
          number: pull.number,
          head: retrainBranch('penguins'),
          base: 'main',
          headSha: pull.pullRequest!.headSha,
          baseSha: pull.pullRequest!.baseSha,
          id: pull.id,
        },
      }),
      emulator: gh,
      token: jobToken,
      cwd: workspace,
      timeoutMs: 90_000,
    });
    assert.equal(validated.exitCode, 0, validated.stderr);
    assert.equal(validated.outputs.verdict, 'pass');

    // Merged by a person; the release workflow publishes (as its publish job does), and re-run, publishes nothing new.
    const freshCalibration = await calibrationFor('v1.1.0', fresh.fit, SHIFT);
    const merged = gh.createCommit(repo, { branch: 'main', message: `Merge pull request #${pull.number}` });
    const release = () =>
      runBundledAction('registry', {
        inputs: {
          command: 'publish',
          name: 'penguins',
          bump: 'minor',
          files: fresh.model,
          card: validated.outputs['model-card-path']!,
          'data-profile': fresh.profile,
          calibration: freshCalibration,
        },
        event: webhookEvent('push', '', { repo, sha: merged }),
        emulator: gh,
        token: releaseToken,
        cwd: workspace,
        timeoutMs: 60_000,
      });
    const published = await release();
    assert.equal(published.exitCode, 0, published.stderr);
    assert.deepEqual([published.outputs.version, published.outputs.created], ['v1.1.0', 'true']);
    const republished = await release();
    assert.equal(republished.exitCode, 0, republished.stderr);
    assert.deepEqual([republished.outputs.version, republished.outputs.created], ['v1.1.0', 'false']);
    assert.deepEqual(
      ofRepo().releases.map((r) => r.tagName),
      ['penguins@v1.0.0', 'penguins@v1.1.0'],
      'one release per version',
    );

    // The deploy job the release calls, then the scheduled controller until it decides; a re-delivered start joins the rollout.
    const started = await deploy({ version: published.outputs.tag! });
    assert.equal(started.exitCode, 0, started.stderr + started.stdout);
    assert.equal(started.outputs['action'], 'started');
    const actions: string[] = [];
    for (let run = 0; run < 12 && !['promoted', 'rolled-back', 'inconclusive'].includes(actions.at(-1) ?? ''); run++) {
      await serveTraffic(REQUESTS_PER_RUN, 1, 100 + run);
      const step = await deploy(run === 0 ? { version: published.outputs.tag! } : { model: 'penguins' });
      assert.equal(step.exitCode, 0, step.stderr + step.stdout);
      actions.push(step.outputs['action']!);
      // The controller moved the registry's stages: the server follows them now.
      await server.reload();
    }
    assert.equal(actions.at(-1), 'promoted', actions.join(', '));
    assert.equal((await registry.resolve('penguins@prod')).version, 'v1.1.0');
    assert.equal(server.traffic.state().prod, 'v1.1.0', 'the server serves the promoted version');
    const again = await deploy({ version: published.outputs.tag! });
    assert.equal(again.exitCode, 0, again.stderr + again.stdout);
    assert.equal(again.outputs['action'], 'idle', "a re-run of the release's deploy starts nothing");
    assert.equal(ofRepo().deployments.length, 1, 'one deployment per rollout');
    assert.equal(ofRepo().deployments[0]!.statuses.at(-1)!.state, 'success');

    // Two scheduled runs over traffic the new version served: healthy, the issue closed once and left closed.
    for (const seed of [23, 24]) {
      const since = new Date();
      await serveTraffic(300, 0.3, seed);
      const healthy = await monitor(since);
      assert.equal(healthy.exitCode, 0, healthy.stderr);
      assert.equal(healthy.outputs.status, 'healthy', healthy.summary);
      assert.equal(healthy.outputs.retrain, 'false');
      assert.match(healthy.summary, /`penguins@v1\.1\.0`/);
      assert.deepEqual(
        trackingIssues().map((i) => i.state),
        ['closed'],
      );
    }
    assert.equal(retrainPulls().length, 1);
    assert.deepEqual(gh.violations, []);
  },
);
