import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMonitorPolicy, probabilityColumns } from './monitor-policy.ts';

test('defaults: probability_<class> columns, label column "label", failing on no traffic', () => {
  const policy = parseMonitorPolicy('classes: [cat, dog]\n', 'monitor.yml');
  assert.deepEqual(probabilityColumns(policy), ['probability_cat', 'probability_dog']);
  assert.equal(policy.label, 'label');
  assert.equal(policy.on_no_traffic, 'fail');
  assert.equal(policy.calibration.max_ece, 0.05);
});

test('a mistake names the file, line and column', () => {
  assert.throws(
    () =>
      parseMonitorPolicy(
        'classes: [cat, dog]\ntriggers:\n  quality:\n    - { metric: accuracy, min: 1.5 }\n',
        'monitor.yml',
      ),
    /monitor\.yml:4:.*triggers\.quality\[0\]\.min/,
  );
  assert.throws(
    () =>
      parseMonitorPolicy('classes: [cat, dog]\ntriggers:\n  quality:\n    - { metric: recall, min: 0.5 }\n', 'm.yml'),
    /m\.yml:4/,
  );
  assert.throws(() => parseMonitorPolicy('classes: [cat]\n', 'm.yml'), /m\.yml:1/);
  assert.throws(() => parseMonitorPolicy('classes: [a, b]\nmax_age: 3\n', 'm.yml'), /m\.yml:2.*max_age/);
});

test('one probability column per class', () => {
  assert.throws(
    () => parseMonitorPolicy('classes: [a, b, c]\nprobabilities: [pa, pb]\n', 'm.yml'),
    /m\.yml:2:.*2 probability columns for 3 classes/,
  );
});
