// The bundled registry action run as the runner runs it, against the GitHub
// emulator: publish, promote, resolve, download, rollback, deprecate and
// history through inputs and outputs, and its one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { BOT_LOGIN, ModelRepos, runBundledAction, webhookEvent, type ModelRepo } from './harness/index.ts';

const repos = await ModelRepos.start('models');
const gh = repos.gh;

/** A repository with immutable releases, and a model's card, metrics, params and data set beside it. */
function newRepo(): ModelRepo {
  const r = repos.create({ immutableReleases: true, permissions: { contents: 'write', metadata: 'read' } });
  writeFileSync(join(r.workspace, 'card.md'), '# churn\n');
  writeFileSync(join(r.workspace, 'metrics.json'), JSON.stringify({ metrics: { accuracy: 0.91, f1: 0.8 } }));
  writeFileSync(join(r.workspace, 'params.yml'), 'learning_rate: 0.1\nepochs: 20\n');
  writeFileSync(join(r.workspace, 'train.csv'), 'a,b\n1,2\n');
  return r;
}

/** The same registry in-process, without the action client's write throttle, for fast set-up. */
function seedRegistry(r: ModelRepo): RegistryService {
  const client = createGitHubClient({ token: r.token, baseUrl: gh.apiUrl, throttle: false });
  return new RegistryService(new GitHubStore({ client, owner: r.repo.owner, repo: r.repo.name }), { actor: 'alice' });
}

/** Publishes one small model per version, each different, in-process. */
async function seedVersions(r: ModelRepo, versions: string[]): Promise<RegistryService> {
  const seed = seedRegistry(r);
  for (const [i, version] of versions.entries()) {
    writeFileSync(
      join(r.workspace, `model-${i}.onnx`),
      buildLinearClassifierOnnx({ weights: [[i, 1]], bias: [0], classes: ['no', 'yes'] }),
    );
    await seed.publish({
      name: 'churn',
      version,
      files: [{ path: join(r.workspace, `model-${i}.onnx`), role: 'model' }],
      commit: r.sha,
    });
  }
  return seed;
}

function runner(r: ModelRepo) {
  return (inputs: Record<string, string>, actor = 'alice') => repos.registry(r, inputs, { actor, timeoutMs: 60_000 });
}

test('publish, promote, resolve, download, rollback and history through the action', async () => {
  const r = newRepo();
  const run = runner(r);
  const publish = await run({
    command: 'publish',
    name: 'churn',
    bump: 'minor',
    files: 'model.onnx',
    card: 'card.md',
    metrics: 'metrics.json',
    params: 'params.yml',
    datasets: 'train=train.csv',
  });
  assert.equal(publish.exitCode, 0, publish.stderr);
  assert.equal(publish.outputs['version'], 'v0.1.0');
  assert.equal(publish.outputs['tag'], 'churn@v0.1.0');
  assert.equal(publish.outputs['created'], 'true');
  assert.match(publish.outputs['release-url'] ?? '', /\/releases\/tag\/churn(@|%40)v0\.1\.0$/);
  const manifest = JSON.parse(publish.outputs['manifest']!);
  assert.equal(manifest.source.commit, r.sha);
  assert.equal(manifest.source.repository, r.repo.fullName);
  assert.match(manifest.source.workflowRunUrl, /\/actions\/runs\/1658821493$/);
  assert.equal(manifest.actor, 'alice');
  assert.deepEqual(manifest.metrics, { accuracy: 0.91, f1: 0.8 });
  assert.deepEqual(manifest.params, { learning_rate: 0.1, epochs: 20 });
  assert.equal(manifest.datasets[0].id, 'train');
  assert.match(
    publish.summary,
    /### mlship registry publish[\s\S]*\| model\.onnx \| model \| \d+ \| `[0-9a-f]{64}` \|/,
  );
  assert.match(manifest.datasets[0].sha256, /^[0-9a-f]{64}$/);
  // The model's signature, read from the ONNX file by the bundled action.
  assert.deepEqual(
    manifest.signature.inputs.map((t: { name: string; elementType: string }) => [t.name, t.elementType]),
    [['input', 'float32']],
  );
  assert.deepEqual(
    manifest.signature.outputs.map((t: { name: string }) => t.name),
    ['label', 'probabilities'],
  );

  const rerun = await run({
    command: 'publish',
    name: 'churn',
    bump: 'minor',
    files: 'model.onnx',
    card: 'card.md',
    metrics: 'metrics.json',
    params: 'params.yml',
    datasets: 'train=train.csv',
  });
  assert.equal(rerun.exitCode, 0, rerun.stderr);
  assert.equal(rerun.outputs['version'], 'v0.1.0', 'a re-run of the same job publishes nothing new');
  assert.equal(rerun.outputs['created'], 'false');

  // The second version is published in-process: each action write waits for the client's 1 write/s throttle.
  writeFileSync(
    join(r.workspace, 'model.onnx'),
    buildLinearClassifierOnnx({ weights: [[3, 1]], bias: [0], classes: ['no', 'yes'] }),
  );
  const second = await seedRegistry(r).publish({
    name: 'churn',
    bump: 'patch',
    files: [{ path: join(r.workspace, 'model.onnx'), role: 'model' }],
    commit: r.sha,
  });
  assert.equal(second.version, 'v0.1.1');

  assert.equal(
    (await run({ command: 'promote', name: 'churn', version: 'v0.1.0', stage: 'prod' })).outputs['tag'],
    'churn#prod#3',
  );
  const promoted = await run({
    command: 'promote',
    name: 'churn',
    version: 'v0.1.1',
    stage: 'prod',
    message: 'better f1',
  });
  assert.equal(promoted.outputs['previous-version'], 'v0.1.0');
  assert.equal(promoted.outputs['changed'], 'true');

  const resolved = await run({ command: 'resolve', name: 'churn', stage: 'prod' });
  assert.equal(resolved.exitCode, 0, resolved.stderr);
  assert.equal(resolved.outputs['version'], 'v0.1.1');
  assert.equal(resolved.outputs['stages'], 'prod');

  const download = await run({ command: 'download', name: 'churn', stage: 'prod', path: 'fetched' });
  assert.equal(download.exitCode, 0, download.stderr);
  assert.deepEqual(
    readFileSync(join(r.workspace, 'fetched', 'model.onnx')),
    readFileSync(join(r.workspace, 'model.onnx')),
  );
  assert.equal(download.outputs['model-path'], join(r.workspace, 'fetched', 'model.onnx'));

  const rollback = await run({ command: 'rollback', name: 'churn', stage: 'prod' });
  assert.equal(rollback.outputs['version'], 'v0.1.0', rollback.stderr);
  assert.equal(rollback.outputs['tag'], 'churn#prod!#5');

  const history = await run({ command: 'history', name: 'churn' });
  const events = JSON.parse(history.outputs['history']!) as {
    tag: string;
    actor: string;
    commit: string;
    message?: string;
  }[];
  assert.deepEqual(
    events.map((e) => e.tag),
    ['churn@v0.1.0', 'churn@v0.1.1', 'churn#prod#3', 'churn#prod#4', 'churn#prod!#5'],
  );
  assert.ok(events.every((e) => e.actor === 'alice'));
  // Each version has its own commit, a child of the commit it was built from; its events point there.
  const commits = gh.repo(r.repo).commits;
  assert.ok(events.every((e) => commits.get(e.commit)?.parents[0] === r.sha));
  assert.notEqual(events[0]!.commit, events[1]!.commit);
  assert.equal(events[3]!.message, 'better f1');
});

