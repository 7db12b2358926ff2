// Benchmark: what wrapping a training command in the train step costs.
//   bare        — the command run by bash alone (fd 3 to /dev/null);
//   bare reader — the same command, its output and fd 3 read by a Node
//                 process that does nothing with them (the floor of any
//                 Node wrapper that streams the output);
//   wrapped     — the same command through runTraining as the action runs
//                 it: preflight, output in log groups written out (to
//                 /dev/null, where the action writes to the runner), metrics
//                 on fd 3, telemetry every 5 s from a recorded 2 × A100
//                 nvidia-smi, checkpoints saved to a local store with the
//                 post step's state kept in a file, the job summary
//                 rewritten in a file at each progress tick, outputs and
//                 lineage;
// all the CPU spent beside the job (the wrapper and every process it starts,
// the recorded nvidia-smi included) as a share of the job's own CPU (target
// ≤ 2% on a 60-second job; the wall-clock ratio is printed too, but a
// shared machine swings it by more than that) and the
// telemetry sampler's cost (mean time per sample, samples taken). The job does
// a fixed amount of CPU work (calibrated once to about MLSHIP_BENCH_SECONDS of
// CPU, default 60) and reports a metric and a log line every 100 ms, so the
// wrapper's own CPU use shows up as a slower job. Rounds alternate bare and
// wrapped under the same load (the load average is printed beside each
// round); medians of each are taken. The wrapper's own CPU is split into its
// phases: before the command starts (inputs, preflight, lineage digests,
// checkpoint restore), while it runs (streaming, metrics, telemetry,
// checkpoint saves, progress) and after it ends (outputs, lineage, report).
// The recorded nvidia-smi is a bash script that, like the real loop, starts
// no process per reading (builtins only), so the CPU beside the job counts
// what telemetry costs on a GPU runner, the tool's own reading aside.
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LocalCheckpointStore, runTraining, toolRunner, TrainInputsSchema } from '@mlship/train';
import { installRecordedGpu } from '@mlship/train/test-kit';

const SECONDS = Number(process.env.MLSHIP_BENCH_SECONDS ?? 60);
const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'mlship-bench-train-'));
const job = join(dir, 'job.mjs');
// Fixed work in chunks of ITERATIONS; a metric and a line every chunk, a checkpoint every 10.
writeFileSync(
  job,
  `import { writeSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
const chunks = Number(process.argv[2]);
const iterations = Number(process.argv[3]);
const ckpt = process.env.MLSHIP_CHECKPOINT_DIR;
let x = 0;
for (let c = 1; c <= chunks; c++) {
  for (let i = 0; i < iterations; i++) x = (x * 1103515245 + 12345) % 2147483648;
  writeSync(3, JSON.stringify({ step: c, name: 'loss', value: 1 / c }) + '\\n');
  console.log('step ' + c + ' loss ' + (1 / c).toFixed(4));
  if (ckpt && c % 10 === 0) { mkdirSync(ckpt, { recursive: true }); writeFileSync(ckpt + '/s.tmp', String(x)); renameSync(ckpt + '/s.tmp', ckpt + '/s'); }
}
const cpu = process.cpuUsage();
writeFileSync(process.argv[4], String((cpu.user + cpu.system) / 1000));
`,
);

/** Iterations that take about 100 ms of CPU, measured in a child like the job (CPU, not wall: the machine may be shared). */
function calibrate(): number {
  const probe = 20_000_000;
  const run = spawnSync(
    process.execPath,
    [
      '-e',
      `let x=0;const t=process.cpuUsage();for(let i=0;i<${probe};i++)x=(x*1103515245+12345)%2147483648;const u=process.cpuUsage(t);console.log((u.user+u.system)/1000)`,
    ],
    { encoding: 'utf8' },
  );
  return Math.round((probe * 100) / Number(run.stdout));
}

const devNull = openSync('/dev/null', 'w');
const iterations = calibrate();
const chunks = SECONDS * 10;
const jobCpuFile = join(dir, 'job-cpu-ms');
const command = `"${process.execPath}" "${job}" ${chunks} ${iterations} "${jobCpuFile}"`;
const jobCpuMs = () => Number(readFileSync(jobCpuFile, 'utf8'));

