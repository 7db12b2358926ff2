// A deployed penguin classifier's served rows, healthy and drifted, judged
// end to end through the data engine's reader.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProfile, type Profile } from '@mlship/data';
import { servedPenguins, type ServedPenguins } from '../test-kit/index.ts';
import { calibrateHoldout } from './calibrate-holdout.ts';
import type { CalibrationSummary } from './calibration.ts';
import { readMonitorPolicy, type MonitorPolicy } from './monitor-policy.ts';
import { monitorWindow, type MonitorRequest } from './monitor-window.ts';

let dir: string;
let served: ServedPenguins;
let policy: MonitorPolicy;
let reference: Profile;
let calibration: CalibrationSummary;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlship-monitor-window-'));
  served = await servedPenguins(dir);
  policy = await readMonitorPolicy(served.policy);
  reference = parseProfile(await readFile(served.referenceProfile, 'utf8'), served.referenceProfile);
  calibration = await calibrateHoldout(
    await served.writeWindow('holdout.csv', { rows: 1000, seed: 1, labelShare: 1 }),
    policy,
  );
});
after(() => rm(dir, { recursive: true, force: true }));

const request = (data: string, extra: Partial<MonitorRequest> = {}): MonitorRequest => ({
  model: 'penguins',
  version: 'v1.0.0',
  data,
  policy,
  reference,
  calibration,
  modelCreatedAt: '2026-11-01T00:00:00Z',
  now: new Date('2026-11-30T00:00:00Z'),
  ...extra,
});

test('a window like the training data is healthy, with estimated and realised quality side by side', async () => {
  const data = await served.writeWindow('healthy.csv', { rows: 800, seed: 2, labelShare: 0.5 });
  const { verdict, evidence } = await monitorWindow(request(data));
  assert.equal(verdict.status, 'healthy', JSON.stringify(verdict.triggers));
  assert.equal(evidence.rows, 800);
  assert.ok(evidence.labelledRows > 300 && evidence.labelledRows < 500);
  assert.equal(verdict.estimateReliable, true);
  const accuracy = verdict.quality.find((q) => q.metric === 'accuracy')!;
  assert.equal(accuracy.judgedOn, 'realised');
  assert.ok(Math.abs(accuracy.estimated - accuracy.realised!) < 0.03, JSON.stringify(accuracy));
});

test('a shifted copy of the data drifts its features and predictions and fires the triggers', async () => {
  const data = await served.writeWindow('shifted.csv', {
    rows: 800,
    seed: 4,
    labelShare: 0.5,
    shift: { bill_length_mm: 4, flipper_length_mm: 8 },
  });
  const { verdict } = await monitorWindow(request(data));
  assert.equal(verdict.status, 'degraded');
  const kinds = verdict.triggers.map((t) => t.kind);
  assert.ok(kinds.includes('feature-drift'));
  const drifted = verdict.triggers.filter((t) => t.kind === 'feature-drift').map((t) => t.message);
  assert.ok(drifted.some((m) => m.includes("'bill_length_mm'")));
  assert.ok(drifted.some((m) => m.includes("'flipper_length_mm'")));
  // Untouched features stay quiet.
  assert.ok(!drifted.some((m) => m.includes("'body_mass_g'")), drifted.join('; '));
});

test('labels that never arrive: quality judged on the estimate alone, and the report says so', async () => {
  const data = await served.writeWindow('unlabelled.csv', { rows: 400, seed: 5, labelShare: 0 });
  const { verdict, section } = await monitorWindow(request(data));
  assert.equal(verdict.quality.find((q) => q.metric === 'accuracy')!.judgedOn, 'estimated');
  assert.ok(verdict.quality.every((q) => q.realised === null));
  assert.ok(verdict.notes.some((n) => n.includes('no labels arrived')));
  assert.match(section.markdown, /no labels arrived for this window/);
});

test('an uncalibrated model: the estimate is shown as unreliable and judges nothing', async () => {
  const overconfident: CalibrationSummary = {
    schemaVersion: 1,
    rows: 1000,
    bins: [{ lower: 0.9, upper: 1, count: 1000, meanConfidence: 0.99, accuracy: 0.8 }],
  };
  const data = await served.writeWindow('unlabelled-2.csv', { rows: 400, seed: 6, labelShare: 0 });
  const { verdict, section } = await monitorWindow(request(data, { calibration: overconfident }));
  assert.equal(verdict.estimateReliable, false);
  assert.ok(verdict.quality.every((q) => q.judgedOn === null));
  assert.match(section.markdown, /estimated \(unreliable\)/);
  assert.match(section.markdown, /miscalibrated/);
});

test('a glob that matches nothing is a window without traffic, never a pass', async () => {
  const { verdict, section } = await monitorWindow(request(join(dir, 'logs', '2026-11-29T*', '*.jsonl')));
  assert.equal(verdict.status, 'no-traffic');
  assert.equal(section.severity, 'warn');
  assert.match(section.markdown, /No traffic/);
});

test('an old prod version fires the age trigger even without traffic', async () => {
  const { verdict } = await monitorWindow(request(join(dir, 'none-*.csv'), { modelCreatedAt: '2026-01-01T00:00:00Z' }));
  assert.equal(verdict.status, 'no-traffic');
  assert.deepEqual(
    verdict.triggers.map((t) => t.kind),
    ['model-age'],
  );
});
