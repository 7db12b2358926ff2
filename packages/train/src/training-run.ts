// One run of the training command with everything that watches it: metrics
// from file descriptor 3 and from the metrics file, telemetry samples, a
// checkpoint save on an interval, and a progress tick that closes the log
// group with one line of progress (and refreshes the job summary). Its own
// cost follows the wall clock, so nothing here wakes up more often than what
// it feeds is shown: the metrics file is read at the progress ticks.
import type { RunTool } from './gpu/gpu-probe.ts';
import type { GpuVendorTool } from './gpu/gpu-types.ts';
import type { CheckpointSave, CheckpointSaver } from './checkpoint/checkpoint-saver.ts';
import type { LogGroups } from './log-groups.ts';
import { MetricsFileTail } from './metrics-file-tail.ts';
import { MetricsLog } from './metrics-log.ts';
import { runCommand, type CommandResult, type TrainingCommand } from './run-command.ts';
import { TelemetryRecorder, type TelemetryRecord } from './telemetry.ts';
import { TelemetrySampler } from './telemetry-sampler.ts';

export interface TrainingRunOptions {
  command: TrainingCommand;
  cwd: string;
  env: Record<string, string>;
  /** The JSON Lines file the command may append metrics to (MLSHIP_METRICS_FILE). */
  metricsFile: string;
  log: LogGroups;
  /** The output group's title. */
  title: string;
  telemetry: {
    run: RunTool;
    tool: GpuVendorTool | undefined;
    gpuIndexes: readonly number[];
    gpuCount?: number;
    intervalMs: number;
  };
  checkpoints?: { saver: CheckpointSaver; intervalMs: number; onSave(save: CheckpointSave): void };
  timeoutMs?: number;
  graceMs: number;
  cancelGraceMs?: number;
  signal?: AbortSignal;
  progressMs: number;
  onProgress?(progress: RunProgress): void | Promise<void>;
}

export interface RunProgress {
  elapsedMs: number;
  metrics: MetricsLog;
  telemetry: TelemetryRecord;
}

export interface TrainingRun {
  result: CommandResult;
  metrics: MetricsLog;
  telemetry: TelemetryRecord;
  samplerCost: TelemetrySampler['cost'];
}

export function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

/** One line of progress for the log: the step, the latest metrics, the GPUs. */
export function progressLine(progress: RunProgress): string {
  const latest = Object.entries(progress.metrics.latest());
  const step = progress.metrics.lastStep();
  const shown = latest
    .slice(0, 4)
    .map(([name, point]) => `${name} ${Number(point.value.toPrecision(4))}`)
    .join(' · ');
  const last = progress.telemetry.series.at(-1);
  const gpus = (last?.gpuUtilizationPercent ?? [])
    .map((u, i) => `GPU${i} ${u === null ? '?' : Math.round(u)}%`)
    .join(' ');
  return [
    `mlship train: ${formatElapsed(progress.elapsedMs)}`,
    step === undefined ? 'no metrics yet' : `step ${step}`,
    shown,
    gpus,
  ]
    .filter(Boolean)
    .join(' · ');
}

export async function runTrainingCommand(options: TrainingRunOptions): Promise<TrainingRun> {
  const metrics = new MetricsLog();
  const recorder = new TelemetryRecorder();
  const sampler = new TelemetrySampler({ recorder, ...options.telemetry });
  const tail = new MetricsFileTail(options.metricsFile, (line) => metrics.addLine(line));
  const timers: NodeJS.Timeout[] = [];
  const started = performance.now();
  const { log } = options;
  let running = true;
  let groupNumber = 1;
  /** After a line of mlship's own, the command's output goes on in a group of its own. */
  const nextPart = () => {
    if (running) log.open(`${options.title} (${formatElapsed(performance.now() - started)} on, part ${++groupNumber})`);
  };

  await tail.skipExisting();
  log.open(options.title);
  sampler.start();
  const checkpoints = options.checkpoints;
  if (checkpoints) {
    timers.push(
      setInterval(() => {
        void checkpoints.saver.save('interval').then((save) => {
          if (!save) return;
          checkpoints.onSave(save);
          nextPart();
        });
      }, checkpoints.intervalMs),
    );
  }
  timers.push(
    setInterval(() => {
      // The metrics file is read when its metrics are shown: nothing polls it in between.
      void tail.poll().then(() => {
        if (!running) return;
        const progress = { elapsedMs: performance.now() - started, metrics, telemetry: recorder.record() };
        log.line(progressLine(progress));
        nextPart();
        void options.onProgress?.(progress);
      });
    }, options.progressMs),
  );
  let result: CommandResult;
  try {
    result = await runCommand({
      command: options.command,
      cwd: options.cwd,
      env: options.env,
      onOutput: (text) => log.output(text),
      onMetricsLine: (line) => metrics.addLine(line),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
      graceMs: options.graceMs,
      ...(options.cancelGraceMs === undefined ? {} : { cancelGraceMs: options.cancelGraceMs }),
    });
  } finally {
    running = false;
    for (const timer of timers) clearInterval(timer);
    await Promise.all([tail.stop(), sampler.stop()]);
    log.close();
  }
  return { result, metrics, telemetry: recorder.record(), samplerCost: sampler.cost };
}