/** CPU time of this process and of its reaped children (the job, bash, nvidia-smi), from /proc. */
function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // utime, stime, cutime, cstime: fields 14-17 of stat, in clock ticks (100 per second on Linux).
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
}

/** CPU time of this process alone: getrusage, cheap enough to read at every phase change. */
function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

interface Measure {
  ms: number;
  /** CPU spent by everything but the job itself. */
  extraCpuMs: number;
  jobCpuMs: number;
}

function bare(): Measure {
  const cpu = cpuMs();
  const start = performance.now();
  const run = spawnSync('bash', ['-c', `${command} 3>/dev/null`], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
  if (run.status !== 0) throw new Error(`the bare job failed (${run.status})`);
  const ms = performance.now() - start;
  return { ms, extraCpuMs: Math.round(cpuMs() - cpu - jobCpuMs()), jobCpuMs: jobCpuMs() };
}

/**
 * The same command with its output and fd 3 read by a Node process that does
 * nothing with them: what reading this job's output costs any Node wrapper on
 * this machine (a wakeup and a stream chunk per write), whatever it does next.
 */
async function reader(): Promise<Measure> {
  const cpu = cpuMs();
  const start = performance.now();
  const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], cwd: dir });
  for (const stream of child.stdio.slice(1)) (stream as Readable).on('data', () => {});
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`the job under a bare reader failed (${status})`);
  const ms = performance.now() - start;
  return { ms, extraCpuMs: Math.round(cpuMs() - cpu - jobCpuMs()), jobCpuMs: jobCpuMs() };
}

interface Wrapped extends Measure {
  samples: number;
  sampleMs: number;
  selfCpuMs: number;
  /** The wrapper's own CPU before the command starts, while it runs, and after. */
  phases: { beforeMs: number; duringMs: number; afterMs: number };
}

