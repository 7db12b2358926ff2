// docs/arc/gpu-runner-scale-set.values.yaml is what a team installs to get GPU
// runners: it must hold what the gha-runner-scale-set chart and a GPU node
// pool need, and the scale set's name must be the runs-on docs/train.md shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/build-actions.ts';

interface Container {
  name: string;
  image: string;
  command: string[];
  resources: { limits: Record<string, unknown> };
}
interface Values {
  githubConfigUrl: string;
  githubConfigSecret: string;
  runnerScaleSetName: string;
  minRunners: number;
  maxRunners: number;
  template: {
    spec: {
      nodeSelector: Record<string, string>;
      tolerations: { key: string; operator: string; effect: string }[];
      containers: Container[];
    };
  };
}

const values = parse(readFileSync(join(repoRoot, 'docs', 'arc', 'gpu-runner-scale-set.values.yaml'), 'utf8')) as Values;

test('the scale set authenticates, names itself and scales to zero', () => {
  assert.match(values.githubConfigUrl, /^https:\/\/github\.com\/[^/]+/);
  assert.ok(values.githubConfigSecret);
  assert.equal(values.minRunners, 0);
  assert.ok(values.maxRunners >= 1);
});

test('its runners land on GPU nodes and get a GPU each', () => {
  const { spec } = values.template;
  assert.ok(Object.keys(spec.nodeSelector).length > 0, 'a node selector for the GPU pool');
  assert.ok(
    spec.tolerations.some((t) => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule'),
    "a toleration for the GPU nodes' taint",
  );
  const runner = spec.containers.find((c) => c.name === 'runner');
  assert.ok(runner, "the chart's container is named runner");
  assert.deepEqual(runner.command, ['/home/runner/run.sh']);
  assert.match(runner.image, /^ghcr\.io\/actions\/actions-runner:/);
  assert.ok(Number(runner.resources.limits['nvidia.com/gpu']) >= 1);
});

test("docs/train.md's workflow selects the scale set by its name", () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'train.md'), 'utf8');
  assert.match(doc, new RegExp(`runs-on: ${values.runnerScaleSetName}\\n`));
});
