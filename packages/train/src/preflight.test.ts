import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installRecordedGpu } from '../test-kit/recorded-gpu.ts';
import { probeGpus, toolRunner } from './gpu/gpu-probe.ts';
import type { GpuProbe } from './gpu/gpu-types.ts';
import { checkGpus, PreflightError, type GpuRequirement } from './preflight.ts';

async function probe(machine: string): Promise<GpuProbe> {
  const recorded = installRecordedGpu(machine);
  try {
    return await probeGpus(toolRunner({ PATH: recorded.path }));
  } finally {
    recorded.remove();
  }
}

const needs = (count: number, more: Partial<GpuRequirement> = {}): GpuRequirement => ({
  count,
  maxUtilizationPercent: 20,
  ...more,
});
const context = { runnerName: 'gpu-runner-7' };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PreflightError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail('the preflight passed');
}

test('a GPU job on a CPU runner fails in one line that says where to run it', async () => {
  const cpu = await probe('cpu');
  assert.equal(
    refusal(() => checkGpus(cpu, needs(1), context)),
    "this job needs 1 GPU but runner 'gpu-runner-7' has none (no nvidia-smi or rocm-smi on its PATH): run it on a GPU runner (runs-on: [self-hosted, gpu]) or set gpus: 0",
  );
  assert.deepEqual(checkGpus(cpu, needs(0), context), { gpus: [], env: {} }, 'a CPU job runs');
});

test('a runner whose nvidia-smi finds no GPU, or whose driver and library disagree', async () => {
  const none = await probe('no-devices');
  assert.equal(
    refusal(() => checkGpus(none, needs(1), context)),
    `this job needs 1 GPU but nvidia-smi on runner 'gpu-runner-7' found none ("No devices were found"): check that the runner exposes its GPUs (the NVIDIA device plugin on Kubernetes, --gpus all for a container)`,
  );
  const mismatch = await probe('driver-mismatch');
  assert.equal(
    refusal(() => checkGpus(mismatch, needs(1), context)),
    `this job needs 1 GPU but nvidia-smi on runner 'gpu-runner-7' cannot read its GPUs ("Failed to initialize NVML: Driver/library version mismatch; NVML library version: 550.144"): the NVIDIA driver was upgraded without a reboot; reboot the runner or reload the nvidia kernel modules`,
  );
  assert.deepEqual(checkGpus(mismatch, needs(0), context), { gpus: [], env: {} }, 'a CPU job still runs there');
});

test('a GPU another process holds is busy; the job is pinned to the free one by UUID', async () => {
  const h100 = await probe('h100-80gb-hbm3-x2');
  const one = checkGpus(h100, needs(1), context);
  assert.deepEqual(
    one.gpus.map((g) => g.index),
    [1],
  );
  assert.deepEqual(one.env, { CUDA_VISIBLE_DEVICES: 'GPU-6d5c4b3a-2f1e-0d9c-8b7a-6f5e4d3c2b1a' });
  assert.equal(
    refusal(() => checkGpus(h100, needs(2), context)),
    "this job needs 2 GPUs; runner 'gpu-runner-7' has 2 GPUs and 1 free: GPU 0 (NVIDIA H100 80GB HBM3) is busy (72,459 of 81,559 MiB used, 0% utilisation: another process holds its memory); wait for the other job to finish or pick another runner",
  );
});

test('free memory asked for explicitly; utilisation above the limit is busy whatever the memory', async () => {
  const h100 = await probe('h100-80gb-hbm3-x2');
  assert.match(
    refusal(() => checkGpus(h100, needs(2, { minFreeMemoryMiB: 20_000 }), context)),
    /needs 2 GPUs with 20,000 MiB free; .* GPU 0 \(NVIDIA H100 80GB HBM3\) is short of memory \(72,459 of 81,559 MiB used, 0% utilisation; 20,000 MiB free needed\)/,
  );
  assert.equal(checkGpus(h100, needs(2, { minFreeMemoryMiB: 9_000 }), context).gpus.length, 2);
  const t4 = await probe('t4');
  assert.match(
    refusal(() => checkGpus(t4, needs(1), context)),
    /GPU 0 \(Tesla T4\) is busy \(163 of 15,079 MiB used, 95% utilisation\)/,
  );
  assert.equal(checkGpus(t4, needs(1, { maxUtilizationPercent: 100 }), context).gpus.length, 1);
});

test('more GPUs than the runner has; a job that takes them all needs no pinning', async () => {
  const a100 = await probe('a100-sxm4-40gb-x2');
  assert.equal(
    refusal(() => checkGpus(a100, needs(4), context)),
    "this job needs 4 GPUs; runner 'gpu-runner-7' has 2 (NVIDIA A100-SXM4-40GB): use a runner with 4 GPUs or lower gpus",
  );
  assert.deepEqual(checkGpus(a100, needs(2), context).env, {});
});

test('CUDA_VISIBLE_DEVICES set by the runtime or the workflow bounds the choice and is not overridden', async () => {
  const a100 = await probe('a100-sxm4-40gb-x2');
  const pinned = checkGpus(a100, needs(1), { ...context, visibleDevices: '1' });
  assert.deepEqual(
    pinned.gpus.map((g) => g.index),
    [1],
  );
  assert.deepEqual(pinned.env, {});
  assert.match(
    refusal(() =>
      checkGpus(a100, needs(2), { ...context, visibleDevices: 'GPU-9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4' }),
    ),
    /has 1 visible \(CUDA_VISIBLE_DEVICES=GPU-9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4\)/,
  );
});

test('an AMD machine passes the same checks through rocm-smi', async () => {
  const amd = await probe('radeon-rx-7900-xt');
  assert.deepEqual(checkGpus(amd, needs(1), context).env, {});
  assert.deepEqual(checkGpus(amd, needs(0), context).gpus.length, 1);
});
