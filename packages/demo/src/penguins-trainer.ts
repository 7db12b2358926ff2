// The demo team's training command, as `actions/train` runs a team's own
// (`node penguins-trainer.ts --epochs 400 --out candidate.onnx`): softmax
// regression on the demo's penguins, 20 epochs at a time. It resumes from
// MLSHIP_CHECKPOINT_DIR, reports the loss as JSON Lines on MLSHIP_METRICS_FD,
// writes a checkpoint after each block (whole, then renamed), stops on
// SIGTERM after writing one, and writes the ONNX model at the end.
// DEMO_PREEMPT_AT_EPOCH makes the machine vanish (SIGKILL) right after the
// checkpoint of that epoch, as a preempted spot instance would.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { DEMO_CLASSES, DEMO_FEATURES, demoTrainingSet } from './demo-models.ts';
import { trainSoftmaxRegression, type LinearFit } from './train.ts';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '400' },
    block: { type: 'string', default: '20' },
    out: { type: 'string' },
  },
});
const epochs = Number(values.epochs);
const block = Number(values.block);
const checkpointDir = process.env.MLSHIP_CHECKPOINT_DIR;
const metricsFd = process.env.MLSHIP_METRICS_FD ? Number(process.env.MLSHIP_METRICS_FD) : undefined;
const preemptAt = Number(process.env.DEMO_PREEMPT_AT_EPOCH ?? Infinity);
const metric = (step: number, name: string, value: number) => {
  if (metricsFd !== undefined) writeSync(metricsFd, `${JSON.stringify({ step, name, value })}\n`);
};

interface State {
  epoch: number;
  fit: LinearFit;
}
const stateFile = checkpointDir ? join(checkpointDir, 'state.json') : undefined;
let state: State | undefined =
  stateFile && existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : undefined;
console.log(state ? `resumed from epoch ${state.epoch}` : 'starting from scratch');

let stopping = false;
process.on('SIGTERM', () => (stopping = true));

const { columns, labels } = await demoTrainingSet();
let epoch = state?.epoch ?? 0;
while (epoch < epochs && !stopping) {
  const n = Math.min(block, epochs - epoch);
  let last = NaN;
  const fit = trainSoftmaxRegression({
    features: columns,
    labels,
    classCount: DEMO_CLASSES.length,
    epochs: n,
    ...(state ? { from: state.fit } : {}),
    onEpoch: (_, loss) => (last = loss),
  });
  epoch += n;
  state = { epoch, fit };
  metric(epoch, 'loss', last);
  console.log(`epoch ${epoch}/${epochs} loss ${last.toFixed(4)}`);
  if (stateFile) {
    mkdirSync(checkpointDir!, { recursive: true });
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
  }
  if (epoch >= preemptAt) process.kill(process.pid, 'SIGKILL');
}
if (stopping) {
  console.log(`stopped at epoch ${epoch}; the checkpoint is written`);
  process.exit(143);
}
const predictions = labels.map((_, i) => {
  const scores = state!.fit.weights.map((w, c) =>
    w.reduce((s, wj, j) => s + wj * columns[j]![i]!, state!.fit.bias[c]!),
  );
  return scores.indexOf(Math.max(...scores));
});
metric(epoch, 'train_accuracy', predictions.filter((p, i) => p === labels[i]).length / labels.length);
if (values.out) {
  writeFileSync(
    values.out,
    buildLinearClassifierOnnx({
      featureNames: [...DEMO_FEATURES],
      classes: DEMO_CLASSES,
      weights: state!.fit.weights,
      bias: state!.fit.bias,
    }),
  );
  console.log(`wrote ${values.out}`);
}
