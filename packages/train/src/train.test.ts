import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineageSchema } from '@mlship/registry';
import { installRecordedGpu, type RecordedGpu } from '../test-kit/recorded-gpu.ts';
import { LocalCheckpointStore } from './checkpoint/local-checkpoint-store.ts';
import { toolRunner } from './gpu/gpu-probe.ts';
import { PreflightError } from './preflight.ts';
import { runTraining, type CheckpointState, type TrainContext } from './train.ts';
import { TrainInputsSchema } from './train-inputs.ts';

const TRAINER = fileURLToPath(new URL('../test-kit/fake-trainer.ts', import.meta.url));
const trainer = (args: string) => `"${process.execPath}" "${TRAINER}" ${args}`;

let root: string;
/** The recorded machine of the running test (each test gets its own, so its samples start at the first). */
let gpu: RecordedGpu;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'mlship-train-'));
});
beforeEach(() => {
  gpu = installRecordedGpu('a100-sxm4-40gb-x2');
});
afterEach(() => gpu.remove());
after(() => rmSync(root, { recursive: true, force: true }));

let serial = 0;
function workspace(files: Record<string, string> = {}): string {
  const dir = join(root, `ws-${serial++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function context(ws: string, env: Record<string, string> = {}, attempt = 1): TrainContext {
  return {
    workspace: ws,
    env: { PATH: gpu.path, HOME: process.env['HOME'] ?? ws, ...env },
    runnerName: 'gpu-runner-7',
    runner: { name: 'gpu-runner-7' },
    run: { id: '1658821493', attempt },
    repository: 'octo-org/churn',
    commit: 'a'.repeat(40),
    branch: 'feature/more-data',
    defaultBranch: 'main',
    defaultName: 'churn',
  };
}

function deps(store?: LocalCheckpointStore, extra: { states?: CheckpointState[] } = {}) {
  let log = '';
  const warnings: string[] = [];
  const summaries: string[] = [];
  return {
    deps: {
      runTool: toolRunner({ PATH: gpu.path }),
      store,
      log: 'actions' as const,
      write: (text: string) => (log += text),
      warn: (message: string) => warnings.push(message),
      writeSummary: async (markdown: string) => void summaries.push(markdown),
      saveState: (state: CheckpointState) => extra.states?.push(state),
    },
    log: () => log,
    warnings,
    summaries,
  };
}

const inputs = (raw: Record<string, string>) => TrainInputsSchema.parse(raw);

test('a run on two recorded A100s: metrics, telemetry, outputs and the lineage', async () => {
  const ws = workspace({
    'params.yml': 'lr: 0.1\noptimizer:\n  name: adam\n',
    'data/train.csv': 'a,b\n1,2\n',
    'uv.lock': 'lock',
  });
  const d = deps();
  const result = await runTraining(
    inputs({
      run: trainer('--steps 12 --step-ms 20 --model model.onnx'),
      gpus: '2',
      modelPath: 'model.onnx',
      params: 'params.yml',
      data: 'data/*.csv',
      seed: '7',
      hourlyRate: '2.5',
      telemetryIntervalSeconds: '0.05',
    }),
    context(ws),
    d.deps,
  );
  assert.equal(result.outcome, 'succeeded', result.failure);
  assert.equal(result.failure, undefined);
  assert.deepEqual(Object.keys(result.report.metrics.final), ['loss', 'eval_accuracy']);
  assert.equal(result.report.metrics.final['loss']?.step, 12);
  const metrics = JSON.parse(readFileSync(result.paths.metrics, 'utf8'));
  assert.equal(metrics.series.loss.length, 12);
  assert.equal(metrics.final.loss, Number((1 / 13 + 0).toFixed(6)));
  const lineage = LineageSchema.parse(JSON.parse(readFileSync(result.paths.lineage, 'utf8')));
  assert.equal(lineage.model, 'churn');
  assert.equal(lineage.seed, 7);
  assert.equal(lineage.environment.gpuDriver, '580.126.09');
  assert.equal(lineage.environment.cudaVersion, '13.0');
  assert.deepEqual(
    lineage.environment.gpus.map((g) => g.name),
    ['NVIDIA A100-SXM4-40GB', 'NVIDIA A100-SXM4-40GB'],
  );
  assert.deepEqual(lineage.params, { lr: 0.1, 'optimizer.name': 'adam' });
  assert.deepEqual(
    lineage.data.map((x) => [x.path, x.kind, x.sizeBytes]),
    [['data/train.csv', 'file', 8]],
  );
  assert.deepEqual(
    lineage.environment.lockfiles.map((l) => l.path),
    ['uv.lock'],
  );
  assert.deepEqual(
    lineage.outputs.map((o) => [o.path, o.role]),
    [
      ['model.onnx', 'model'],
      ['metrics.json', 'metrics'],
      ['telemetry.json', 'other'],
      ['params.yml', 'params'],
    ],
  );
  const telemetry = result.report.telemetry;
  assert.ok(telemetry.samples >= 2, `${telemetry.samples} samples`);
  assert.equal(telemetry.gpus.length, 2);
  assert.ok(telemetry.gpus[0]!.peakMemoryMiB! >= 598);
  assert.ok(telemetry.cost && telemetry.cost.amount > 0);
  assert.match(d.log(), /::group::Training: /);
  assert.match(d.log(), /::stop-commands::[0-9a-f]{32}\n/);
  assert.match(d.log(), /preflight passed on gpu-runner-7: 2 × NVIDIA A100-SXM4-40GB, driver 580.126.09, CUDA 13.0/);
  assert.ok(existsSync(join(result.outputDir, 'model.onnx')));
  assert.match(readFileSync(result.paths.report, 'utf8'), /Trained/);
  assert.equal(d.summaries.length >= 1, true);
});

test('a GPU job on a CPU runner fails before anything runs or is written', async () => {
  const cpu = installRecordedGpu('cpu');
  try {
    const ws = workspace();
    const d = deps();
    await assert.rejects(
      runTraining(
        inputs({ run: trainer('--steps 2'), gpus: '1' }),
        { ...context(ws), env: { PATH: cpu.path } },
        {
          ...d.deps,
          runTool: toolRunner({ PATH: cpu.path }),
        },
      ),
      (error: unknown) =>
        error instanceof PreflightError && /needs 1 GPU but runner 'gpu-runner-7' has none/.test(error.message),
    );
    assert.equal(existsSync(join(ws, 'mlship-train')), false, 'no output directory');
    assert.doesNotMatch(d.log(), /Training:/);
  } finally {
    cpu.remove();
  }
});

test('a failing command: its exit code and last line, partial metrics kept, its checkpoint saved', async () => {
  const ws = workspace();
  const store = new LocalCheckpointStore(join(ws, '.store'));
  const d = deps(store);
  const result = await runTraining(
    inputs({ run: trainer('--steps 50 --step-ms 5 --fail-at 12'), checkpointDir: 'ckpt' }),
    context(ws),
    d.deps,
  );
  assert.equal(result.outcome, 'failed');
  assert.match(
    result.failure ?? '',
    /^the training command exited with code 3 after \d+m \d+s: RuntimeError: CUDA out of memory at step 12; its checkpoint was saved as mlship-checkpoint-churn-feature\/more-data-[0-9a-f]{16}-1658821493-1-0, so a re-run resumes there$/,
  );
  assert.equal(result.report.metrics.final['loss']?.step, 12, 'metrics up to the failure');
  assert.equal(JSON.parse(readFileSync(result.paths.metrics, 'utf8')).series.loss.length, 12);
  assert.deepEqual(
    result.report.checkpoint?.saves.map((s) => [s.trigger, s.stored]),
    [['stop', true]],
  );
  assert.equal(result.artifact, undefined);
});

test('metrics lines that are not JSON are skipped and counted, not fatal', async () => {
  const ws = workspace();
  const d = deps();
  const result = await runTraining(inputs({ run: trainer('--steps 8 --step-ms 1 --garbage') }), context(ws), d.deps);
  assert.equal(result.outcome, 'succeeded');
  assert.equal(result.report.metrics.skipped, 2);
  assert.deepEqual(result.report.metrics.skippedExamples[0], { line: 5, text: 'epoch 4 done', reason: 'not JSON' });
  assert.equal(result.section.severity, 'warn');
});

test('preempted at step 12, resumed on the next attempt from the newest checkpoint', async () => {
  const ws = workspace();
  const store = new LocalCheckpointStore(join(root, `store-${serial++}`));
  const first = await runTraining(
    inputs({ run: trainer('--steps 20 --step-ms 40'), checkpointDir: 'ckpt', checkpointIntervalMinutes: '0.005' }),
    context(ws, { FAKE_TRAINER_DIE_AT: '12' }),
    deps(store).deps,
  );
  assert.equal(first.outcome, 'failed');
  assert.match(first.failure ?? '', /was killed by SIGKILL/);
  const intervalSaves = first.report.checkpoint!.saves.filter((s) => s.trigger === 'interval' && s.stored);
  assert.ok(intervalSaves.length >= 1, 'saved on the interval while it ran');
  rmSync(join(ws, 'ckpt'), { recursive: true, force: true }); // a fresh runner
  const d = deps(store);
  const second = await runTraining(
    inputs({ run: trainer('--steps 20 --step-ms 40'), checkpointDir: 'ckpt' }),
    context(ws, {}, 2),
    d.deps,
  );
  assert.equal(second.outcome, 'succeeded', second.failure);
  assert.match(d.log(), /resumed from step 10/);
  assert.match(
    second.report.checkpoint?.restoredFrom ?? '',
    /^mlship-checkpoint-churn-feature\/more-data-[0-9a-f]{16}-1658821493-1-\d+$/,
  );
  assert.equal(second.report.metrics.series['loss']?.[0]?.step, 11, 'the second attempt starts after the checkpoint');
});

test("metrics appended to the metrics file: read at the progress ticks and at the end, an earlier run's lines left out", async () => {
  const ws = workspace({ 'm.jsonl': '{"step":99,"name":"loss","value":9}\n' });
  const d = deps();
  const point = (step: number, value: number) => JSON.stringify({ step, name: 'loss', value });
  // The second point has no newline: the unterminated last line is read at the end.
  const run = `echo '${point(1, 0.5)}' >> "$MLSHIP_METRICS_FILE"; sleep 2; printf '%s' '${point(2, 0.25)}' >> "$MLSHIP_METRICS_FILE"`;
  const result = await runTraining(
    inputs({ run, metricsFile: 'm.jsonl', progressIntervalSeconds: '0.2' }),
    context(ws),
    d.deps,
  );
  assert.equal(result.outcome, 'succeeded', result.failure);
  assert.match(
    d.log(),
    /^mlship train: \d+m \d+s · step 1 · loss 0\.5\b/m,
    'a progress tick read the file while it ran',
  );
  assert.deepEqual(result.report.metrics.series['loss'], [
    { step: 1, value: 0.5 },
    { step: 2, value: 0.25 },
  ]);
});

test('the output after an interval checkpoint line goes on in a log group', async () => {
  const ws = workspace();
  const storeDir = join(root, `store-${serial++}`);
  const d = deps(new LocalCheckpointStore(storeDir));
  // The command writes a checkpoint, waits (at most 10 s) until the interval save has stored it, then prints on.
  const run = [
    'echo before the save',
    'echo 1 > "$MLSHIP_CHECKPOINT_DIR/state"',
    `for i in $(seq 200); do [ -n "$(ls '${storeDir}' 2>/dev/null)" ] && break; sleep 0.05; done`,
    'echo after the save',
  ].join('; ');
  const result = await runTraining(
    inputs({ run, checkpointDir: 'ckpt', checkpointIntervalMinutes: '0.005' }),
    context(ws),
    d.deps,
  );
  assert.equal(result.outcome, 'succeeded', result.failure);
  const lines = d.log().split('\n');
  const saved = lines.findIndex((line) => line.startsWith('mlship train: checkpoint saved (interval)'));
  assert.ok(saved >= 0 && saved < lines.indexOf('after the save'), 'the interval save came while the command ran');
  let open = false;
  const outside: string[] = [];
  for (const line of lines) {
    if (line.startsWith('::group::')) open = true;
    else if (line === '::endgroup::') open = false;
    else if (/^(before|after) the save$/.test(line) && !open) outside.push(line);
  }
  assert.deepEqual(outside, [], "the command's lines outside any group");
  assert.equal(open, false, 'the last group is closed');
});

test('a new branch starts from the default branch newest checkpoint of the same config', async () => {
  const store = new LocalCheckpointStore(join(root, `store-${serial++}`));
  const main = await runTraining(
    inputs({ run: trainer('--steps 8 --step-ms 1'), checkpointDir: 'ckpt' }),
    { ...context(workspace(), { FAKE_TRAINER_DIE_AT: '5' }), branch: 'main' },
    deps(store).deps,
  );
  assert.equal(main.outcome, 'failed');
  const d = deps(store);
  const branch = await runTraining(
    inputs({ run: trainer('--steps 8 --step-ms 1'), checkpointDir: 'ckpt' }),
    context(workspace()),
    d.deps,
  );
  assert.equal(branch.outcome, 'succeeded');
  assert.match(branch.report.checkpoint?.restoredFrom ?? '', /^mlship-checkpoint-churn-main-/);
  assert.match(d.log(), /resumed from step 5/);
  const changed = await runTraining(
    inputs({ run: trainer('--steps 8 --step-ms 1') + ' --checkpoint-every 4', checkpointDir: 'ckpt' }),
    context(workspace()),
    deps(store).deps,
  );
  assert.equal(changed.report.checkpoint?.restoredFrom, undefined, 'another command is another config');
});

test('a timeout stops the command with SIGTERM; it checkpoints, the step fails and says how to resume', async () => {
  const ws = workspace();
  const store = new LocalCheckpointStore(join(ws, '.store'));
  const result = await runTraining(
    inputs({
      run: trainer('--steps 100000 --step-ms 5'),
      checkpointDir: 'ckpt',
      timeoutMinutes: '0.08',
      graceSeconds: '10',
    }),
    context(ws),
    deps(store).deps,
  );
  assert.equal(result.outcome, 'timed-out');
  assert.match(
    result.failure ?? '',
    /^training stopped at its time limit \(timeout-minutes: 0.08\) after \d+m \d+s; its checkpoint was saved as .*-1658821493-1-0, so a re-run resumes there$/,
  );
  assert.equal(result.report.checkpoint?.saves.at(-1)?.trigger, 'stop');
});

test('a command that is not installed', async () => {
  const result = await runTraining(inputs({ run: 'trian.py --epochs 3' }), context(workspace()), deps().deps);
  assert.equal(result.outcome, 'failed');
  assert.equal(
    result.failure,
    "input 'run': 'trian.py' was not found (bash: line 1: trian.py: command not found); check the command and that its program is installed on this runner",
  );
});

test('the command sees no token or secret unless pass-env names it; seeds and determinism are set', async () => {
  const d = deps();
  const result = await runTraining(
    inputs({
      run: trainer(
        '--steps 1 --print-env GITHUB_TOKEN --print-env ACTIONS_RUNTIME_TOKEN --print-env INPUT_TOKEN --print-env WANDB_API_KEY --print-env AWS_SECRET_ACCESS_KEY --print-env PYTHONHASHSEED --print-env CUBLAS_WORKSPACE_CONFIG --print-env CUDA_VISIBLE_DEVICES',
      ),
      passEnv: 'AWS_SECRET_ACCESS_KEY',
      seed: '42',
      deterministic: 'true',
      gpus: '1',
    }),
    context(workspace(), {
      GITHUB_TOKEN: 'ghs_secret1',
      ACTIONS_RUNTIME_TOKEN: 'jwt.secret',
      INPUT_TOKEN: 'ghs_secret2',
      WANDB_API_KEY: 'wandb-secret',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
    }),
    { ...d.deps, mask: () => {} },
  );
  assert.equal(result.outcome, 'succeeded', result.failure);
  const log = d.log();
  for (const line of [
    'GITHUB_TOKEN=<unset>',
    'ACTIONS_RUNTIME_TOKEN=<unset>',
    'INPUT_TOKEN=<unset>',
    'WANDB_API_KEY=<unset>',
    'AWS_SECRET_ACCESS_KEY=aws-secret',
    'PYTHONHASHSEED=42',
    'CUBLAS_WORKSPACE_CONFIG=:4096:8',
    'CUDA_VISIBLE_DEVICES=GPU-4f2b7a9e-1c3d-5e6f-8a9b-0c1d2e3f4a5b',
  ])
    assert.ok(log.includes(line), line);
  assert.match(
    log,
    /kept from the command's environment: ACTIONS_RUNTIME_TOKEN, GITHUB_TOKEN, INPUT_TOKEN, WANDB_API_KEY/,
  );
});

test('reproducibility: two seeded runs agree to the bit; a noisy kernel does not', async () => {
  const same = await runTraining(
    inputs({
      run: trainer('--steps 6 --step-ms 1 --model model.bin'),
      modelPath: 'model.bin',
      seed: '3',
      reproduce: 'true',
      checkpointDir: 'ckpt',
    }),
    context(workspace()),
    deps().deps,
  );
  assert.equal(same.outcome, 'succeeded', same.failure);
  assert.equal(same.reproducibility?.verdict, 'identical');
  assert.deepEqual(
    same.reproducibility?.files.map((f) => [f.path, f.same]),
    [
      ['$MLSHIP_CHECKPOINT_DIR/state.json', true],
      ['$MLSHIP_CHECKPOINT_DIR/weights.bin', true],
      ['model.bin', true],
    ],
  );
  const noisy = await runTraining(
    inputs({
      run: trainer('--steps 6 --step-ms 1 --noise --model model.bin'),
      modelPath: 'model.bin',
      reproduce: 'true',
    }),
    context(workspace()),
    deps().deps,
  );
  assert.equal(noisy.reproducibility?.verdict, 'different');
  assert.ok((noisy.reproducibility?.largestCurveGap?.absoluteDifference ?? 0) > 0);
  assert.equal(noisy.reproducibility?.files.find((f) => f.path === 'model.bin')?.same, false);
});
