// The GPUs of a machine as the preflight, the telemetry and the lineage see
// them, whichever vendor tool read them.

/** One GPU at one moment; null where the tool could not read the field. */
export interface GpuReading {
  index: number;
  name: string;
  uuid: string;
  driverVersion: string;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  utilizationPercent: number | null;
  powerDrawWatts: number | null;
  temperatureC: number | null;
}

export type GpuVendorTool = 'nvidia-smi' | 'rocm-smi';

/** What a probe of the machine found. */
export type GpuProbe =
  | {
      kind: 'gpus';
      tool: GpuVendorTool;
      gpus: GpuReading[];
      driverVersion: string | undefined;
      /** The newest CUDA the NVIDIA driver supports (nvidia-smi's header). */
      cudaVersion: string | undefined;
    }
  /** No vendor tool on PATH: a CPU runner. */
  | { kind: 'no-tool' }
  /** The tool ran and found no GPU, or could not talk to the driver. */
  | {
      kind: 'unusable';
      tool: GpuVendorTool;
      reason: 'no-devices' | 'driver-mismatch' | 'driver-not-loaded' | 'error';
      detail: string;
    };
