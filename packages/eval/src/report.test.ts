// The PR section and the model card from a hand-made result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { validationSection } from './pr-section.ts';
import { buildModelCard } from './model-card.ts';
import { parsePolicy } from './policy.ts';
import type { ValidationResult } from './result.ts';

const result: ValidationResult = {
  schemaVersion: 1,
  verdict: 'fail',
  task: 'classification',
  label: 'species',
  data: { source: 'holdout.csv', rows: 120, features: ['a', 'b'] },
  candidate: { source: 'candidate.onnx', sizeBytes: 2048, sha256: 'ab'.repeat(32) },
  baseline: { source: 'churn@prod', sizeBytes: 2048, sha256: 'cd'.repeat(32), version: 'churn@v1.2.0' },
  classes: ['x', 'y'],
  metrics: [
    {
      metric: 'accuracy',
      baseline: 0.9,
      candidate: 0.8,
      delta: -0.1,
      deltaCi: [-0.15, -0.05],
      candidateCi: [0.72, 0.87],
      deltaSe: 0.025,
    },
  ],
  slices: [
    {
      name: 'region = north',
      column: 'region',
      rows: 60,
      metrics: [
        {
          metric: 'accuracy',
          baseline: 0.9,
          candidate: 0.85,
          delta: -0.05,
          deltaCi: [-0.1, 0],
          candidateCi: [0.8, 0.9],
          deltaSe: 0.02,
        },
      ],
    },
  ],
  confusion: {
    classes: ['x', 'y'],
    baseline: [
      [50, 5],
      [7, 58],
    ],
    candidate: [
      [45, 10],
      [14, 51],
    ],
  },
  latency: [],
  signatureChanges: [],
  gates: [
    {
      gate: 'accuracy: drop ≤ 0.01 vs baseline',
      kind: 'non-inferiority',
      verdict: 'fail',
      scope: 'all rows',
      reason: 'Δ Accuracy -0.1 [-0.15, -0.05] is entirely below -0.01',
    },
    { gate: 'model size ≤ 5 MB', kind: 'budget', verdict: 'pass', scope: 'model', reason: 'candidate is 0.00 MB' },
  ],
  bootstrap: { replicates: 1000, seed: 1, confidence: 0.95, resampledRows: 120, multipleTesting: 'holm' },
  timingsMs: {},
};

test('the section leads with the verdict and the failed gates, before the metric table', () => {
  const md = validationSection(result).markdown;
  const failed = md.indexOf('**Failed gates**');
  assert.ok(md.startsWith('**❌ fail**'));
  assert.ok(failed > 0 && failed < md.indexOf('| Metric |'));
  assert.match(md, /\| Accuracy \| 0\.9 \| 0\.8 \| -0\.1 \| \\\[-0\.15, -0\.05\\\] \| ▼ worse \|/);
  assert.match(md, /\| region = north \| 60 \|/);
  assert.match(md, /<summary>1 gate passed<\/summary>/);
  assert.equal(validationSection(result).severity, 'fail');
});

test('the model card has Mitchell et al. sections and Hugging Face model-index front matter', () => {
  const card = buildModelCard(
    result,
    parsePolicy('model_card:\n  name: species\n  intended_use: Demo only.\n', 'p.yml').model_card,
  );
  const front = parse(/^---\n([\s\S]*?)\n---\n/.exec(card.markdown)![1]!);
  assert.deepEqual(front['model-index'][0].results[0].metrics[0], {
    type: 'accuracy',
    value: 0.8,
    name: 'Accuracy',
    verified: false,
  });
  assert.equal(front['model-index'][0].name, 'species');
  for (const section of [
    'Model Details',
    'Intended Use',
    'Factors',
    'Metrics',
    'Evaluation Data',
    'Training Data',
    'Quantitative Analyses',
    'Ethical Considerations',
    'Caveats and Recommendations',
  ]) {
    assert.match(card.markdown, new RegExp(`^## ${section}$`, 'm'));
  }
  assert.match(card.markdown, /Demo only\./);
  assert.equal(card.json.quantitative_analysis.performance_metrics.length, 2);
  assert.equal(card.json.quantitative_analysis.baseline.version, 'churn@v1.2.0');
});

test('the model card rides in the section collapsed, its front matter as a YAML block', () => {
  const card = buildModelCard(result, parsePolicy('{}', 'p.yml').model_card);
  const md = validationSection(result, card.markdown).markdown;
  assert.match(md, /<summary>Model card<\/summary>\n\n```yaml\n/);
  assert.match(md, /^#### Intended Use$/m);
});
