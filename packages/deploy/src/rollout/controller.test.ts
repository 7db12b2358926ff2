// The controller against the GitHub emulator (Deployments, statuses, refs,
// the registry on releases and tags) and a simulated serving runtime behind
// the reference server's HTTP API: whole rollouts, step by step.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import { parsePolicy } from '@mlship/eval';
import { runController, type ControllerDeps, type ControllerResult } from './controller.ts';
import { CHURN_POLICY, MODEL } from '../../test-kit/churn-fixture.ts';
import { rolloutWorld, type RolloutWorld } from '../../test-kit/rollout-world.ts';

let gh: GitHubEmulator;
const worlds: RolloutWorld[] = [];

before(async () => {
  gh = await startEmulator({ rateLimitPerHour: 1_000_000 });
});
after(async () => {
  await gh.stop();
});
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
  assert.deepEqual(gh.violations, [], 'every request and response matched the OpenAPI description');
});

async function world(canary: 'good' | 'bad' | 'broken'): Promise<RolloutWorld> {
  const w = await rolloutWorld(gh, { canary });
  worlds.push(w);
  return w;
}

const policy = parsePolicy(CHURN_POLICY, 'policy.yml');

async function start(w: RolloutWorld): Promise<ControllerResult> {
  return runController(
    { command: 'start', model: MODEL, version: 'v1.1.0', environment: 'production', policy },
    w.deps(),
  );
}

/** Serves traffic and runs the controller every 11 minutes until the rollout ends (bounded). */
async function runUntilDone(w: RolloutWorld, requestsPerRun = 1000): Promise<ControllerResult[]> {
  const results: ControllerResult[] = [];
  for (let run = 0; run < 40; run++) {
    w.replay(requestsPerRun);
    w.now.ms += 11 * 60_000;
    const r = await runController({ command: 'step', model: MODEL }, w.deps());
    results.push(r);
    if (r.action === 'promoted' || r.action === 'rolled-back' || r.action === 'inconclusive') return results;
  }
  throw new Error(`no decision after 40 runs: ${results.at(-1)?.text}`);
}

function statuses(w: RolloutWorld): string[] {
  const d = gh.repo(w.repo).deployments.at(-1)!;
  return d.statuses.map((s) => `${s.state}: ${s.description}`);
}

test('a good canary walks 10% → 50% → 100% one step per run and is promoted', async () => {
  const w = await world('good');
  const started = await start(w);
  assert.equal(started.action, 'started');
  assert.deepEqual(w.runtime.traffic, {
    ...w.runtime.traffic,
    prod: 'v1.0.0',
    canary: 'v1.1.0',
    canaryWeight: 10,
    shadow: true,
  });
  assert.equal((await w.registry.resolve(`${MODEL}@canary`)).version, 'v1.1.0');

  const results = await runUntilDone(w);
  const actions = results.map((r) => r.action);
  assert.deepEqual(
    actions.filter((a) => a !== 'held'),
    ['advanced', 'advanced', 'promoted'],
  );
  const last = results.at(-1)!;
  assert.match(
    last.text,
    /^promoted churn v1\.1\.0 to prod \(was v1\.0\.0\): every gate passed on \d+ labelled requests/,
  );
  assert.equal((await w.registry.resolve(`${MODEL}@prod`)).version, 'v1.1.0');
  await assert.rejects(w.registry.resolve(`${MODEL}@canary`), /has no version in stage 'canary'/);
  assert.deepEqual(
    { prod: w.runtime.traffic.prod, canary: w.runtime.traffic.canary, weight: w.runtime.traffic.canaryWeight },
    { prod: 'v1.1.0', canary: null, weight: 0 },
  );
  assert.deepEqual(statuses(w), [
    'in_progress: step 1/3: canary v1.1.0 serves 10% (prod v1.0.0)',
    'in_progress: step 2/3: canary v1.1.0 serves 50% (prod v1.0.0)',
    'in_progress: step 3/3: canary v1.1.0 serves 100% (prod v1.0.0)',
    `success: ${gh.repo(w.repo).deployments.at(-1)!.statuses.at(-1)!.description}`,
  ]);
  const deployment = gh.repo(w.repo).deployments.at(-1)!;
  assert.equal(deployment.statuses.at(-1)!.state, 'success');
  assert.equal(deployment.statuses.at(-1)!.logUrl, `${gh.serverUrl}/${w.repo.fullName}/actions/runs/7`);
  assert.equal(deployment.statuses.at(-1)!.environmentUrl, w.server.url);
  assert.deepEqual(
    (deployment.payload as { mlship: { steps: { weight: number }[] } }).mlship.steps.map((s) => s.weight),
    [10, 50, 100],
  );
  assert.equal(w.comments.length, 0, 'nothing is posted on a promotion');

  const idle = await runController({ command: 'step', model: MODEL }, w.deps());
  assert.equal(idle.action, 'idle');
  assert.match(idle.text, /ended promoted; nothing to do/);
});

