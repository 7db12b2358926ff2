// A training command for tests, in the shape the train action expects of a
// team's command: it resumes from MLSHIP_CHECKPOINT_DIR, reports metrics as
// JSON Lines on MLSHIP_METRICS_FD or MLSHIP_METRICS_FILE, checkpoints every
// few steps (written whole, then renamed), and on SIGTERM writes a checkpoint
// and exits. Flags:
//   --steps N          train to step N (default 20)
//   --step-ms MS       time per step (default 10)
//   --checkpoint-every K  (default 5)
//   --fail-at S        exit 3 with an error at step S
//   --die-at S         SIGKILL itself at step S (a preempted machine); also FAKE_TRAINER_DIE_AT,
//                      so one attempt can die while the command line (and its config digest) stays the same
//   --garbage          also write lines that are not metrics
//   --ignore-sigterm   keep running after SIGTERM
//   --model PATH       write a model file at the end (its bytes depend on the seed and steps only)
//   --print-env NAME   print NAME's value (or <unset>) at start
//   --noise            add run-to-run noise to the losses and the model (a nondeterministic kernel)
import { mkdirSync, readFileSync, renameSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    'step-ms': { type: 'string', default: '10' },
    'checkpoint-every': { type: 'string', default: '5' },
    'fail-at': { type: 'string' },
    'die-at': { type: 'string' },
    garbage: { type: 'boolean', default: false },
    'ignore-sigterm': { type: 'boolean', default: false },
    model: { type: 'string' },
    'print-env': { type: 'string', multiple: true, default: [] },
    noise: { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
const stepMs = Number(values['step-ms']);
const every = Number(values['checkpoint-every']);
const dir = process.env['MLSHIP_CHECKPOINT_DIR'];
const seed = Number(process.env['MLSHIP_SEED'] ?? '0');

for (const name of values['print-env']) console.log(`${name}=${process.env[name] ?? '<unset>'}`);

let out: WriteStream | undefined;
if (process.env['MLSHIP_METRICS_FD']) out = createWriteStream('', { fd: Number(process.env['MLSHIP_METRICS_FD']) });
else if (process.env['MLSHIP_METRICS_FILE'])
  out = createWriteStream(process.env['MLSHIP_METRICS_FILE'], { flags: 'a' });
const metric = (step: number, name: string, value: number) => out?.write(`${JSON.stringify({ step, name, value })}\n`);

let step = 0;
if (dir) {
  try {
    step = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { step: number }).step;
    console.log(`resumed from step ${step}`);
  } catch {
    console.log('starting from scratch');
  }
}

function checkpoint(): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin.tmp'), Buffer.alloc(4096, step % 251));
  renameSync(join(dir, 'weights.bin.tmp'), join(dir, 'weights.bin'));
  writeFileSync(join(dir, 'state.json.tmp'), JSON.stringify({ step }));
  renameSync(join(dir, 'state.json.tmp'), join(dir, 'state.json'));
  console.log(`checkpoint at step ${step}`);
}

let stopping = false;
process.on('SIGTERM', () => {
  console.log(`SIGTERM at step ${step}`);
  if (values['ignore-sigterm']) return;
  stopping = true;
});

const jitter = values.noise ? Math.random() / 1000 : 0;
const loss = (s: number) => Number((1 / (1 + s) + (seed % 7) / 1000 + jitter).toFixed(6));
while (step < steps) {
  await new Promise((resolve) => setTimeout(resolve, stepMs));
  step++;
  metric(step, 'loss', loss(step));
  if (step % every === 0) metric(step, 'eval_accuracy', Number((1 - loss(step) / 2).toFixed(6)));
  if (values.garbage && step % 4 === 0) out?.write(`epoch ${step} done\n`);
  console.log(`step ${step}/${steps} loss ${loss(step)}`);
  if (step % every === 0) checkpoint();
  if (values['fail-at'] && step === Number(values['fail-at'])) {
    console.error(`RuntimeError: CUDA out of memory at step ${step}`);
    out?.end();
    process.exit(3);
  }
  const dieAt = values['die-at'] ?? process.env['FAKE_TRAINER_DIE_AT'];
  if (dieAt && step === Number(dieAt)) process.kill(process.pid, 'SIGKILL');
  if (stopping) {
    checkpoint();
    out?.end();
    process.exit(143);
  }
}
checkpoint();
if (values.model) writeFileSync(values.model, `model seed=${seed} steps=${steps} loss=${loss(steps)}\n`);
out?.end();
