// The bench's proof by simulation, small: the judge's error rates and labels
// to a decision on a few hundred seeded rollouts (bench/canary-judge.ts runs
// thousands and prints the rates beside the fixed-horizon sample sizes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, simulateJudge, type SimulationOptions } from '../bench/lib/canary-simulation.ts';

const options: SimulationOptions = {
  runs: 200,
  seed: 11,
  margin: 0.02,
  alpha: 0.05,
  lookEvery: 50,
  minLabels: 100,
  maxLabels: 20_000,
};
const paired = (canaryAccuracy: number) => ({
  name: `0.90 → ${canaryAccuracy}`,
  prodAccuracy: 0.9,
  canaryAccuracy,
  disagreement: 0.1,
  paired: true,
});

test('a canary worse by the margin is promoted in at most 5% of rollouts, and rolled back within 2,000 labels (median)', () => {
  const r = simulateJudge(paired(0.88), options);
  assert.ok(r.promote / r.runs <= 0.05, `false promote ${r.promote}/${r.runs}`);
  assert.ok(median(r.labels) <= 2000, `median labels to rollback ${median(r.labels)}`);
});

test('a canary as good as prod is rolled back in at most 5% of rollouts', () => {
  const r = simulateJudge(paired(0.9), options);
  assert.ok(r.rollback / r.runs <= 0.05, `false rollback ${r.rollback}/${r.runs}`);
  assert.ok(r.promote / r.runs >= 0.9, `promoted ${r.promote}/${r.runs}`);
});

test('re-testing a one-look interval at every look (no correction) breaks the 5% bound the judge keeps', () => {
  const r = simulateJudge(paired(0.9), { ...options, test: 'fixed-level' });
  assert.ok(r.rollback / r.runs > 0.1, `uncorrected false rollback ${r.rollback}/${r.runs}`);
});
