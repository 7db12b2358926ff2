// Takes a telemetry sample every few seconds while the command runs: the
// GPUs through the vendor tool the preflight found, the host's CPUs and
// memory through the OS. One sample at a time (a slow nvidia-smi delays the
// next, never piles up), and each one's own cost is measured.
import { cpus, freemem, totalmem } from 'node:os';
import { readGpus, type RunTool } from './gpu/gpu-probe.ts';
import type { GpuVendorTool } from './gpu/gpu-types.ts';
import type { TelemetryRecorder, TelemetrySample } from './telemetry.ts';

export interface SamplerOptions {
  recorder: TelemetryRecorder;
  run: RunTool;
  /** The vendor tool, when the machine has GPUs. */
  tool: GpuVendorTool | undefined;
  /** The GPUs the job was given; readings of the others are dropped. */
  gpuIndexes: readonly number[];
  intervalMs: number;
  /** Called after each sample (the live job summary). */
  onSample?: (sample: TelemetrySample) => void;
}

interface CpuTimes {
  busy: number;
  total: number;
}

function cpuTimes(): CpuTimes {
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

  constructor(options: SamplerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#tick();
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
    const { tool, run, gpuIndexes } = this.#options;
    const readings = tool ? await readGpus(run, tool) : [];
    if (readings === undefined) this.#gpuFailures++;
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

  /** Stops sampling after a last sample, so a short run still has its end. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.sample();
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
