// GPU and host readings taken every few seconds while the command runs, kept
// in bounded memory whatever the run's length: running totals for the
// summary (means, peaks, energy by the trapezoid rule) and a series for the
// charts that halves its resolution when it grows past its cap. Pure: the
// sampler (telemetry-sampler.ts) feeds it.

export interface GpuSample {
  index: number;
  utilizationPercent: number | null;
  memoryUsedMiB: number | null;
  powerDrawWatts: number | null;
  temperatureC: number | null;
}

export interface TelemetrySample {
  /** Milliseconds since the command started. */
  atMs: number;
  gpus: GpuSample[];
  /** Share of all host CPUs busy since the previous sample, 0–100. */
  cpuPercent: number | null;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
}

export interface GpuTotals {
  index: number;
  samples: number;
  utilizationSum: number;
  utilizationSamples: number;
  peakMemoryMiB: number | null;
  peakTemperatureC: number | null;
  peakPowerWatts: number | null;
  /** Joules, from power readings by the trapezoid rule; null while no power was read. */
  energyJoules: number | null;
}

/** One point of the charts: means over the samples it stands for. */
export interface TelemetryPoint {
  atMs: number;
  gpuUtilizationPercent: (number | null)[];
  gpuMemoryUsedMiB: (number | null)[];
  cpuPercent: number | null;
  memoryUsedBytes: number;
  /** How many samples were merged into it. */
  weight: number;
}

export interface TelemetryRecord {
  samples: number;
  firstAtMs: number | undefined;
  lastAtMs: number | undefined;
  gpus: GpuTotals[];
  cpuPercentSum: number;
  cpuSamples: number;
  peakMemoryUsedBytes: number;
  memoryTotalBytes: number;
  series: TelemetryPoint[];
}

const MAX_POINTS = 240;

const mean = (a: number | null, wa: number, b: number | null, wb: number) =>
  a === null ? b : b === null ? a : (a * wa + b * wb) / (wa + wb);
const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

export class TelemetryRecorder {
  readonly #gpus = new Map<number, GpuTotals>();
  readonly #lastPower = new Map<number, { atMs: number; watts: number }>();
  #samples = 0;
  #first: number | undefined;
  #last: number | undefined;
  #cpuSum = 0;
  #cpuSamples = 0;
  #peakMemory = 0;
  #memoryTotal = 0;
  #series: TelemetryPoint[] = [];

  add(sample: TelemetrySample): void {
    this.#samples++;
    this.#first ??= sample.atMs;
    this.#last = sample.atMs;
    if (sample.cpuPercent !== null) {
      this.#cpuSum += sample.cpuPercent;
      this.#cpuSamples++;
    }
    this.#peakMemory = Math.max(this.#peakMemory, sample.memoryUsedBytes);
    this.#memoryTotal = sample.memoryTotalBytes;
    for (const gpu of sample.gpus) {
      const totals = this.#gpus.get(gpu.index) ?? {
        index: gpu.index,
        samples: 0,
        utilizationSum: 0,
        utilizationSamples: 0,
        peakMemoryMiB: null,
        peakTemperatureC: null,
        peakPowerWatts: null,
        energyJoules: null,
      };
      totals.samples++;
      if (gpu.utilizationPercent !== null) {
        totals.utilizationSum += gpu.utilizationPercent;
        totals.utilizationSamples++;
      }
      totals.peakMemoryMiB = max(totals.peakMemoryMiB, gpu.memoryUsedMiB);
      totals.peakTemperatureC = max(totals.peakTemperatureC, gpu.temperatureC);
      totals.peakPowerWatts = max(totals.peakPowerWatts, gpu.powerDrawWatts);
      if (gpu.powerDrawWatts !== null) {
        const previous = this.#lastPower.get(gpu.index);
        if (previous) {
          const seconds = (sample.atMs - previous.atMs) / 1000;
          totals.energyJoules = (totals.energyJoules ?? 0) + ((previous.watts + gpu.powerDrawWatts) / 2) * seconds;
        } else totals.energyJoules ??= 0;
        this.#lastPower.set(gpu.index, { atMs: sample.atMs, watts: gpu.powerDrawWatts });
      }
      this.#gpus.set(gpu.index, totals);
    }
    this.#series.push({
      atMs: sample.atMs,
      gpuUtilizationPercent: sample.gpus.map((g) => g.utilizationPercent),
      gpuMemoryUsedMiB: sample.gpus.map((g) => g.memoryUsedMiB),
      cpuPercent: sample.cpuPercent,
      memoryUsedBytes: sample.memoryUsedBytes,
      weight: 1,
    });
    if (this.#series.length > MAX_POINTS) this.#series = halve(this.#series);
  }

  record(): TelemetryRecord {
    return {
      samples: this.#samples,
      firstAtMs: this.#first,
      lastAtMs: this.#last,
      gpus: [...this.#gpus.values()].sort((a, b) => a.index - b.index).map((g) => ({ ...g })),
      cpuPercentSum: this.#cpuSum,
      cpuSamples: this.#cpuSamples,
      peakMemoryUsedBytes: this.#peakMemory,
      memoryTotalBytes: this.#memoryTotal,
      series: this.#series.map((p) => ({ ...p })),
    };
  }
}

/** Merges neighbouring points, weighted by how many samples each already stands for. */
export function halve(points: TelemetryPoint[]): TelemetryPoint[] {
  const merged: TelemetryPoint[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const a = points[i]!;
    const b = points[i + 1];
    if (!b) {
      merged.push(a);
      continue;
    }
    const w = a.weight + b.weight;
    merged.push({
      atMs: a.atMs,
      gpuUtilizationPercent: a.gpuUtilizationPercent.map((v, j) =>
        mean(v, a.weight, b.gpuUtilizationPercent[j] ?? null, b.weight),
      ),
      gpuMemoryUsedMiB: a.gpuMemoryUsedMiB.map((v, j) => max(v, b.gpuMemoryUsedMiB[j] ?? null)),
      cpuPercent: mean(a.cpuPercent, a.weight, b.cpuPercent, b.weight),
      memoryUsedBytes: Math.max(a.memoryUsedBytes, b.memoryUsedBytes),
      weight: w,
    });
  }
  return merged;
}
