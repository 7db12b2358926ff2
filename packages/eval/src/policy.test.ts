import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '@mlship/errors';
import { defaultPolicy, parsePolicy, readPolicy } from './policy.ts';

test('gates accept the "metric >= value" shorthand and object form; defaults fill the rest', () => {
  const policy = parsePolicy(
    'gates:\n  - accuracy >= 0.9\n  - metric: log_loss\n    max_increase: 0.05\n    per_slice: true\n',
    'p.yml',
    'classification',
  );
  assert.deepEqual(policy.gates[0], { metric: 'accuracy', per_slice: false, min: 0.9 });
  assert.equal(policy.gates[1]?.max_increase, 0.05);
  assert.equal(policy.bootstrap.replicates, 1000);
  assert.equal(policy.confidence, 0.95);
  assert.equal(policy.multiple_testing, 'holm');
});

test('an unknown metric fails naming the file, line and column, with the valid names', () => {
  const text = 'task: classification\ngates:\n  - accuracy >= 0.9\n  - metric: acuracy\n    max_drop: 0.01\n';
  assert.throws(
    () => parsePolicy(text, 'policy.yml'),
    (error: unknown) => {
      assert.ok(error instanceof FileFormatError);
      assert.match(
        error.message,
        /^policy\.yml:4:13: gates\[1\]\.metric: unknown metric 'acuracy'; valid metrics: accuracy,/,
      );
      assert.equal(error.location?.line, 4);
      return true;
    },
  );
  assert.throws(() => parsePolicy('gates:\n  - f1 >= 0.9\n', 'p.yml'), /p\.yml:2:5: .*unknown metric 'f1'/);
});

test('a metric of the other task, or a margin in the wrong direction, is refused', () => {
  assert.throws(
    () => parsePolicy('gates:\n  - rmse <= 3\n', 'p.yml', 'classification'),
    /p\.yml:2:5: gates\[0\]: metric 'rmse' does not apply to classification/,
  );
  assert.throws(
    () => parsePolicy('gates:\n  - metric: log_loss\n    max_drop: 0.1\n', 'p.yml', 'classification'),
    /lower-is-better: use max_increase/,
  );
  assert.throws(
    () => parsePolicy('sanity:\n  fairness: { column: sex, metric: mae, max_gap: 0.1 }\n', 'p.yml', 'classification'),
    /p\.yml:2:\d+: sanity\.fairness\.metric: metric 'mae' does not apply to classification/,
  );
});

test('unknown keys and invalid YAML point at their line', () => {
  assert.throws(
    () => parsePolicy('bootstrap:\n  replicates: 1000\n  seeed: 3\n', 'p.yml'),
    /p\.yml:3:3: bootstrap\.seeed: unknown key 'seeed'; did you mean 'seed'\?/,
  );
  assert.throws(
    () => parsePolicy('gates:\n  - { metric: accuracy, maxdrop: 0.1 }\n', 'p.yml'),
    /p\.yml:2:25: gates\[0\]\.maxdrop: unknown key 'maxdrop'; did you mean 'max_drop'\?/,
  );
  assert.throws(() => parsePolicy('gates: [\n', 'p.yml'), /p\.yml:\d+:\d+: invalid YAML/);
});

test('every problem in the file is reported in one line, the shorthand and the object form alike', () => {
  assert.throws(
    () => parsePolicy('confidence: 2\ngates:\n  - accuracy >= high\n  - metric: accuracy\n', 'p.yml'),
    (error: unknown) => {
      assert.ok(error instanceof FileFormatError);
      assert.equal(
        error.message,
        [
          'p.yml:1:13: confidence: must be < 1, got 2',
          `p.yml:3:5: gates[0]: cannot read gate 'accuracy >= high'; write it as 'metric >= number' or 'metric <= number'`,
          'p.yml:4:5: gates[1]: a gate sets exactly one of min, max, max_drop, max_increase',
          'see docs/validate.md#policy-file',
        ].join('; '),
      );
      assert.deepEqual(error.location, { file: 'p.yml', line: 1, column: 13 });
      return true;
    },
  );
});

