// What the report says about a run's resources: peak memory and mean
// utilisation per GPU, GPU-hours, energy, a cost estimate, and GPUs that sat
// idle with the likeliest reason. Pure, from the recorder's totals.
import type { GpuReading } from './gpu/gpu-types.ts';
import type { TelemetryRecord } from './telemetry.ts';

export interface TelemetrySummaryOptions {
  /** The GPUs the job was given (names and memory sizes). */
  gpus: readonly GpuReading[];
  /** How long the command ran. */
  wallMs: number;
  /** Price of one GPU for one hour, for the cost estimate. */
  hourlyRate?: number;
  currency: string;
  /** Mean utilisation below this flags a GPU as idle. */
  idleBelowPercent: number;
}

export interface GpuSummary {
  index: number;
  name: string;
  meanUtilizationPercent: number | null;
  peakMemoryMiB: number | null;
  memoryTotalMiB: number | null;
  energyWh: number | null;
  peakTemperatureC: number | null;
}

export interface IdleGpu {
  index: number;
  meanUtilizationPercent: number;
  reason: string;
}

export interface TelemetrySummary {
  samples: number;
  gpus: GpuSummary[];
  gpuHours: number;
  energyKWh: number | null;
  cost: { amount: number; currency: string; hourlyRate: number } | undefined;
  host: { meanCpuPercent: number | null; peakMemoryUsedBytes: number; memoryTotalBytes: number };
  idle: IdleGpu[];
}

/** Too few samples say nothing about a GPU's habits. */
const MIN_SAMPLES_TO_JUDGE = 3;
const BARELY_USED_MEMORY_SHARE = 0.05;
const BUSY_HOST_CPU_PERCENT = 85;

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export function summariseTelemetry(record: TelemetryRecord, options: TelemetrySummaryOptions): TelemetrySummary {
  const gpus: GpuSummary[] = options.gpus.map((gpu) => {
    const totals = record.gpus.find((t) => t.index === gpu.index);
    return {
      index: gpu.index,
      name: gpu.name,
      meanUtilizationPercent:
        totals && totals.utilizationSamples > 0 ? round(totals.utilizationSum / totals.utilizationSamples) : null,
      peakMemoryMiB: totals?.peakMemoryMiB ?? null,
      memoryTotalMiB: gpu.memoryTotalMiB,
      energyWh: totals?.energyJoules == null ? null : totals.energyJoules / 3600,
      peakTemperatureC: totals?.peakTemperatureC ?? null,
    };
  });
  const hours = options.wallMs / 3_600_000;
  const gpuHours = gpus.length * hours;
  const energies = gpus.map((g) => g.energyWh).filter((e): e is number => e !== null);
  const meanCpuPercent = record.cpuSamples > 0 ? round(record.cpuPercentSum / record.cpuSamples) : null;
  return {
    samples: record.samples,
    gpus,
    gpuHours,
    energyKWh: energies.length ? energies.reduce((a, b) => a + b, 0) / 1000 : null,
    cost:
      options.hourlyRate === undefined
        ? undefined
        : { amount: gpuHours * options.hourlyRate, currency: options.currency, hourlyRate: options.hourlyRate },
    host: {
      meanCpuPercent,
      peakMemoryUsedBytes: record.peakMemoryUsedBytes,
      memoryTotalBytes: record.memoryTotalBytes,
    },
    idle: record.samples < MIN_SAMPLES_TO_JUDGE ? [] : idleGpus(gpus, meanCpuPercent, options.idleBelowPercent),
  };
}

function idleGpus(gpus: GpuSummary[], meanCpuPercent: number | null, below: number): IdleGpu[] {
  const busiest = gpus.reduce<GpuSummary | undefined>(
    (top, g) => ((g.meanUtilizationPercent ?? -1) > (top?.meanUtilizationPercent ?? -1) ? g : top),
    undefined,
  );
  return gpus.flatMap((gpu) => {
    const util = gpu.meanUtilizationPercent;
    if (util === null || util >= below) return [];
    const at = `mean utilisation ${util}%`;
    let reason: string;
    const barelyUsed =
      gpu.peakMemoryMiB !== null &&
      gpu.memoryTotalMiB !== null &&
      gpu.peakMemoryMiB < gpu.memoryTotalMiB * BARELY_USED_MEMORY_SHARE;
    if (barelyUsed) {
      reason = `${at} and ${gpu.peakMemoryMiB} MiB of memory at most: the command hardly used this GPU; check that it puts its work on the GPU (device, CUDA_VISIBLE_DEVICES)`;
    } else if (busiest && busiest !== gpu && (busiest.meanUtilizationPercent ?? 0) >= 2 * below) {
      reason = `${at} while GPU ${busiest.index} ran at ${busiest.meanUtilizationPercent}%: one process is using one GPU; start one per GPU (torchrun --nproc-per-node=${gpus.length})`;
    } else if (meanCpuPercent !== null && meanCpuPercent >= BUSY_HOST_CPU_PERCENT) {
      reason = `${at} while the host CPUs were ${meanCpuPercent}% busy: the data loader is the bottleneck (more loader workers, preprocessing ahead of time)`;
    } else {
      reason = `${at}: the GPU waits on input or the batches are small (more data-loader workers, faster storage, a larger batch)`;
    }
    return [{ index: gpu.index, meanUtilizationPercent: util, reason }];
  });
}