test('the next promotion marks the rollout it replaces inactive and records which deployment that was', async () => {
  const w = await world('good');
  await start(w);
  await runUntilDone(w);
  await w.addVersion('v1.2.0', 0.1);
  const second = await runController(
    { command: 'start', model: MODEL, version: 'v1.2.0', environment: 'production', policy },
    w.deps(),
  );
  const [first] = gh.repo(w.repo).deployments;
  assert.equal(second.event?.prodVersion, 'v1.1.0');
  assert.equal(second.event?.prodDeploymentId, first!.id);
  const last = (await runUntilDone(w)).at(-1)!;
  assert.equal(last.action, 'promoted');
  assert.deepEqual(
    gh.repo(w.repo).deployments.map((d) => d.statuses.at(-1)!.state),
    ['inactive', 'success'],
  );
  assert.match(first!.statuses.at(-1)!.description, /^replaced by churn v1\.2\.0 \(deployment \d+\)$/);
});

test('a clearly worse canary is rolled back by the judge, with the evidence posted on its commit', async () => {
  const w = await world('bad');
  await start(w);
  const results = await runUntilDone(w);
  const last = results.at(-1)!;
  assert.equal(last.action, 'rolled-back');
  assert.match(
    last.text,
    /^rolled back churn v1\.1\.0; prod stays v1\.0\.0: accuracy: drop ≤ 0\.05 vs prod: fails, canary − prod -0\.\d+ \[-0\.\d+, -0\.\d+\] on \d+ paired labels: the canary is worse than prod$/,
  );
  assert.equal((await w.registry.resolve(`${MODEL}@prod`)).version, 'v1.0.0');
  await assert.rejects(w.registry.resolve(`${MODEL}@canary`), /has no version in stage 'canary'/);
  assert.deepEqual(
    { prod: w.runtime.traffic.prod, canary: w.runtime.traffic.canary, weight: w.runtime.traffic.canaryWeight },
    { prod: 'v1.0.0', canary: null, weight: 0 },
  );
  const deployment = gh.repo(w.repo).deployments.at(-1)!;
  assert.equal(deployment.statuses.at(-1)!.state, 'failure');
  assert.match(deployment.statuses.at(-1)!.description, /^rolled back; prod stays v1\.0\.0: accuracy/);
  assert.ok(deployment.statuses.at(-1)!.description.length <= 140);
  assert.equal(w.comments.length, 1);
  assert.equal(w.comments[0]!.commit, deployment.sha);
  assert.match(w.comments[0]!.markdown, /## ❌ mlship deploy · churn v1\.1\.0/);
  assert.match(w.comments[0]!.markdown, /\| 1 \| accuracy: drop ≤ 0\.05 vs prod: fails/);
});

test('a broken canary is rolled back by the error-rate guardrail at the first step, before any label', async () => {
  const w = await world('broken');
  await start(w);
  w.replay(200);
  w.now.ms += 60_000;
  const r = await runController({ command: 'step', model: MODEL }, w.deps());
  assert.equal(r.action, 'rolled-back');
  assert.match(r.text, /error rate: canary 200\/200 failed vs prod 0\/200/);
  assert.equal(r.event?.step, 0, 'rolled back at the first step');
});

test('two controllers judging at the same moment take one step between them', async () => {
  const w = await world('good');
  await start(w);
  w.replay(1500);
  w.now.ms += 11 * 60_000;
  const [a, b] = await Promise.all([
    runController({ command: 'step', model: MODEL }, w.deps()),
    runController({ command: 'step', model: MODEL }, w.deps()),
  ]);
  assert.deepEqual([a.action, b.action].sort(), ['advanced', 'raced']);
  const refs = [...gh.repo(w.repo).refs.keys()].filter((r) => r.startsWith('refs/mlship/rollouts/churn/'));
  assert.deepEqual(refs.sort(), ['refs/mlship/rollouts/churn/1', 'refs/mlship/rollouts/churn/2']);
  assert.deepEqual(
    statuses(w).map((s) => s.split(':')[0]),
    ['in_progress', 'in_progress'],
  );
});

test('a controller cut short after taking a step is finished by the next run, which takes no second step', async () => {
  const w = await world('good');
  await start(w);
  w.replay(1500);
  w.now.ms += 11 * 60_000;
  // The job dies right after taking the step, before it writes the status.
  const deps = w.deps();
  const cut: ControllerDeps = {
    ...deps,
    deployments: {
      ...deps.deployments,
      setStatus: async () => {
        throw new Error('the runner was stopped');
      },
    },
  };
  await assert.rejects(runController({ command: 'step', model: MODEL }, cut), /the runner was stopped/);
  assert.equal(w.runtime.traffic.canaryWeight, 50, 'the step was taken and traffic moved before the status write');
  const again = await runController({ command: 'step', model: MODEL }, w.deps());
  assert.equal(again.action, 'held', 'the step just taken is not taken twice');
  assert.deepEqual(statuses(w), [
    'in_progress: step 1/3: canary v1.1.0 serves 10% (prod v1.0.0)',
    'in_progress: step 2/3: canary v1.1.0 serves 50% (prod v1.0.0)',
  ]);
});