test('bad input and refused operations fail with one actionable error line', async () => {
  const r = newRepo();
  const run = runner(r);
  const cases: [Record<string, string>, RegExp][] = [
    [{ command: 'publish', name: 'bad name', version: 'v1.0.0', files: 'model.onnx' }, /not a valid model name/],
    [{ command: 'publish', name: 'churn', version: '1.0', files: 'model.onnx' }, /strict SemVer/],
    [{ command: 'publish', name: 'churn', version: 'v1.0.0', files: 'missing.onnx' }, /missing\.onnx: cannot read it/],
    [{ command: 'teleport', name: 'churn' }, /input 'command' 'teleport' is invalid/],
    [{ command: 'resolve', name: 'churn', stage: 'prod' }, /no model 'churn' in the registry/],
  ];
  for (const [inputs, message] of cases) {
    const result = await run(inputs);
    assert.equal(result.exitCode, 1, JSON.stringify(inputs));
    const errors = result.annotations.filter((a) => a.level === 'error');
    assert.equal(errors.length, 1, `${JSON.stringify(inputs)}: ${result.stdout}`);
    assert.match(errors[0]!.message, message);
    assert.ok(!errors[0]!.message.includes('\n'));
  }
  await seedRegistry(r).publish({
    name: 'churn',
    version: 'v1.0.0',
    files: [{ path: join(r.workspace, 'model.onnx'), role: 'model' }],
    commit: r.sha,
  });
  const exists = await run({ command: 'publish', name: 'churn', version: 'v1.0.0', files: 'card.md' });
  assert.match(exists.annotations[0]!.message, /churn@v1\.0\.0 already exists with different content/);

  writeFileSync(
    join(r.workspace, 'policy.yml'),
    'enforceOrder: true\nstages:\n  - name: staging\n  - name: prod\n    actors: [release-bot]\n',
  );
  const outOfOrder = await run(
    { command: 'promote', name: 'churn', version: 'v1.0.0', stage: 'prod', policy: 'policy.yml' },
    'release-bot',
  );
  assert.match(outOfOrder.annotations[0]!.message, /must be in stage 'staging' before 'prod'/);
  const unknownStage = await run({
    command: 'promote',
    name: 'churn',
    version: 'v1.0.0',
    stage: 'qa',
    policy: 'policy.yml',
  });
  assert.match(unknownStage.annotations[0]!.message, /stage 'qa' is not allowed; use one of: staging, prod/);
  assert.equal(
    (await run({ command: 'promote', name: 'churn', version: 'v1.0.0', stage: 'staging', policy: 'policy.yml' }))
      .exitCode,
    0,
  );
  const notAllowed = await run({
    command: 'promote',
    name: 'churn',
    version: 'v1.0.0',
    stage: 'prod',
    policy: 'policy.yml',
  });
  assert.match(notAllowed.annotations[0]!.message, /alice may not change stage 'prod'/);
  assert.equal(
    (
      await run(
        { command: 'promote', name: 'churn', version: 'v1.0.0', stage: 'prod', policy: 'policy.yml' },
        'release-bot',
      )
    ).exitCode,
    0,
  );
});