test('the default policy: report everything, gate nothing', () => {
  assert.deepEqual(defaultPolicy(), {
    schemaVersion: 1,
    confidence: 0.95,
    bootstrap: { replicates: 1000, seed: 20240601, max_rows: 10_000 },
    multiple_testing: 'holm',
    slices: [],
    gates: [],
    budgets: { latency_batch_size: 1 },
    latency: { batch_sizes: [1, 64, 1024], repeats: 30 },
    sanity: { probability_tolerance: 0.001 },
    model_card: {},
    canary: {
      steps: [5, 25, 50, 100],
      min_requests: 200,
      min_minutes: 10,
      shadow: true,
      min_labels: 100,
      max_labels: 20_000,
      max_hours: 72,
      evidence_max_age_minutes: 15,
      guardrails: {
        error_rate_max_increase: 0.01,
        latency_p99_max_ratio: 1.5,
        disagreement_max: 0.3,
        prediction_drift: true,
        input_drift: true,
      },
    },
  });
  const checks = parsePolicy('sanity:\n  robustness: {}\n  fairness: { column: sex, max_gap: 0.1 }\n', 'p.yml');
  assert.deepEqual(checks.sanity, {
    probability_tolerance: 0.001,
    robustness: { noise: 0.01, max_flip_rate: 0.05, regression_tolerance: 0.1, rows: 2000 },
    fairness: { column: 'sex', metric: 'accuracy', max_gap: 0.1 },
  });
});

test('the gate shorthand: spaces optional, <= is a ceiling, decimals and exponents; anything around it is refused', () => {
  const gates = parsePolicy(
    'gates:\n  - accuracy>=0.95\n  - " log_loss <= 1e-3 "\n  - rmse <= 12.5E1\n  - mae <= 2e10\n  - r2 >= -.5\n',
    'p.yml',
  ).gates;
  assert.deepEqual(gates, [
    { metric: 'accuracy', min: 0.95, per_slice: false },
    { metric: 'log_loss', max: 0.001, per_slice: false },
    { metric: 'rmse', max: 125, per_slice: false },
    { metric: 'mae', max: 2e10, per_slice: false },
    { metric: 'r2', min: -0.5, per_slice: false },
  ]);
  for (const bad of ['at least accuracy >= 0.9', 'accuracy >= 0.9 please', 'accuracy >= 1e', 'accuracy => 0.9']) {
    assert.throws(
      () => parsePolicy(`gates:\n  - ${bad}\n`, 'p.yml'),
      (e: unknown) =>
        e instanceof FileFormatError &&
        e.message ===
          `p.yml:2:5: gates[0]: cannot read gate '${bad}'; write it as 'metric >= number' or 'metric <= number'; see docs/validate.md#policy-file`,
      bad,
    );
  }
});

