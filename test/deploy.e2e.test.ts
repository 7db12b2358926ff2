// The bundled deploy action run as the runner runs it, against the GitHub
// emulator (Deployments, statuses, refs, the registry) with loopback traffic
// through a serving runtime behind the reference server's API: a good canary
// promoted, a bad one rolled back by the judge, a broken one by a guardrail,
// two controllers racing, and a controller killed mid-step and run again.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import { CHURN_POLICY, MODEL, rolloutWorld, type RolloutWorld } from '@mlship/deploy/test-kit';
import { runBundledAction, webhookEvent, type ActionRunResult } from './harness/index.ts';

// The bundled action reads the real clock: steps last no minimum time here.
const POLICY = CHURN_POLICY.replace('min_minutes: 10', 'min_minutes: 0');

let gh: GitHubEmulator;
const worlds: World[] = [];

before(async () => {
  gh = await startEmulator({ rateLimitPerHour: 1_000_000 });
});
after(async () => {
  await gh.stop();
});
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await w.close();
    rmSync(w.workspace, { recursive: true, force: true });
  }
  assert.deepEqual(gh.violations, [], 'every request and response matched the OpenAPI description');
});

type World = RolloutWorld & { workspace: string };

async function world(canary: 'good' | 'bad' | 'broken'): Promise<World> {
  const w = await rolloutWorld(gh, { canary, realClock: true });
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-deploy-e2e-'));
  writeFileSync(join(workspace, 'policy.yml'), POLICY);
  const withWorkspace = { ...w, workspace };
  worlds.push(withWorkspace);
  return withWorkspace;
}

/** A controller run: dispatched (a scheduled run looks the same to the action: no version, so it steps). */
function deploy(
  w: World,
  inputs: Record<string, string>,
  event = webhookEvent('workflow_dispatch', '', { repo: w.repo, sha: w.commit }),
  signal?: AbortSignal,
) {
  return runBundledAction('deploy', {
    inputs: { 'server-url': w.server.url, policy: 'policy.yml', ...inputs },
    event,
    emulator: gh,
    token: w.token,
    cwd: w.workspace,
    workflow: 'mlship deploy',
    job: 'controller',
    timeoutMs: 60_000,
    ...(signal ? { signal } : {}),
  });
}

function releaseEvent(w: World, tag: string) {
  const event = webhookEvent('release', 'published', { repo: w.repo, sha: w.commit, ref: `refs/tags/${tag}` });
  (event.payload['release'] as Record<string, unknown>)['tag_name'] = tag;
  return event;
}

/** Serves traffic and runs the controller until the rollout ends (bounded). */
async function untilDone(w: World): Promise<ActionRunResult[]> {
  const runs: ActionRunResult[] = [];
  for (let i = 0; i < 12; i++) {
    w.replay(1000);
    const r = await deploy(w, { model: MODEL });
    assert.equal(r.exitCode, 0, r.stderr + r.stdout);
    runs.push(r);
    if (['promoted', 'rolled-back', 'inconclusive'].includes(r.outputs['action'] ?? '')) return runs;
  }
  throw new Error(`no decision after 12 runs: ${runs.at(-1)?.stdout}`);
}

const rolloutRefs = (w: World) =>
  [...gh.repo(w.repo).refs.keys()].filter((r) => r.startsWith(`refs/mlship/rollouts/${MODEL}/`)).sort();

