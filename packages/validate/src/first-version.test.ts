// Day one: the baseline names a stage that holds no version yet. Validation
// judges the candidate on what needs no baseline, instead of failing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, NoVersionYetError } from '@mlship/registry';
import type { DemoFiles } from '@mlship/demo';
import { writeTestDemoModels } from '@mlship/demo/test-kit';
import { validate } from './validate.ts';

let dir: string;
let demo: DemoFiles;
const empty = () => Promise.reject(new NoVersionYetError("penguins has no version in stage 'prod'; promote one"));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlship-first-version-'));
  demo = await writeTestDemoModels(join(dir, 'demo'));
});

test('with nothing in prod, the candidate is a first version judged on its floors, budgets and sanity', async () => {
  const out = await validate(
    {
      candidate: demo.candidate,
      baseline: 'penguins@prod',
      data: demo.holdout,
      policy: demo.policy,
      outputDir: join(dir, 'first'),
    },
    { resolveModel: empty },
  );
  const { result } = out;
  assert.equal(result.verdict, 'pass', out.section.markdown);
  assert.deepEqual(result.firstVersion?.notApplicable, [
    'accuracy: drop ≤ 0.02 vs baseline',
    'macro_f1: drop ≤ 0.02 vs baseline',
    'log_loss: increase ≤ 0.1 vs baseline',
  ]);
  assert.ok(
    result.gates.some((g) => g.kind === 'floor' && g.metric === 'accuracy'),
    'the floor is judged',
  );
  assert.ok(!result.gates.some((g) => g.kind === 'non-inferiority'), 'no gate needs a baseline');
  assert.equal(result.baseline.source, 'penguins@prod');
  assert.equal(result.mcnemar, undefined);
  assert.ok(result.latency.every((l) => l.model === 'candidate'));
  const markdown = out.section.markdown;
  assert.match(markdown, /\*\*first version\*\*: there is no `penguins@prod` to compare with yet/);
  assert.match(markdown, /Not applicable until a version is in production: \*\*accuracy: drop ≤ 0\.02 vs baseline\*\*/);
  assert.match(markdown, /\| Metric +\| Candidate \| 95% CI +\|/);
  assert.doesNotMatch(markdown, /Baseline|Δ/);
  const card = readFileSync(out.paths.modelCard, 'utf8');
  assert.match(card, /Validation verdict as the first version \(no `penguins@prod` yet\): \*\*pass\*\*/);
  assert.deepEqual(
    JSON.parse(readFileSync(out.paths.modelCardJson, 'utf8')).quantitative_analysis.baseline.metrics,
    {},
  );
});

test('a first version below its floor fails like any other', async () => {
  const out = await validate(
    {
      candidate: demo.degraded,
      baseline: 'penguins@prod',
      data: demo.holdout,
      policy: demo.policy,
      outputDir: join(dir, 'low'),
    },
    { resolveModel: empty },
  );
  assert.ok(out.result.firstVersion);
  assert.equal(out.result.verdict, 'fail');
  assert.equal(out.result.gates[0]?.kind, 'floor');
  assert.match(out.section.markdown, /\*\*Failed gates\*\*\n\n- ❌ \*\*accuracy ≥ 0\.85\*\*/);
});

test('only an empty stage makes a first version: a missing pinned version or a broken release is still an error', async () => {
  const options = (baseline: string) => ({
    candidate: demo.candidate,
    baseline,
    data: demo.holdout,
    policy: demo.policy,
    outputDir: join(dir, 'refused'),
  });
  await assert.rejects(
    validate(options('penguins@v1.0.0'), {
      resolveModel: () => Promise.reject(new NoVersionYetError("no model 'penguins' in the registry")),
    }),
    NoVersionYetError,
  );
  await assert.rejects(
    validate(options('penguins@prod'), {
      resolveModel: () => Promise.reject(new NotFoundError('penguins@v1.0.0 is registered but its release is missing')),
    }),
    /release is missing/,
  );
});