test('a re-run of the rollback job (the next attempt of the same run) does not roll back a second time', async () => {
  const r = newRepo();
  const seed = await seedVersions(r, ['v1.0.0', 'v1.1.0', 'v1.2.0']);
  for (const version of ['v1.0.0', 'v1.1.0', 'v1.2.0']) await seed.promote({ name: 'churn', version, stage: 'prod' });
  const rollback = (attempt: string, runId = '4242') =>
    repos.registry(
      r,
      { command: 'rollback', name: 'churn', stage: 'prod' },
      { env: { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt, GITHUB_JOB: 'rollback', GITHUB_ACTION: 'rollback' } },
    );
  for (const attempt of ['1', '2']) {
    const result = await rollback(attempt);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual([result.outputs['previous-version'], result.outputs['version']], ['v1.2.0', 'v1.1.0'], attempt);
    assert.equal(result.outputs['tag'], 'churn#prod!#7');
  }
  assert.equal((await seed.resolve('churn@prod')).version, 'v1.1.0');
  assert.deepEqual(
    (await seed.history('churn')).filter((e) => e.action === 'unassign').map((e) => e.operation),
    ['run 4242 job rollback step rollback'],
  );
  // A new run rolls back again.
  assert.equal((await rollback('1', '4243')).outputs['version'], 'v1.0.0');
});

test('published from a pull request, a version records the PR head commit, not the temporary merge commit', async () => {
  const r = newRepo();
  gh.createCommit(r.repo, { branch: 'retrain', message: 'Retrain' });
  const pr = gh.createPullRequest(r.repo, { head: 'retrain', base: 'main', title: 'Retrain', user: 'alice' });
  const mergeCommit = 'f'.repeat(40);
  const result = await runBundledAction('registry', {
    inputs: { command: 'publish', name: 'churn', version: 'v1.0.0', files: 'model.onnx' },
    emulator: gh,
    token: r.token,
    cwd: r.workspace,
    event: webhookEvent('pull_request', 'synchronize', { repo: r.repo, pr }),
    env: { GITHUB_SHA: mergeCommit },
  });
  assert.equal(result.exitCode, 0, result.stderr);
  const manifest = JSON.parse(result.outputs['manifest']!);
  assert.equal(manifest.source.commit, pr.headSha);
  assert.equal(manifest.source.pullRequest, pr.number);
});

test('a read-only token cannot publish: the error says which permission to grant', async () => {
  const r = newRepo();
  const readOnly = gh.createToken({
    login: BOT_LOGIN,
    type: 'Bot',
    permissions: { contents: 'read', metadata: 'read' },
  });
  const result = await repos.registry(
    r,
    { command: 'publish', name: 'churn', version: 'v1.0.0', files: 'model.onnx' },
    { token: readOnly },
  );
  assert.equal(result.exitCode, 1);
  assert.match(result.annotations[0]!.message, /contents: write/);
  assert.equal(gh.repo(r.repo).releases.length, 0);
});

test('parallel jobs promoting different versions to prod: each lands once, in one order, prod = the last', async () => {
  const r = newRepo();
  const run = runner(r);
  const versions = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0'];
  // Seeded in-process (the publish action is covered above); the promotions are separate action runs.
  await seedVersions(r, versions);
  const jobs = await Promise.all(
    versions.map((version) => run({ command: 'promote', name: 'churn', version, stage: 'prod' })),
  );
  for (const job of jobs) assert.equal(job.exitCode, 0, job.stdout);
  const events = JSON.parse((await run({ command: 'history', name: 'churn' })).outputs['history']!) as {
    counter: number;
    action: string;
    version: string;
    tag: string;
  }[];
  const assigned = events.filter((e) => e.action === 'assign');
  assert.deepEqual(assigned.map((e) => e.version).sort(), versions);
  assert.deepEqual(
    events.map((e) => e.counter),
    events.map((_, i) => i + 1),
  );
  assert.deepEqual(
    jobs.map((j) => j.outputs['tag']).sort(),
    assigned.map((e) => e.tag).sort(),
    'each job reports the tag it wrote',
  );
  assert.equal(
    (await run({ command: 'resolve', name: 'churn', stage: 'prod' })).outputs['version'],
    assigned.at(-1)!.version,
  );
});