test('publishing the release starts the rollout; later runs promote a good canary step by step', async () => {
  const w = await world('good');
  const started = await deploy(w, {}, releaseEvent(w, 'churn@v1.1.0'));
  assert.equal(started.exitCode, 0, started.stderr + started.stdout);
  assert.equal(started.outputs['action'], 'started');
  assert.equal(started.outputs['version'], 'v1.1.0');
  assert.equal(started.outputs['weight'], '10');
  assert.match(started.summary, /## .* mlship deploy · churn v1\.1\.0/);

  const runs = await untilDone(w);
  const last = runs.at(-1)!;
  assert.equal(last.outputs['action'], 'promoted');
  assert.equal(last.outputs['outcome'], 'promote');
  assert.equal(last.outputs['phase'], 'promoted');
  assert.deepEqual(
    runs.map((r) => r.outputs['action']).filter((a) => a !== 'held'),
    ['advanced', 'advanced', 'promoted'],
  );
  assert.equal((await w.registry.resolve(`${MODEL}@prod`)).version, 'v1.1.0');
  assert.deepEqual([w.runtime.traffic.prod, w.runtime.traffic.canary], ['v1.1.0', null]);
  const deployment = gh.repo(w.repo).deployments.at(-1)!;
  assert.equal(deployment.environment, 'production');
  assert.equal(String(deployment.id), started.outputs['deployment-id']);
  assert.deepEqual(
    deployment.statuses.map((s) => s.state),
    ['in_progress', 'in_progress', 'in_progress', 'success'],
  );
  assert.ok(
    deployment.statuses.every((s) => s.logUrl === `${gh.serverUrl}/${w.repo.fullName}/actions/runs/1658821493`),
  );
  assert.ok(deployment.statuses.every((s) => s.environmentUrl === w.server.url));
  assert.match(last.summary, /### Labelled gates/);
});

test('a clearly worse canary is rolled back by the judge: weight 0, canary stage restored, evidence on its commit', async () => {
  const w = await world('bad');
  const started = await deploy(w, { version: 'churn@v1.1.0' });
  assert.equal(started.outputs['action'], 'started');
  const last = (await untilDone(w)).at(-1)!;
  assert.equal(last.outputs['action'], 'rolled-back');
  assert.equal(last.outputs['outcome'], 'rollback');
  assert.ok(
    last.annotations.some(
      (a) => a.level === 'warning' && /rolled back churn v1\.1\.0; prod stays v1\.0\.0: accuracy/.test(a.message),
    ),
  );
  assert.deepEqual(
    [w.runtime.traffic.prod, w.runtime.traffic.canary, w.runtime.traffic.canaryWeight],
    ['v1.0.0', null, 0],
  );
  assert.equal((await w.registry.resolve(`${MODEL}@prod`)).version, 'v1.0.0');
  await assert.rejects(w.registry.resolve(`${MODEL}@canary`), /has no version in stage 'canary'/);
  const deployment = gh.repo(w.repo).deployments.at(-1)!;
  assert.equal(deployment.statuses.at(-1)!.state, 'failure');
  const comments = gh.repo(w.repo).commitComments.filter((c) => c.commitId === deployment.sha);
  assert.equal(comments.length, 1);
  assert.match(comments[0]!.body, /accuracy: drop ≤ 0\.05 vs prod: fails/);
  assert.match(
    last.outputs['comment-url'] ?? '',
    new RegExp(`/commit/${deployment.sha}#commitcomment-${comments[0]!.id}$`),
  );
});

test('a broken canary is rolled back by the error-rate guardrail on the first run after it takes traffic', async () => {
  const w = await world('broken');
  await deploy(w, { version: 'churn@v1.1.0' });
  w.replay(300);
  const r = await deploy(w, { model: MODEL });
  assert.equal(r.outputs['action'], 'rolled-back');
  assert.equal(r.outputs['step'], '1');
  assert.match(r.stdout, /error rate: canary 300\/300 failed/);
});

test('two controllers started at the same moment advance the rollout once', async () => {
  const w = await world('good');
  await deploy(w, { version: 'churn@v1.1.0' });
  w.replay(1500);
  const before = rolloutRefs(w).length;
  const [a, b] = await Promise.all([deploy(w, { model: MODEL }), deploy(w, { model: MODEL })]);
  assert.equal(a.exitCode, 0, a.stderr);
  assert.equal(b.exitCode, 0, b.stderr);
  const actions = [a.outputs['action'], b.outputs['action']];
  assert.equal(actions.filter((x) => x === 'advanced').length, 1, `one advanced: ${actions.join(', ')}`);
  assert.ok(actions.includes('raced') || actions.includes('held'), actions.join(', '));
  assert.equal(rolloutRefs(w).length, before + 1);
  assert.deepEqual(
    gh
      .repo(w.repo)
      .deployments.at(-1)!
      .statuses.map((s) => s.description),
    ['step 1/3: canary v1.1.0 serves 10% (prod v1.0.0)', 'step 2/3: canary v1.1.0 serves 50% (prod v1.0.0)'],
  );
});

test('a controller killed after it takes a step is finished by the next run, which takes no second step', async () => {
  const w = await world('good');
  await deploy(w, { version: 'churn@v1.1.0' });
  w.replay(1500);
  // The rollout log's compare-and-swap is held up, and the job dies while it waits.
  gh.inject({ method: 'POST', path: `/repos/${w.repo.fullName}/git/refs`, fault: { delayMs: 3000 } });
  gh.clearRequests();
  const abort = new AbortController();
  const killed = deploy(w, { model: MODEL }, undefined, abort.signal);
  const held = async () => {
    for (let i = 0; i < 600; i++) {
      const entry = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/git/refs') && r.fault);
      if (entry) return entry;
      await sleep(50);
    }
    throw new Error('the controller never reached the rollout log');
  };
  const entry = await held();
  abort.abort();
  assert.equal((await killed).exitCode, null, 'the job was killed');
  for (let i = 0; i < 200 && entry.status === 0; i++) await sleep(50);
  assert.equal(entry.status, 201, 'the step was taken: the ref landed after the job died');
  assert.equal(w.runtime.traffic.canaryWeight, 10, 'but its effects were not applied');

  const rerun = await deploy(w, { model: MODEL });
  assert.equal(rerun.exitCode, 0, rerun.stderr);
  assert.equal(rerun.outputs['action'], 'held', 'the step already taken is not taken again');
  assert.equal(rerun.outputs['step'], '2');
  assert.equal(w.runtime.traffic.canaryWeight, 50);
  assert.equal(rolloutRefs(w).length, 2);
  assert.deepEqual(
    gh
      .repo(w.repo)
      .deployments.at(-1)!
      .statuses.map((s) => s.description),
    ['step 1/3: canary v1.1.0 serves 10% (prod v1.0.0)', 'step 2/3: canary v1.1.0 serves 50% (prod v1.0.0)'],
  );
});
