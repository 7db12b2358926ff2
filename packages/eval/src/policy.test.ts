import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileFormatError } from '@mlship/errors';
import { parsePolicy } from './policy.ts';

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