async function wrapped(round: number): Promise<Wrapped> {
  const ws = join(dir, `ws-${round}`);
  mkdirSync(ws, { recursive: true });
  // A fresh recorded machine per round: its samples start idle again.
  const gpu = installRecordedGpu('a100-sxm4-40gb-x2');
  let samples = 0;
  let sampleMs = 0;
  const cpu = cpuMs();
  const self = selfCpuMs();
  let commandStart: number | undefined;
  let commandEnd: number | undefined;
  const start = performance.now();
  const result = await runTraining(
    TrainInputsSchema.parse({
      run: command,
      gpus: '2',
      checkpointDir: 'ckpt',
      checkpointIntervalMinutes: '0.25',
      progressIntervalSeconds: '15',
    }),
    {
      workspace: ws,
      env: { PATH: gpu.path, HOME: ws },
      runnerName: 'bench',
      run: { id: `bench-${round}`, attempt: 1 },
      branch: 'main',
      defaultName: 'bench',
    },
    {
      runTool: toolRunner({ PATH: gpu.path }),
      // A fresh store per round too: no round restores an earlier one's checkpoint.
      store: new LocalCheckpointStore(join(dir, `store-${round}`)),
      log: 'actions',
      write: (text) => {
        // The first group opens as the command starts; the last one closes as it ends.
        if (commandStart === undefined && text.startsWith('::group::')) commandStart = selfCpuMs();
        if (text.includes('::endgroup::')) commandEnd = selfCpuMs();
        if (text.startsWith('mlship train: telemetry took')) {
          const cost = /telemetry took (\d+) samples, (\d+) ms each/.exec(text);
          if (cost) [samples, sampleMs] = [Number(cost[1]), Number(cost[2])];
        }
        writeSync(devNull, text);
      },
      warn: (message) => console.error(`warning: ${message}`),
      writeSummary: async (markdown) => writeFileSync(join(ws, 'step-summary.md'), markdown),
      saveState: (state) => appendFileSync(join(ws, 'state'), `checkpoint=${JSON.stringify(state)}\n`),
    },
  );
  const ms = performance.now() - start;
  gpu.remove();
  if (result.outcome !== 'succeeded') throw new Error(`the wrapped job ${result.outcome}: ${result.failure}`);
  const end = selfCpuMs();
  const wrapperCpuMs = Math.round(end - self);
  const phases = {
    beforeMs: Math.round(commandStart! - self),
    duringMs: Math.round(commandEnd! - commandStart!),
    afterMs: Math.round(end - commandEnd!),
  };
  return {
    ms,
    extraCpuMs: Math.round(cpuMs() - cpu - jobCpuMs()),
    selfCpuMs: wrapperCpuMs,
    jobCpuMs: jobCpuMs(),
    samples,
    sampleMs,
    phases,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

try {
  console.log(
    `job: ${chunks} chunks of ${iterations} iterations (about ${SECONDS} s of CPU), ${ROUNDS} rounds; load average ${load()}`,
  );
  const bares: Measure[] = [];
  const readers: Measure[] = [];
  const wraps: Wrapped[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const b = bare();
    const r = await reader();
    const loadBetween = load();
    const w = await wrapped(round);
    bares.push(b);
    readers.push(r);
    wraps.push(w);
    console.log(
      `round ${round + 1}: bare ${(b.ms / 1000).toFixed(2)} s (job CPU ${(b.jobCpuMs / 1000).toFixed(2)} s, other CPU ${b.extraCpuMs} ms); bare reader ${(r.ms / 1000).toFixed(2)} s (job CPU ${(r.jobCpuMs / 1000).toFixed(2)} s, other CPU ${r.extraCpuMs} ms), load ${loadBetween}; wrapped ${(w.ms / 1000).toFixed(2)} s (job CPU ${(w.jobCpuMs / 1000).toFixed(2)} s, other CPU ${w.extraCpuMs} ms: ${w.selfCpuMs} ms in the wrapper — ${w.phases.beforeMs} before the command, ${w.phases.duringMs} while it ran, ${w.phases.afterMs} after — the rest in the recorded nvidia-smi, bash and the job's start), load ${load()}`,
    );
  }
  // On a shared machine the wall clock swings by more than the target; CPU time much less.
  const cpuShare = (m: Measure) => (m.extraCpuMs / m.jobCpuMs) * 100;
  const overheads = wraps.map((w, i) => cpuShare(w) - cpuShare(bares[i]!));
  console.log(
    `bare (bash alone)      median ${(median(bares.map((m) => m.ms)) / 1000).toFixed(2)} s wall; CPU beside the job ${median(bares.map(cpuShare)).toFixed(2)}% of the job's`,
  );
  console.log(
    `bare reader (Node)     median ${(median(readers.map((m) => m.ms)) / 1000).toFixed(2)} s wall; CPU beside the job ${median(readers.map(cpuShare)).toFixed(2)}% of the job's (reading the output at all)`,
  );
  console.log(
    `wrapped (train step)   median ${(median(wraps.map((m) => m.ms)) / 1000).toFixed(2)} s wall; CPU beside the job ${median(wraps.map(cpuShare)).toFixed(2)}% of the job's (target ≤ 2%; rounds: ${wraps.map((w) => `${cpuShare(w).toFixed(2)}%`).join(', ')})`,
  );
  console.log(
    `the wrapper process alone: median ${median(wraps.map((w) => (w.selfCpuMs / w.jobCpuMs) * 100)).toFixed(2)}% of the job's CPU (the rest beside the job is the recorded nvidia-smi, bash and the job's start)`,
  );
  console.log(
    `wrapper CPU by phase (median ms): before ${median(wraps.map((w) => w.phases.beforeMs))}, during ${median(wraps.map((w) => w.phases.duringMs))}, after ${median(wraps.map((w) => w.phases.afterMs))}`,
  );
  console.log(
    `wall ratio (medians) ${(median(wraps.map((m) => m.ms)) / median(bares.map((m) => m.ms))).toFixed(4)}; CPU added by wrapping (median of the rounds' wrapped − bare) ${median(overheads).toFixed(2)}% of the job's CPU`,
  );
  const last = wraps.at(-1)!;
  console.log(
    `telemetry sampler: ${last.samples} samples, ${last.sampleMs} ms each on average (wall time of one GPU reading and the /proc reads, beside the command)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
