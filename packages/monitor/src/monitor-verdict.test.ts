import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DriftReport } from '@mlship/data';
import { judgeWindow, type MonitorEvidence } from './monitor-verdict.ts';
import { parseMonitorPolicy } from './monitor-policy.ts';
import type { CalibrationCheck } from './calibration.ts';

const policy = parseMonitorPolicy(
  `classes: [no, yes]
min_rows: 100
min_labels: 50
triggers:
  features: [age]
  quality: [{ metric: accuracy, min: 0.8 }]
  max_age_days: 30
`,
  'monitor.yml',
);

const calibrated: CalibrationCheck = {
  status: 'calibrated',
  rows: 500,
  ece: 0.02,
  interval: [0.01, 0.04],
  confidence: 0.95,
  maxEce: 0.05,
  reason: 'ECE 0.020 is within 0.05',
};

const estimate = (accuracy: number) => ({
  rows: 1000,
  expectedConfusion: [],
  accuracy,
  macroF1: accuracy,
  rocAuc: 0.9,
});

const drift = (columns: { column: string; drifted: boolean }[], missing: string[] = []): DriftReport =>
  ({
    columns: columns.map((c) => ({
      ...c,
      method: 'psi',
      effect: c.drifted ? 0.4 : 0.01,
      threshold: 0.1,
      qValue: 0.001,
    })),
    missingColumns: missing,
  }) as unknown as DriftReport;

const evidence = (over: Partial<MonitorEvidence> = {}): MonitorEvidence => ({
  rows: 1000,
  labelledRows: 0,
  featureDrift: drift([{ column: 'age', drifted: false }]),
  predictionDrift: null,
  estimate: estimate(0.9),
  estimateOnLabelled: null,
  realised: null,
  calibration: calibrated,
  modelAgeDays: 3,
  ...over,
});

test('nothing fired: healthy', () => {
  const verdict = judgeWindow(evidence(), policy);
  assert.equal(verdict.status, 'healthy');
  assert.deepEqual(verdict.triggers, []);
});

test('only important features trigger: drift elsewhere is reported, not acted on', () => {
  const verdict = judgeWindow(
    evidence({
      featureDrift: drift([
        { column: 'age', drifted: false },
        { column: 'zip', drifted: true },
      ]),
    }),
    policy,
  );
  assert.equal(verdict.status, 'healthy');
  const fired = judgeWindow(evidence({ featureDrift: drift([{ column: 'age', drifted: true }]) }), policy);
  assert.deepEqual(
    fired.triggers.map((t) => t.kind),
    ['feature-drift'],
  );
});

test('an important feature missing from the served rows fires', () => {
  const verdict = judgeWindow(evidence({ featureDrift: drift([], ['age']) }), policy);
  assert.match(verdict.triggers[0]!.message, /'age' is missing/);
});

test('the estimate judges the floor only when calibrated; realised values take over at min_labels', () => {
  assert.equal(
    judgeWindow(evidence({ estimate: estimate(0.7) }), policy).triggers[0]!.message,
    'estimated accuracy 0.700 is below the floor 0.8',
  );
  const uncalibrated = judgeWindow(
    evidence({ estimate: estimate(0.7), calibration: { ...calibrated, status: 'uncertain', reason: 'r' } }),
    policy,
  );
  assert.deepEqual(uncalibrated.triggers, []);
  assert.equal(uncalibrated.quality[0]!.judgedOn, null);
  const labelled = judgeWindow(
    evidence({
      estimate: estimate(0.7),
      labelledRows: 50,
      realised: { accuracy: 0.85, macro_f1: 0.85, roc_auc: 0.9 },
    }),
    policy,
  );
  assert.equal(labelled.status, 'healthy');
  assert.equal(labelled.quality[0]!.judgedOn, 'realised');
  const tooFew = judgeWindow(
    evidence({ estimate: estimate(0.7), labelledRows: 49, realised: { accuracy: 0.85, macro_f1: 0.85, roc_auc: 0.9 } }),
    policy,
  );
  assert.equal(tooFew.quality[0]!.judgedOn, 'estimated');
});

test('a floor exactly met passes', () => {
  assert.equal(judgeWindow(evidence({ estimate: estimate(0.8) }), policy).status, 'healthy');
});

test('age: one day past the limit fires; its age unknown is said, not assumed young', () => {
  assert.equal(judgeWindow(evidence({ modelAgeDays: 31 }), policy).triggers[0]!.kind, 'model-age');
  assert.equal(judgeWindow(evidence({ modelAgeDays: 30 }), policy).status, 'healthy');
  assert.ok(judgeWindow(evidence({ modelAgeDays: null }), policy).notes.some((n) => n.includes('age is unknown')));
});

test('no rows: no traffic; fewer than min_rows: too little to judge', () => {
  assert.equal(judgeWindow(evidence({ rows: 0, estimate: null }), policy).status, 'no-traffic');
  const few = judgeWindow(evidence({ rows: 99, featureDrift: drift([{ column: 'age', drifted: true }]) }), policy);
  assert.equal(few.status, 'too-little-traffic');
  assert.deepEqual(few.triggers, []);
});
