// The bundled monitor action as the runner runs it, on a schedule: the prod
// version's reference and calibration from the GitHub registry, a drifted
// window opens the model's tracking issue, the next run updates it (never a
// second one), a healthy window closes it, and a window without traffic fails
// the step with one annotation.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calibrateHoldout, readMonitorPolicy, MONITOR_LABEL } from '@mlship/monitor';
import { servedPenguins, type ServedPenguins } from '@mlship/monitor/test-kit';
import { ModelRepos, runBundledAction, webhookEvent } from './harness/index.ts';

const repos = await ModelRepos.start('penguin-model');
const { gh } = repos;
const penguins = repos.create({
  message: 'model code',
  permissions: { metadata: 'read', contents: 'read', issues: 'write' },
});
const { repo, sha: mainSha, token, workspace } = penguins;
let served: ServedPenguins;

before(async () => {
  served = await servedPenguins(workspace);
  const policy = await readMonitorPolicy(served.policy);
  const calibration = join(workspace, 'calibration.json');
  await writeFile(
    calibration,
    JSON.stringify(
      await calibrateHoldout(await served.writeWindow('holdout.csv', { rows: 600, seed: 1, labelShare: 1 }), policy),
    ),
  );
  const registry = repos.releaseRegistry(penguins, { actor: 'alice' });
  await registry.publish({
    name: 'penguins',
    version: 'v1.0.0',
    commit: mainSha,
    files: [
      { path: join(workspace, 'model.onnx'), role: 'model' },
      { path: served.referenceProfile, role: 'data-profile' },
      { path: calibration, role: 'calibration' },
    ],
  });
  await registry.promote({ name: 'penguins', version: 'v1.0.0', stage: 'prod' });
});

function monitor(data: string) {
  return runBundledAction('monitor', {
    inputs: { data, policy: 'monitor.yml', model: 'penguins' },
    event: webhookEvent('workflow_dispatch', '', { repo, sha: mainSha }),
    emulator: gh,
    token,
    cwd: workspace,
    timeoutMs: 60_000,
  });
}

const trackingIssues = () =>
  [...gh.state.repos.get(repo.fullName.toLowerCase())!.issues.values()].filter((i) => i.labels.includes(MONITOR_LABEL));

test(
  'drift opens the tracking issue, a second run updates it, a healthy window closes it',
  { timeout: 300_000 },
  async () => {
    await served.writeWindow('drifted.csv', {
      rows: 600,
      seed: 4,
      labelShare: 0.5,
      shift: { bill_length_mm: 4, flipper_length_mm: 8 },
    });
    const first = await monitor('drifted.csv');
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.outputs.status, 'degraded');
    assert.equal(first.outputs.retrain, 'true');
    assert.match(first.summary, /^### ❌ Monitoring: penguins/);
    assert.match(first.summary, /`penguins@v1\.0\.0`/);
    assert.match(first.summary, /feature-drift: feature 'bill\\_length\\_mm' drifted/);
    const issueNumber = first.outputs['issue-number'];
    assert.ok(issueNumber);

    await served.writeWindow('drifted-2.csv', {
      rows: 600,
      seed: 5,
      labelShare: 0.5,
      shift: { bill_length_mm: 4, flipper_length_mm: 8 },
    });
    const second = await monitor('drifted-2.csv');
    assert.equal(second.exitCode, 0, second.stderr);
    assert.equal(second.outputs['issue-number'], issueNumber);
    assert.equal(trackingIssues().length, 1);
    assert.match(trackingIssues()[0]!.body!, /drifted-2\.csv/);

    await served.writeWindow('healthy.csv', { rows: 600, seed: 2, labelShare: 0.5 });
    const healthy = await monitor('healthy.csv');
    assert.equal(healthy.exitCode, 0, healthy.stderr);
    assert.equal(healthy.outputs.status, 'healthy');
    assert.equal(healthy.outputs.retrain, 'false');
    assert.deepEqual(
      trackingIssues().map((i) => i.state),
      ['closed'],
    );
  },
);

test('a window without traffic fails the step with one annotation, its report in the job summary', async () => {
  const run = await monitor('logs/2026-11-29T*/predictions.jsonl');
  assert.equal(run.exitCode, 1);
  assert.equal(run.outputs.status, 'no-traffic');
  const errors = run.annotations.filter((a) => a.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(
    errors[0]!.message,
    /^no traffic: 'logs\/2026-11-29T\*\/predictions\.jsonl' holds no served rows for penguins/,
  );
  assert.match(run.summary, /No traffic/);
});
