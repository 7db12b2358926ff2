// End to end in-process: real models trained on the penguins, scored by ONNX
// Runtime, judged against the demo policy; and every bad input failing with
// one line that names the file and the fix.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FileFormatError, InputError, UserError } from '@mlship/errors';
import { buildLinearClassifierOnnx, buildLinearRegressorOnnx } from '@mlship/onnx/test-kit';
import type { DemoFiles } from '@mlship/demo';
import { writeTestDemoModels } from '@mlship/demo/test-kit';
import { validate } from './validate.ts';

let dir: string;
let demo: DemoFiles;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlship-validate-'));
  demo = await writeTestDemoModels(join(dir, 'demo'));
});

test('the better candidate passes every gate; files and model card are written', async () => {
  const out = await validate({
    candidate: demo.candidate,
    baseline: demo.baseline,
    data: demo.holdout,
    policy: demo.policy,
    outputDir: join(dir, 'pass'),
  });
  assert.equal(out.result.verdict, 'pass', out.section.markdown);
  assert.equal(out.result.data.rows, demo.training.holdoutRows);
  const accuracy = out.result.metrics.find((m) => m.metric === 'accuracy')!;
  assert.ok(accuracy.candidate > 0.9 && accuracy.delta > 0 && accuracy.deltaCi[0] > 0);
  assert.deepEqual(out.result.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
  assert.deepEqual(out.result.slices.map((s) => s.name).slice(0, 3), [
    'island = Biscoe',
    'island = Dream',
    'island = Torgersen',
  ]);
  assert.equal(
    out.result.slices.reduce((n, s) => (s.column === 'island' ? n + s.rows : n), 0),
    out.result.data.rows,
  );
  const written = JSON.parse(readFileSync(out.paths.result, 'utf8'));
  assert.equal(written.schemaVersion, 1);
  assert.equal(written.verdict, 'pass');
  const card = readFileSync(out.paths.modelCard, 'utf8');
  assert.equal(parse(/^---\n([\s\S]*?)\n---/.exec(card)![1]!)['model-index'][0].name, 'penguin-species');
  assert.ok(readFileSync(out.paths.report, 'utf8').includes('<summary>Model card</summary>'));
  assert.match(readFileSync(out.paths.report, 'utf8'), /^### ✅ Model validation\n\n/);
});

test('the degraded candidate fails with the reason first, and the same seed gives the same intervals', async () => {
  const run = () =>
    validate({
      candidate: demo.degraded,
      baseline: demo.baseline,
      data: demo.holdout,
      policy: demo.policy,
      outputDir: join(dir, 'fail'),
    });
  const out = await run();
  assert.equal(out.result.verdict, 'fail');
  assert.equal(out.result.gates[0]?.verdict, 'fail');
  assert.match(out.section.markdown, /^\*\*❌ fail\*\*.*\n\n\*\*Failed gates\*\*\n\n- ❌ \*\*accuracy ≥ 0\.85\*\*/);
  const again = await run();
  assert.deepEqual(
    again.result.metrics.map((m) => m.deltaCi),
    out.result.metrics.map((m) => m.deltaCi),
  );
});

test('a holdout whose labels are all one class: ROC AUC and PR AUC are not computed, their gates are inconclusive, and the section says why', async () => {
  const lines = readFileSync(demo.holdout, 'utf8').trimEnd().split('\n');
  const adelie = [lines[0]!, ...lines.slice(1).filter((l) => l.startsWith('Adelie,'))];
  writeFileSync(join(dir, 'adelie.csv'), `${adelie.join('\n')}\n`);
  const policy = readFileSync(demo.policy, 'utf8').replace(
    '  - accuracy >= 0.85\n',
    '  - accuracy >= 0.85\n  - roc_auc >= 0.9\n  - metric: pr_auc\n    max_drop: 0.05\n',
  );
  writeFileSync(join(dir, 'auc-policy.yml'), policy);
  const out = await validate({
    candidate: demo.candidate,
    baseline: demo.baseline,
    data: join(dir, 'adelie.csv'),
    policy: join(dir, 'auc-policy.yml'),
    outputDir: join(dir, 'one-class'),
  });
  const why = "every label is 'Adelie': a ranking needs two classes";
  assert.equal(out.result.verdict, 'inconclusive');
  assert.deepEqual(
    out.result.gates.filter((g) => g.verdict !== 'pass').map((g) => [g.gate, g.verdict, g.reason]),
    [
      ['roc_auc ≥ 0.9', 'inconclusive', `ROC AUC could not be computed on all rows (${why})`],
      ['pr_auc: drop ≤ 0.05 vs baseline', 'inconclusive', `PR AUC could not be computed on all rows (${why})`],
    ],
  );
  assert.deepEqual(out.result.notComputed, [
    { metric: 'roc_auc', reason: why },
    { metric: 'pr_auc', reason: why },
  ]);
  assert.deepEqual(
    out.result.metrics.map((m) => m.metric),
    ['accuracy', 'macro_precision', 'macro_recall', 'macro_f1', 'log_loss', 'ece'],
  );
  assert.match(out.section.markdown, /^\*\*❔ inconclusive\*\* — /);
  assert.ok(
    out.section.markdown.includes(`\n\nNot computed: ROC AUC (${why}); PR AUC (${why}).\n\n`),
    out.section.markdown,
  );
});

test('a regression model on a holdout by named [N, 1] inputs', async () => {
  const rows = Array.from({ length: 200 }, (_, i) => ({ a: i % 17, b: (i * 7) % 11 }));
  const csv = ['y,a,b', ...rows.map((r) => `${2 * r.a - r.b + 1 + ((r.a * 13) % 5) / 10},${r.a},${r.b}`)].join('\n');
  writeFileSync(join(dir, 'reg.csv'), `${csv}\n`);
  writeFileSync(
    join(dir, 'good.onnx'),
    buildLinearRegressorOnnx({ featureNames: ['a', 'b'], inputLayout: 'columns', weights: [2, -1], bias: 1.2 }),
  );
  writeFileSync(
    join(dir, 'base.onnx'),
    buildLinearRegressorOnnx({ featureNames: ['a', 'b'], inputLayout: 'columns', weights: [1.5, -1], bias: 3 }),
  );
  writeFileSync(
    join(dir, 'reg.yml'),
    'gates:\n  - metric: mae\n    max_increase: 0\nsanity:\n  robustness: { noise: 0.01, max_flip_rate: 0.05 }\n',
  );
  const out = await validate({
    candidate: join(dir, 'good.onnx'),
    baseline: join(dir, 'base.onnx'),
    data: join(dir, 'reg.csv'),
    task: 'regression',
    label: 'y',
    policy: join(dir, 'reg.yml'),
    outputDir: join(dir, 'reg'),
  });
  const mae = out.result.metrics.find((m) => m.metric === 'mae')!;
  assert.ok(mae.candidate < 0.5 && mae.delta < 0 && mae.deltaCi[1] < 0, JSON.stringify(mae));
  assert.equal(out.result.verdict, 'pass', out.section.markdown);
  const stability = out.result.gates.find((g) => g.gate.startsWith('candidate: predictions changed by'));
  assert.equal(stability?.verdict, 'pass');
  assert.match(stability!.reason, /rows move by more than 0\.1σ of the predictions$/);
});

test('a fairness gate on a probability metric compares the groups (it passed as "fewer than two groups")', async () => {
  writeFileSync(
    join(dir, 'fair.yml'),
    readFileSync(demo.policy, 'utf8').replace(
      /fairness:\n    column: sex\n    metric: accuracy\n    max_gap: 0\.15/,
      'fairness:\n    column: sex\n    metric: log_loss\n    max_gap: 0',
    ),
  );
  const out = await validate({
    candidate: demo.candidate,
    baseline: demo.baseline,
    data: demo.holdout,
    policy: join(dir, 'fair.yml'),
    outputDir: join(dir, 'fair'),
  });
  const gate = out.result.gates.find((g) => g.kind === 'fairness')!;
  assert.equal(gate.gate, 'log_loss gap across sex ≤ 0');
  assert.equal(gate.verdict, 'fail', gate.reason);
  assert.match(gate.reason, /^sex = \w+ \d\.\d{3} vs sex = \w+ \d\.\d{3} \(gap \d\.\d{3}\)$/);
});

async function rejects(options: Parameters<typeof validate>[0], kind: typeof UserError, pattern: RegExp) {
  await assert.rejects(validate({ outputDir: join(dir, 'bad'), ...options }), (error: unknown) => {
    assert.ok(error instanceof kind, String(error));
    assert.ok(!(error as Error).message.includes('\n'), 'one line');
    assert.match((error as Error).message, pattern);
    return true;
  });
}

test('bad inputs fail with one line naming the file and the fix', async () => {
  const base = { candidate: demo.candidate, baseline: demo.baseline, data: demo.holdout, policy: demo.policy };
  writeFileSync(join(dir, 'corrupt.onnx'), 'definitely not protobuf');
  await rejects(
    { ...base, candidate: join(dir, 'corrupt.onnx') },
    FileFormatError,
    /corrupt\.onnx: not a valid ONNX model/,
  );

  writeFileSync(
    join(dir, 'narrow.yml'),
    readFileSync(demo.policy, 'utf8').replace(
      'features: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]',
      'features: [bill_length_mm, bill_depth_mm]',
    ),
  );
  await rejects(
    { ...base, policy: join(dir, 'narrow.yml') },
    InputError,
    /input 'input' has shape \[N, 4\] \(4 features\) but 2 columns are mapped to it .* fix 'features' or 'inputs' in .*narrow\.yml/,
  );

  writeFileSync(
    join(dir, 'wrong-input.yml'),
    `${readFileSync(demo.policy, 'utf8')}inputs:\n  features: [bill_length_mm]\n`,
  );
  await rejects(
    { ...base, policy: join(dir, 'wrong-input.yml') },
    InputError,
    /input 'input' is not mapped under 'inputs'/,
  );

  await rejects({ ...base, label: 'penguin' }, FileFormatError, /holdout\.csv: column 'penguin' is not in the header/);
  await rejects(
    { ...base, task: 'regression', policy: undefined, label: 'species' },
    FileFormatError,
    /label column 'species' holds text \('Adelie'\) but the task is regression/,
  );

  writeFileSync(
    join(dir, 'empty.csv'),
    'species,island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\n',
  );
  await rejects({ ...base, data: join(dir, 'empty.csv') }, InputError, /empty\.csv: the holdout has no rows/);

  writeFileSync(join(dir, 'unlabelled.csv'), `${readFileSync(demo.holdout, 'utf8')},Dream,male,40,18,190,3800\n`);
  await rejects(
    { ...base, data: join(dir, 'unlabelled.csv') },
    FileFormatError,
    /unlabelled\.csv: row \d+: label 'species' is missing/,
  );

  writeFileSync(
    join(dir, 'typo.yml'),
    readFileSync(demo.policy, 'utf8').replace('metric: macro_f1', 'metric: macro_f2'),
  );
  await rejects(
    { ...base, policy: join(dir, 'typo.yml') },
    FileFormatError,
    /typo\.yml:\d+:\d+: gates\[2\]\.metric: unknown metric 'macro_f2'/,
  );

  await rejects(
    { ...base, baseline: 'penguins@prod' },
    InputError,
    /baseline 'penguins@prod' is not a file and no registry is configured/,
  );

  // Both models label classes 0, 1, 2 while the holdout says Adelie, Chinstrap, Gentoo.
  const intModel = buildLinearClassifierOnnx({
    featureNames: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'],
    weights: [
      [0.1, 0, 0, 0],
      [0, 0.1, 0, 0],
      [0, 0, 0.01, 0],
    ],
    bias: [0, 0, 0],
    classes: [0, 1, 2],
  });
  writeFileSync(join(dir, 'ints.onnx'), intModel);
  await rejects(
    { ...base, candidate: join(dir, 'ints.onnx'), baseline: join(dir, 'ints.onnx') },
    InputError,
    /ints\.onnx: the model's labels \(0, 1, 2\) share none with label column 'species' of .*holdout\.csv \(Adelie, Chinstrap, Gentoo\); check the label column/,
  );
});

test('a candidate whose signature changed fails the signature gate with what changed', async () => {
  writeFileSync(
    join(dir, 'wide.onnx'),
    buildLinearClassifierOnnx({
      featureNames: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'bill_depth_mm'],
      weights: [
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 1e-3, 0],
      ],
      bias: [0, 0, 0],
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
    }),
  );
  writeFileSync(join(dir, 'no-features.yml'), readFileSync(demo.policy, 'utf8').replace(/^features: .*\n/m, ''));
  const out = await validate({
    candidate: join(dir, 'wide.onnx'),
    baseline: demo.baseline,
    data: demo.holdout,
    policy: join(dir, 'no-features.yml'),
    outputDir: join(dir, 'wide'),
  });
  const gate = out.result.gates.find((g) => g.kind === 'signature');
  assert.equal(gate?.verdict, 'fail');
  assert.equal(gate?.reason, "input 'input' dimension 1 changed: 4 → 5 (shape [N, 4] → [N, 5])");
});