test('each setting refuses what is out of its range and takes what is in it', () => {
  const accepted = [
    'task: regression',
    'label: churned',
    'features: [a, b]',
    'inputs: { x: a, y: [b, c] }',
    'classes: [no, yes, maybe]',
    'bootstrap: { replicates: 100, max_rows: 100 }',
    'bootstrap: { replicates: 100000, max_rows: 50000 }',
    'multiple_testing: benjamini-hochberg',
    'slices: [{ column: region, bins: [1, 2] }]',
    'latency: { batch_sizes: [1, 8], repeats: 3 }',
    'latency: { repeats: 10000 }',
    'sanity: { robustness: { max_flip_rate: 0 } }',
    'sanity: { robustness: { max_flip_rate: 1 } }',
    'serving_contract: { inputs: [{ name: x, elementType: float32, shape: [null, 4] }], outputs: [] }',
  ];
  for (const text of accepted) assert.doesNotThrow(() => parsePolicy(`${text}\n`, 'p.yml'), text);
  const refused: [string, RegExp][] = [
    ['task: ranking', /^p\.yml:1:7: task: /],
    ["label: ''", /^p\.yml:1:8: label: /],
    ['features: []', /^p\.yml:1:11: features: /],
    ["features: ['']", /^p\.yml:1:12: features\[0\]: /],
    ['inputs: { x: [] }', /^p\.yml:1:14: inputs\.x: /],
    ['classes: [yes]', /^p\.yml:1:10: classes: /],
    ['bootstrap: { replicates: 99 }', /^p\.yml:1:26: bootstrap\.replicates: /],
    ['bootstrap: { replicates: 100001 }', /^p\.yml:1:26: bootstrap\.replicates: /],
    ['bootstrap: { max_rows: 99 }', /^p\.yml:1:24: bootstrap\.max_rows: /],
    ['multiple_testing: bonferroni', /^p\.yml:1:19: multiple_testing: /],
    ["slices: [{ column: '' }]", /^p\.yml:1:20: slices\[0\]\.column: /],
    ['slices: [{ column: region, bins: [] }]', /^p\.yml:1:34: slices\[0\]\.bins: /],
    ['slices: [{ column: region, by: 2 }]', /^p\.yml:1:\d+: slices\[0\]\.by: unknown key 'by'/],
    ['budgets: { latency_ms: 2 }', /^p\.yml:1:\d+: budgets\.latency_ms: unknown key/],
    ['latency: { batch_sizes: [] }', /^p\.yml:1:25: latency\.batch_sizes: /],
    ['latency: { repeats: 2 }', /^p\.yml:1:21: latency\.repeats: /],
    ['latency: { repeats: 10001 }', /^p\.yml:1:21: latency\.repeats: /],
    ['latency: { warmup: 2 }', /^p\.yml:1:\d+: latency\.warmup: unknown key/],
    ['sanity: { robustness: { max_flip_rate: 1.5 } }', /^p\.yml:1:40: sanity\.robustness\.max_flip_rate: /],
    ['sanity: { robustness: { max_flip_rate: -0.1 } }', /^p\.yml:1:40: sanity\.robustness\.max_flip_rate: /],
    ['sanity: { robustness: { flips: 1 } }', /^p\.yml:1:\d+: sanity\.robustness\.flips: unknown key/],
    ['sanity: { checks: 1 }', /^p\.yml:1:\d+: sanity\.checks: unknown key/],
    ['model_card: { author: me }', /^p\.yml:1:\d+: model_card\.author: unknown key/],
    [
      'serving_contract: { inputs: [], outputs: [], version: 2 }',
      /^p\.yml:1:\d+: serving_contract\.version: unknown key/,
    ],
    [
      'serving_contract: { inputs: [{ name: x, elementType: f, shape: [true] }], outputs: [] }',
      /serving_contract\.inputs\[0\]\.shape\[0\]: /,
    ],
    [
      'serving_contract: { inputs: [], outputs: [{ name: y, elementType: f }] }',
      /serving_contract\.outputs\[0\]\.shape: /,
    ],
  ];
  for (const [text, message] of refused)
    assert.throws(
      () => parsePolicy(`${text}\n`, 'p.yml'),
      (e: unknown) => e instanceof FileFormatError && message.test(e.message),
      text,
    );
});

test('rules that need the task: every message names the metric and the metrics that apply', () => {
  const classification = 'accuracy, macro_precision, macro_recall, macro_f1, roc_auc, pr_auc, log_loss, ece';
  const fails = (text: string, task: 'classification' | 'regression' | undefined, message: string) =>
    assert.throws(
      () => parsePolicy(text, 'p.yml', task),
      (e: unknown) => e instanceof FileFormatError && e.message === message,
      text,
    );
  fails(
    'gates:\n  - rmse <= 3\n',
    'classification',
    `p.yml:2:5: gates[0]: metric 'rmse' does not apply to classification; use one of ${classification}; see docs/validate.md#policy-file`,
  );
  fails(
    'task: regression\ngates:\n  - accuracy >= 0.9\n',
    undefined,
    `p.yml:3:5: gates[0]: metric 'accuracy' does not apply to regression; use one of mae, rmse, r2, mape; see docs/validate.md#policy-file`,
  );
  fails(
    'gates:\n  - metric: log_loss\n    max_drop: 0.1\n',
    'classification',
    'p.yml:2:5: gates[0]: log_loss is lower-is-better: use max_increase, not max_drop; see docs/validate.md#policy-file',
  );
  fails(
    'gates:\n  - metric: accuracy\n    max_increase: 0.1\n',
    'classification',
    'p.yml:2:5: gates[0]: accuracy is higher-is-better: use max_drop, not max_increase; see docs/validate.md#policy-file',
  );
  fails(
    'sanity:\n  fairness: { column: sex, metric: mae, max_gap: 0.1 }\n',
    'classification',
    `p.yml:2:36: sanity.fairness.metric: metric 'mae' does not apply to classification; use one of ${classification}; see docs/validate.md#policy-file`,
  );
  // Without a task the metrics of both tasks are allowed; the command line may give the task later.
  assert.equal(parsePolicy('gates:\n  - accuracy >= 0.9\n  - rmse <= 3\n', 'p.yml').gates.length, 2);
  // The task from the command line wins over the file's.
  assert.equal(
    parsePolicy('task: regression\ngates:\n  - accuracy >= 0.9\n', 'p.yml', 'classification').gates.length,
    1,
  );
});

