// Whether this machine can run the job: enough GPUs, free enough. A pure
// decision over what the probe read, so a GPU job that lands on a CPU runner
// or on a GPU another job holds fails in seconds, in one line, before any
// training starts.
import { UserError } from '@mlship/errors';
import type { GpuProbe, GpuReading } from './gpu/gpu-types.ts';

export class PreflightError extends UserError {
  override readonly name: string = 'PreflightError';
}

export interface GpuRequirement {
  /** GPUs the job needs; 0 runs anywhere (the GPUs found are still recorded). */
  count: number;
  /** Free memory each GPU needs; without it a GPU with over 10% of its memory in use counts as busy. */
  minFreeMemoryMiB?: number;
  /** A GPU busier than this is taken by another job. */
  maxUtilizationPercent: number;
}

export interface PreflightOutcome {
  /** The GPUs the job will use (all visible ones when it needs none in particular). */
  gpus: GpuReading[];
  /** Variables that pin the job to the chosen GPUs, when it needs fewer than the machine has. */
  env: Record<string, string>;
}

const BUSY_MEMORY_SHARE = 0.1;
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Why a GPU cannot take the job, or undefined when it can. */
export function busyReason(gpu: GpuReading, requirement: GpuRequirement): string | undefined {
  const { memoryTotalMiB: total, memoryUsedMiB: used, utilizationPercent: util } = gpu;
  const usage = `${integer.format(used ?? 0)} of ${integer.format(total ?? 0)} MiB used, ${util ?? '?'}% utilisation`;
  if (util !== null && util > requirement.maxUtilizationPercent) return `busy (${usage})`;
  if (total === null || used === null) return undefined;
  if (requirement.minFreeMemoryMiB !== undefined) {
    return total - used < requirement.minFreeMemoryMiB
      ? `short of memory (${usage}; ${integer.format(requirement.minFreeMemoryMiB)} MiB free needed)`
      : undefined;
  }
  return used > total * BUSY_MEMORY_SHARE ? `busy (${usage}: another process holds its memory)` : undefined;
}

/**
 * The GPUs a variable such as CUDA_VISIBLE_DEVICES already allows (by index
 * or UUID), as a container runtime or the workflow set it: the job stays
 * within them and mlship does not widen or move it.
 */
function visibleTo(gpus: GpuReading[], visible: string | undefined): GpuReading[] {
  if (visible === undefined) return gpus;
  const ids = visible
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return gpus.filter((gpu) => ids.includes(String(gpu.index)) || ids.includes(gpu.uuid));
}

export interface PreflightContext {
  runnerName: string;
  /** CUDA_VISIBLE_DEVICES (NVIDIA) or HIP_VISIBLE_DEVICES (AMD) as the step got it. */
  visibleDevices?: string;
}

export function checkGpus(probe: GpuProbe, requirement: GpuRequirement, context: PreflightContext): PreflightOutcome {
  const runner = `runner '${context.runnerName}'`;
  const needs = `this job needs ${plural(requirement.count, 'GPU')}`;
  if (probe.kind === 'no-tool') {
    if (requirement.count === 0) return { gpus: [], env: {} };
    throw new PreflightError(
      `${needs} but ${runner} has none (no nvidia-smi or rocm-smi on its PATH): run it on a GPU runner (runs-on: [self-hosted, gpu]) or set gpus: 0`,
    );
  }
  if (probe.kind === 'unusable') {
    if (requirement.count === 0) return { gpus: [], env: {} };
    throw new PreflightError(`${needs} but ${probe.tool} on ${runner} ${unusableAdvice(probe)}`);
  }
  const visible = visibleTo(probe.gpus, context.visibleDevices);
  if (requirement.count === 0) return { gpus: visible, env: {} };
  if (visible.length < requirement.count) {
    const names = [...new Set(visible.map((g) => g.name))].join(', ');
    const scope =
      context.visibleDevices === undefined
        ? ''
        : ` visible (${probe.tool === 'rocm-smi' ? 'HIP' : 'CUDA'}_VISIBLE_DEVICES=${context.visibleDevices})`;
    throw new PreflightError(
      `${needs}; ${runner} has ${visible.length}${scope}${names ? ` (${names})` : ''}: use a runner with ${plural(requirement.count, 'GPU')} or lower gpus`,
    );
  }
  const free = visible.filter((gpu) => busyReason(gpu, requirement) === undefined);
  if (free.length < requirement.count) {
    const busy = visible
      .filter((gpu) => !free.includes(gpu))
      .map((gpu) => `GPU ${gpu.index} (${gpu.name}) is ${busyReason(gpu, requirement)}`)
      .join('; ');
    throw new PreflightError(
      `${needs}${requirement.minFreeMemoryMiB === undefined ? '' : ` with ${integer.format(requirement.minFreeMemoryMiB)} MiB free`}; ${runner} has ${plural(visible.length, 'GPU')} and ${free.length} free: ${busy}; wait for the other job to finish or pick another runner`,
    );
  }
  const chosen = free.slice(0, requirement.count);
  if (chosen.length === visible.length) return { gpus: chosen, env: {} };
  const env: Record<string, string> =
    probe.tool === 'nvidia-smi'
      ? { CUDA_VISIBLE_DEVICES: chosen.map((gpu) => gpu.uuid || String(gpu.index)).join(',') }
      : { HIP_VISIBLE_DEVICES: chosen.map((gpu) => String(gpu.index)).join(',') };
  return { gpus: chosen, env };
}

function unusableAdvice(probe: Extract<GpuProbe, { kind: 'unusable' }>): string {
  const said = `"${probe.detail}"`;
  switch (probe.reason) {
    case 'no-devices':
      return `found none (${said}): check that the runner exposes its GPUs (the NVIDIA device plugin on Kubernetes, --gpus all for a container)`;
    case 'driver-mismatch':
      return `cannot read its GPUs (${said}): the NVIDIA driver was upgraded without a reboot; reboot the runner or reload the nvidia kernel modules`;
    case 'driver-not-loaded':
      return `cannot reach the driver (${said}): load the NVIDIA driver (modprobe nvidia) or reinstall it`;
    case 'error':
      return `failed (${said}): run ${probe.tool} on the runner to see why`;
  }
}
