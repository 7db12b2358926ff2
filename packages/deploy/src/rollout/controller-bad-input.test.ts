// Bad input to the controller: one line naming what is wrong and what to do,
// refused before any Deployment, traffic or stage change.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import { parsePolicy } from '@mlship/eval';
import { InputError } from '@mlship/errors';
import { readOnnxSignature } from '@mlship/onnx';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { createGitHubClient } from '@mlship/github';
import { runController } from './controller.ts';
import { parseStepWeights } from '../plan.ts';
import { ServingError } from '../traffic/traffic-adapter.ts';
import { referenceServerTraffic } from '../traffic/http-traffic.ts';
import { CHURN_POLICY, MODEL, publishChurnVersion } from '../../test-kit/churn-fixture.ts';
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
  assert.deepEqual(gh.violations, []);
});

async function world(options: Parameters<typeof rolloutWorld>[1] = { canary: 'good' }): Promise<RolloutWorld> {
  const w = await rolloutWorld(gh, options);
  worlds.push(w);
  return w;
}

const policy = parsePolicy(CHURN_POLICY, 'policy.yml');
const start = (w: RolloutWorld, version = 'v1.1.0', extra: { weights?: number[] } = {}) =>
  runController({ command: 'start', model: MODEL, version, environment: 'production', policy, ...extra }, w.deps());

/** Nothing was started: no Deployment, no traffic moved, no canary stage. */
async function untouched(w: RolloutWorld): Promise<void> {
  assert.equal(gh.repo(w.repo).deployments.length, 0);
  assert.deepEqual(w.runtime.trafficLog, []);
  await assert.rejects(w.registry.resolve(`${MODEL}@canary`), /has no version in stage 'canary'/);
}

test('step weights that do not increase are refused, from an input or from the policy', () => {
  assert.throws(
    () => parseStepWeights('5,50,25', "input 'steps'"),
    /^InputError: input 'steps' '5,50,25' must increase from step to step; give percentages such as 5,25,50,100$/,
  );
  assert.throws(() => parseStepWeights('5,150', "input 'steps'"), /has a weight outside \(0, 100\]/);
  assert.deepEqual(parseStepWeights('5 → 25 → 100', 'steps'), [5, 25, 100]);
  assert.throws(
    () => parsePolicy('canary:\n  steps: [50, 25]\n', 'mlship/policy.yml'),
    /mlship\/policy\.yml:2:\d+: canary\.steps: weights must increase/,
  );
});

test('a version that is not in the registry is refused before anything is written', async () => {
  const w = await world();
  await assert.rejects(
    start(w, 'v9.9.9'),
    /churn@v9\.9\.9 is not a registered version; see 'mlship registry list churn'/,
  );
  await untouched(w);
});

test('with no version in prod there is nothing to compare with: the first version is promoted by hand', async () => {
  const w = await world();
  await w.registry.unassign({ name: MODEL, version: 'v1.0.0', stage: 'prod' });
  await assert.rejects(start(w), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(
      error.message,
      "no version of churn holds prod, so there is nothing to compare the canary with; promote the first version directly ('mlship registry promote churn v1.1.0 prod'), then roll out the next ones",
    );
    return true;
  });
  await untouched(w);
});

test('a server that is down fails the step in one line and never promotes', async () => {
  const w = await world();
  await start(w);
  w.replay(2000);
  w.now.ms += 11 * 60_000;
  await w.server.close();
  const deps = { ...w.deps(), traffic: referenceServerTraffic(w.server.url, { attempts: 2, sleep: async () => {} }) };
  await assert.rejects(runController({ command: 'step', model: MODEL }, deps), (error: unknown) => {
    assert.ok(error instanceof ServingError);
    assert.match(
      error.message,
      /^the server at http:\/\/127\.0\.0\.1:\d+ did not answer PUT .* after 2 tries in \d+ s; the rollout is unchanged and nothing was promoted/,
    );
    return true;
  });
  assert.equal((await w.registry.resolve(`${MODEL}@prod`)).version, 'v1.0.0');
  assert.deepEqual(
    gh
      .repo(w.repo)
      .deployments.at(-1)!
      .statuses.map((s) => s.state),
    ['in_progress'],
  );
});

test("a canary whose inputs differ from prod's is refused before any traffic", async () => {
  const w = await world();
  const client = createGitHubClient({ token: w.token, baseUrl: gh.apiUrl, throttle: false });
  const registry = new RegistryService(new GitHubStore({ client, owner: w.repo.owner, repo: w.repo.name }), {
    actor: 'alice',
    readSignature: readOnnxSignature,
    sleep: async () => {},
  });
  const onnx = (features: string[]) =>
    buildLinearClassifierOnnx({
      weights: [features.map(() => 1)],
      bias: [0],
      classes: ['stay', 'churn'],
      featureNames: features,
    });
  await publishChurnVersion(registry, 'v2.0.0', w.commit, undefined, onnx(['tenure', 'plan_pro']));
  await publishChurnVersion(registry, 'v2.1.0', w.commit, undefined, onnx(['tenure', 'plan_pro', 'calls']));
  await registry.promote({ name: MODEL, version: 'v2.0.0', stage: 'prod' });
  const lenient = parsePolicy(`${CHURN_POLICY}  guardrails: { input_drift: false }\n`, 'policy.yml');
  await assert.rejects(
    runController(
      { command: 'start', model: MODEL, version: 'v2.1.0', environment: 'production', policy: lenient },
      w.deps(),
    ),
    /^InputError: churn@v2\.1\.0 cannot take prod's traffic: .*input.*; a canary must accept the same inputs as prod \(churn@v2\.0\.0\)/,
  );
  await untouched(w);
});

test('a canary without a data profile is refused while the input drift guardrail is on', async () => {
  const w = await world({ canary: 'good', canaryProfile: false });
  await assert.rejects(
    start(w),
    /churn@v1\.1\.0 has no data-profile asset, so the input drift guardrail cannot judge it/,
  );
  await untouched(w);
});

test('one rollout at a time: another version is refused while one is under way; the same version resumes it', async () => {
  const w = await world();
  await start(w);
  await assert.rejects(
    start(w, 'v1.0.0'),
    /a rollout of churn v1\.1\.0 is in progress \(deployment \d+, step 1\); let it finish or roll it back/,
  );
  const again = await start(w);
  assert.equal(again.action, 'held', 'a re-delivered release event judges the rollout under way');
  assert.equal(gh.repo(w.repo).deployments.length, 1);
});

test('a person promotes only an inconclusive rollout, and may abort any', async () => {
  const w = await world();
  await start(w);
  await assert.rejects(
    runController({ command: 'promote', model: MODEL }, w.deps('alice')),
    /churn v1\.1\.0 is at step 1\/3 and still being judged; a person promotes a rollout only when the judge found it inconclusive/,
  );
  const aborted = await runController(
    { command: 'rollback', model: MODEL, reason: 'bad feature pipeline' },
    w.deps('alice'),
  );
  assert.equal(aborted.action, 'rolled-back');
  assert.equal(w.runtime.traffic.canary, null);
  assert.match(
    gh.repo(w.repo).deployments[0]!.statuses.at(-1)!.description,
    /^rolled back; prod stays v1\.0\.0: bad feature pipeline$/,
  );
  await assert.rejects(
    runController({ command: 'rollback', model: MODEL }, w.deps('alice')),
    /no rollout of churn is in progress/,
  );
});
