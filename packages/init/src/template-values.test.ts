import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directoryOf, fillTemplate, yamlScalar } from './template-values.ts';

const values = {
  model: 'penguins',
  defaultBranch: 'trunk',
  data: 'datasets/penguins.csv',
  holdout: 'datasets/test.csv',
};

test('the placeholder, the model and the example paths are replaced as whole tokens', () => {
  const template = [
    'on:',
    '  pull_request:',
    '    branches: [$default-branch]',
    'env:',
    '  MODEL: churn',
    '  OTHER: churn-report',
    'steps:',
    '  - with:',
    '      data: pr/data/train/*.parquet',
    '      holdout: data/holdout.parquet',
    '      sparse-checkout: |',
    '        data/train',
    '        data/training-notes.md',
    '  - run: ./train.sh --data pr/data/train --params mlship/params.yml',
    "    paths: ['data/**', 'train/**']",
  ].join('\n');
  assert.equal(
    fillTemplate(template, values),
    [
      'on:',
      '  pull_request:',
      '    branches: [trunk]',
      'env:',
      '  MODEL: penguins',
      '  OTHER: churn-report',
      'steps:',
      '  - with:',
      '      data: pr/datasets/penguins.csv',
      '      holdout: datasets/test.csv',
      '      sparse-checkout: |',
      '        datasets',
      '        data/training-notes.md',
      '  - run: ./train.sh --data pr/datasets --params mlship/params.yml',
      "    paths: ['datasets/**', 'train/**']",
    ].join('\n'),
  );
});

test('a model name YAML would read as something else is quoted', () => {
  assert.match(fillTemplate('  MODEL: churn', { ...values, model: 'yes' }), /MODEL: "yes"/);
  assert.equal(yamlScalar('fraud-v2'), 'fraud-v2');
});

test('the folder of a path or glob', () => {
  assert.equal(directoryOf('data/train/*.parquet'), 'data/train');
  assert.equal(directoryOf('data/penguins.csv'), 'data');
  assert.equal(directoryOf('data/**/part-*.parquet'), 'data');
  assert.equal(directoryOf('penguins.csv'), '.');
});