test('readPolicy reads the file and applies the task rules, naming the file as the user gave it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-policy-'));
  const path = join(dir, 'policy.yml');
  writeFileSync(path, 'gates:\n  - accuracy >= 0.9\n');
  assert.deepEqual((await readPolicy(path)).gates, [{ metric: 'accuracy', min: 0.9, per_slice: false }]);
  await assert.rejects(
    readPolicy(path, 'regression', 'ci/policy.yml'),
    (e: unknown) =>
      e instanceof FileFormatError &&
      e.message.startsWith("ci/policy.yml:2:5: gates[0]: metric 'accuracy' does not apply to regression"),
  );
  await assert.rejects(
    readPolicy(join(dir, 'missing.yml')),
    (e: unknown) => e instanceof Error && /policy/.test(e.message) && e.message.includes('missing.yml'),
  );
  rmSync(dir, { recursive: true, force: true });
});

test('the model card text, the serving contract and the multiple-testing method are read as written', () => {
  const policy = parsePolicy(
    [
      'multiple_testing: holm',
      'model_card: { overview: Predicts churn, license: MIT }',
      'serving_contract:',
      '  inputs: [{ name: x, elementType: float32, shape: [null, 4] }]',
      '  outputs: [{ name: probabilities, elementType: float32, shape: [batch, 3] }]',
    ].join('\n'),
    'p.yml',
  );
  assert.equal(policy.multiple_testing, 'holm');
  assert.deepEqual(policy.model_card, { overview: 'Predicts churn', license: 'MIT' });
  assert.deepEqual(policy.serving_contract, {
    inputs: [{ name: 'x', elementType: 'float32', shape: [null, 4] }],
    outputs: [{ name: 'probabilities', elementType: 'float32', shape: ['batch', 3] }],
  });
});

test('the canary section has defaults and its gates must be means over requests', () => {
  const policy = parsePolicy('gates:\n  - accuracy >= 0.9\n', 'p.yml', 'classification');
  assert.deepEqual(policy.canary.steps, [5, 25, 50, 100]);
  assert.equal(policy.canary.shadow, true);
  assert.equal(policy.canary.guardrails.latency_p99_max_ratio, 1.5);
  assert.equal(policy.canary.gates, undefined);
  const custom = parsePolicy(
    'canary:\n  steps: [10, 100]\n  gates:\n    - metric: accuracy\n      max_drop: 0.02\n',
    'p.yml',
  );
  assert.deepEqual(custom.canary.gates, [{ metric: 'accuracy', max_drop: 0.02, per_slice: false }]);
  assert.throws(
    () => parsePolicy('canary:\n  gates:\n    - roc_auc >= 0.8\n', 'p.yml'),
    /p\.yml:3:7: canary\.gates\[0\]\.metric: roc_auc needs the whole sample.*accuracy, log_loss, mae, mape/,
  );
  assert.throws(
    () => parsePolicy('canary:\n  gates:\n    - metric: log_loss\n      max_drop: 0.1\n', 'p.yml'),
    /p\.yml:3:7: canary\.gates\[0\]: log_loss is lower-is-better: use max_increase/,
  );
  assert.throws(
    () => parsePolicy('canary:\n  steps: [5, 50, 25]\n', 'p.yml'),
    /p\.yml:2:10: canary\.steps: weights must increase from step to step/,
  );
  assert.throws(() => parsePolicy('canary:\n  steps: [0, 50]\n', 'p.yml'), /canary\.steps\[0\]: must be > 0, got 0/);
  assert.throws(
    () => parsePolicy('canary:\n  stepz: [5]\n', 'p.yml'),
    /canary\.stepz: unknown key 'stepz'; did you mean 'steps'\?/,
  );
});
