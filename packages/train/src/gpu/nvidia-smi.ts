// What nvidia-smi prints, read into numbers. Pure: the process is run by
// gpu-probe.ts. nvidia-smi's machine-readable form is `--query-gpu` with
// `--format=csv,noheader,nounits`: one line per GPU, fields joined by ", ",
// with `N/A`, `[N/A]` or `[Not Supported]` where a GPU cannot report a field
// (power on some boards and in MIG mode). The CUDA version is only in the
// plain table's header.
import type { GpuReading } from './gpu-types.ts';

/** The fields asked for, in this order; a recorded fixture must answer this exact query. */
export const NVIDIA_QUERY_FIELDS = [
  'index',
  'name',
  'uuid',
  'driver_version',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'power.draw',
  'temperature.gpu',
] as const;

export const NVIDIA_QUERY_ARGS = [
  `--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`,
  '--format=csv,noheader,nounits',
] as const;

/**
 * The same query repeated by nvidia-smi itself every `intervalMs` (its loop
 * mode): one process for the whole run instead of one per reading, so the
 * driver library is loaded and the GPUs enumerated once (a one-shot query
 * costs seconds of CPU on some multi-GPU machines). Between readings it may
 * print ECC or XID events, which are not CSV rows.
 */
export function nvidiaLoopArgs(intervalMs: number): string[] {
  return [...NVIDIA_QUERY_ARGS, `--loop-ms=${Math.max(1, Math.round(intervalMs))}`];
}

/** A value nvidia-smi could not read: `N/A`, `[N/A]`, `[Not Supported]`, `[Unknown Error]`, `[GPU requires reset]`. */
function reading(text: string | undefined): number | null {
  const value = (text ?? '').trim();
  if (value === '' || value.startsWith('[') || /^n\/a$/i.test(value)) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

export class GpuQueryFormatError extends Error {
  override readonly name = 'GpuQueryFormatError';
}

/**
 * One reading per GPU line. A name with a comma in it (nvidia-smi does not
 * quote) is put back together from the fields between index and uuid.
 */
export function parseNvidiaQuery(csv: string): GpuReading[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const fields = line.split(',').map((f) => f.trim());
    const extra = fields.length - NVIDIA_QUERY_FIELDS.length;
    if (extra < 0) {
      throw new GpuQueryFormatError(
        `nvidia-smi answered '${line}' with ${fields.length} fields for ${NVIDIA_QUERY_FIELDS.length}`,
      );
    }
    const name = fields.slice(1, 2 + extra).join(', ');
    const rest = [fields[0], name, ...fields.slice(2 + extra)];
    const index = Number(rest[0]);
    if (!Number.isInteger(index) || index < 0) {
      throw new GpuQueryFormatError(`nvidia-smi answered '${line}': '${rest[0]}' is not a GPU index`);
    }
    return {
      index,
      name: rest[1] ?? '',
      uuid: rest[2] ?? '',
      driverVersion: rest[3] ?? '',
      memoryTotalMiB: reading(rest[4]),
      memoryUsedMiB: reading(rest[5]),
      utilizationPercent: reading(rest[6]),
      powerDrawWatts: reading(rest[7]),
      temperatureC: reading(rest[8]),
    };
  });
}

export interface NvidiaSmiHeader {
  driverVersion: string | undefined;
  /** The newest CUDA the driver supports (not the toolkit installed); undefined when the header says N/A. */
  cudaVersion: string | undefined;
}

/**
 * The versions in the plain table's header. Drivers up to R580 print
 * `Driver Version: X  CUDA Version: Y`; R610 prints `KMD Version: X  CUDA UMD Version: Y`.
 */
export function parseNvidiaHeader(text: string): NvidiaSmiHeader {
  const driver = /(?:Driver|KMD) Version:\s*([0-9][0-9.]*)/.exec(text)?.[1];
  const cuda = /CUDA (?:UMD )?Version:\s*([0-9][0-9.]*)/.exec(text)?.[1];
  return { driverVersion: driver, cudaVersion: cuda };
}

/** Why nvidia-smi ran but gave no GPUs, from what it printed. */
export type NvidiaFailure =
  | { kind: 'no-devices'; detail: string }
  | { kind: 'driver-mismatch'; detail: string; libraryVersion: string | undefined }
  | { kind: 'driver-not-loaded'; detail: string }
  | { kind: 'error'; detail: string };

/** Reads a failed nvidia-smi's output (its messages go to stdout, not stderr). */
export function classifyNvidiaFailure(output: string, exitCode: number | null): NvidiaFailure {
  const text = output.trim();
  const firstLine = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (/No devices were found/i.test(text)) return { kind: 'no-devices', detail: 'No devices were found' };
  if (/Driver\/library version mismatch/i.test(text)) {
    const libraryVersion = /NVML library version:\s*([0-9][0-9.]*)/i.exec(text)?.[1];
    return { kind: 'driver-mismatch', detail: firstLine, libraryVersion };
  }
  if (/couldn't communicate with the NVIDIA driver|driver is not loaded/i.test(text)) {
    return { kind: 'driver-not-loaded', detail: firstLine };
  }
  return { kind: 'error', detail: firstLine || `nvidia-smi exited with code ${exitCode ?? 'unknown'}` };
}
