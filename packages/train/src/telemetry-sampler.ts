// Takes a telemetry sample every few seconds while the command runs: the
// GPUs through the vendor tool the preflight found, the host's CPUs and
// memory through the OS. nvidia-smi is left running in its loop mode and
// each of its readings becomes a sample; rocm-smi (or an nvidia-smi loop that
// died) is run once per sample, one at a time (a slow tool delays the next,
// never piles up). Each sample's own cost in this process is measured.
import { closeSync, openSync, readSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { readGpus, type FollowedTool, type RunTool } from './gpu/gpu-probe.ts';
import type { GpuReading, GpuVendorTool } from './gpu/gpu-types.ts';
import { nvidiaLoopArgs, parseNvidiaQuery } from './gpu/nvidia-smi.ts';
import type { TelemetryRecorder, TelemetrySample } from './telemetry.ts';

export interface SamplerOptions {
  recorder: TelemetryRecorder;
  run: RunTool;
  /** The vendor tool, when the machine has GPUs. */
  tool: GpuVendorTool | undefined;
  /** The GPUs the job was given; readings of the others are dropped. */
  gpuIndexes: readonly number[];
  /** How many GPUs the tool reports in one reading (all of the machine's): a loop's reading is whole then. */
  gpuCount?: number;
  intervalMs: number;
  /** Called after each sample (the live job summary). */
  onSample?: (sample: TelemetrySample) => void;
}

interface CpuTimes {
  busy: number;
  total: number;
}

/** The first line of a file, read in one small read (/proc/stat's later lines run to tens of KiB). */
function firstLine(path: string): string {
  const buffer = Buffer.alloc(256);
  const fd = openSync(path, 'r');
  try {
    return buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0)).split('\n', 1)[0]!;
  } finally {
    closeSync(fd);
  }
}

/**
 * The host's CPU time so far: the first line of /proc/stat on Linux (one
 * small read), else os.cpus(), which on Linux also reads all of
 * /proc/cpuinfo (hundreds of KiB on a 64-core GPU runner) at every sample.
 */
function cpuTimes(): CpuTimes {
  try {
    // cpu  user nice system idle iowait irq softirq steal ... (USER_HZ ticks)
    const fields = firstLine('/proc/stat').trim().split(/\s+/);
    if (fields[0] === 'cpu' && fields.length >= 5) {
      const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(1, 9).map((n) => Number(n) || 0);
      const busy = user! + nice! + system! + irq! + softirq! + steal!;
      return { busy, total: busy + idle! + iowait! };
    }
  } catch {
    // Not Linux: below.
  }
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + irq + idle;
  }
  return { busy, total };
}

export class TelemetrySampler {
  readonly #options: SamplerOptions;
  readonly #started = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #cpu = cpuTimes();
  #sampleMs = 0;
  #samples = 0;
  #gpuFailures = 0;
  #followed: FollowedTool | undefined;

  constructor(options: SamplerOptions) {
    this.#options = options;
  }

  start(): void {
    const { tool, run } = this.#options;
    if (tool === 'nvidia-smi' && run.follow) this.#follow(run.follow.bind(run));
    else this.#tick();
  }

  #follow(follow: NonNullable<RunTool['follow']>): void {
    let batch: GpuReading[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      this.#record(batch, performance.now());
      batch = [];
    };
    this.#followed = follow('nvidia-smi', nvidiaLoopArgs(this.#options.intervalMs), (line) => {
      let reading: GpuReading | undefined;
      try {
        [reading] = parseNvidiaQuery(line);
      } catch {
        return; // an ECC or XID event between readings
      }
      if (!reading) return;
      // Each reading lists the GPUs in index order: a lower index starts the next one.
      if (batch.length && reading.index <= batch.at(-1)!.index) flush();
      batch.push(reading);
      if (batch.length === this.#options.gpuCount) flush();
    });
    void this.#followed.exited.then(() => {
      flush();
      this.#followed = undefined;
      // The loop died (a driver reset, a tool without loop mode): one run per sample from now on.
      if (!this.#stopped) {
        this.#gpuFailures++;
        this.#timer = setTimeout(() => this.#tick(), this.#options.intervalMs);
      }
    });
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#running = this.sample().finally(() => {
      this.#running = undefined;
      if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), this.#options.intervalMs);
    });
  }

  /** Takes one sample now. */
  async sample(): Promise<void> {
    const began = performance.now();
    const { tool, run } = this.#options;
    const readings = tool ? await readGpus(run, tool) : [];
    if (readings === undefined) this.#gpuFailures++;
    this.#record(readings, began);
  }

  #record(readings: GpuReading[] | undefined, began: number): void {
    const { gpuIndexes } = this.#options;
    const now = cpuTimes();
    const total = now.total - this.#cpu.total;
    const cpuPercent = total > 0 ? (100 * (now.busy - this.#cpu.busy)) / total : null;
    this.#cpu = now;
    const sample: TelemetrySample = {
      atMs: performance.now() - this.#started,
      gpus: (readings ?? [])
        .filter((gpu) => gpuIndexes.includes(gpu.index))
        .map(({ index, utilizationPercent, memoryUsedMiB, powerDrawWatts, temperatureC }) => ({
          index,
          utilizationPercent,
          memoryUsedMiB,
          powerDrawWatts,
          temperatureC,
        })),
      cpuPercent,
      memoryUsedBytes: totalmem() - freemem(),
      memoryTotalBytes: totalmem(),
    };
    this.#options.recorder.add(sample);
    this.#sampleMs += performance.now() - began;
    this.#samples++;
    this.#options.onSample?.(sample);
  }

  /**
   * Stops sampling. A run that got fewer than two samples gets a last one
   * now, so a short run still has its end; a longer one already has a sample
   * at most one interval old, and a one-shot nvidia-smi (a process, and the
   * driver's start: seconds of CPU on some multi-GPU machines) would add
   * nothing but its cost.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#followed?.stop();
    if (this.#samples < 2) await this.sample();
  }

  /** Samples taken, their mean wall time, and how many GPU reads failed. */
  get cost(): { samples: number; meanSampleMs: number; gpuReadFailures: number } {
    return {
      samples: this.#samples,
      meanSampleMs: this.#samples ? this.#sampleMs / this.#samples : 0,
      gpuReadFailures: this.#gpuFailures,
    };
  }
}
