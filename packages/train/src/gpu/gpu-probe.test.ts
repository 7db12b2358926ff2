import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installRecordedGpu, RECORDED_GPUS_DIR } from '../../test-kit/recorded-gpu.ts';
import { probeGpus, readGpus, toolRunner } from './gpu-probe.ts';
import { classifyNvidiaFailure, NVIDIA_QUERY_FIELDS, parseNvidiaHeader, parseNvidiaQuery } from './nvidia-smi.ts';

async function probe(machine: string) {
  const recorded = installRecordedGpu(machine);
  try {
    return await probeGpus(toolRunner({ PATH: recorded.path }));
  } finally {
    recorded.remove();
  }
}

test('the recordings answer exactly the query the product asks', () => {
  const recorded = readFileSync(join(RECORDED_GPUS_DIR, 'query-fields.txt'), 'utf8').trim();
  assert.equal(recorded, NVIDIA_QUERY_FIELDS.join(','), 're-record the machines when the query changes');
});

test('two A100s: names, memory, driver and the CUDA version from the header', async () => {
  const result = await probe('a100-sxm4-40gb-x2');
  assert.equal(result.kind, 'gpus');
  if (result.kind !== 'gpus') return;
  assert.equal(result.tool, 'nvidia-smi');
  assert.equal(result.driverVersion, '580.126.09');
  assert.equal(result.cudaVersion, '13.0');
  assert.deepEqual(result.gpus[1], {
    index: 1,
    name: 'NVIDIA A100-SXM4-40GB',
    uuid: 'GPU-9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4',
    driverVersion: '580.126.09',
    memoryTotalMiB: 40960,
    memoryUsedMiB: 602,
    utilizationPercent: 7,
    powerDrawWatts: 66.38,
    temperatureC: 37,
  });
});

test("a T4 with the pre-R525 header layout; an L4 and H100s with today's", async () => {
  const t4 = await probe('t4');
  assert.ok(t4.kind === 'gpus');
  assert.equal(t4.cudaVersion, '10.1');
  assert.equal(t4.driverVersion, '418.67');
  assert.equal(t4.gpus[0]?.name, 'Tesla T4');
  const l4 = await probe('l4');
  assert.ok(l4.kind === 'gpus');
  assert.deepEqual([l4.cudaVersion, l4.gpus[0]?.memoryTotalMiB], ['12.8', 23034]);
  const h100 = await probe('h100-80gb-hbm3-x2');
  assert.ok(h100.kind === 'gpus');
  assert.deepEqual(
    h100.gpus.map((g) => [g.name, g.memoryUsedMiB]),
    [
      ['NVIDIA H100 80GB HBM3', 72459],
      ['NVIDIA H100 80GB HBM3', 4],
    ],
  );
});

test("R610's renamed header (KMD Version, CUDA UMD Version) and a power field the board cannot report", async () => {
  const result = await probe('b200-r610');
  assert.ok(result.kind === 'gpus');
  assert.equal(result.driverVersion, '610.43.02');
  assert.equal(result.cudaVersion, '13.3');
  assert.equal(result.gpus[1]?.powerDrawWatts, null);
  assert.equal(result.gpus[1]?.temperatureC, 30);
});

test('no vendor tool, no devices, a driver/library mismatch: why there is no GPU', async () => {
  assert.deepEqual(await probe('cpu'), { kind: 'no-tool' });
  assert.deepEqual(await probe('no-devices'), {
    kind: 'unusable',
    tool: 'nvidia-smi',
    reason: 'no-devices',
    detail: 'No devices were found',
  });
  assert.deepEqual(await probe('driver-mismatch'), {
    kind: 'unusable',
    tool: 'nvidia-smi',
    reason: 'driver-mismatch',
    detail: 'Failed to initialize NVML: Driver/library version mismatch; NVML library version: 550.144',
  });
});

test('an AMD machine is read through rocm-smi', async () => {
  const result = await probe('radeon-rx-7900-xt');
  assert.ok(result.kind === 'gpus');
  assert.equal(result.tool, 'rocm-smi');
  assert.equal(result.driverVersion, '6.8.5');
  assert.deepEqual(result.gpus, [
    {
      index: 0,
      name: 'Radeon RX 7900 XT',
      uuid: '26967',
      driverVersion: '6.8.5',
      memoryTotalMiB: 20464,
      memoryUsedMiB: 27,
      utilizationPercent: 0,
      powerDrawWatts: 7.222,
      temperatureC: 31,
    },
  ]);
});

test('telemetry reads the recorded samples in order, then repeats the last', async () => {
  const recorded = installRecordedGpu('l4');
  try {
    const run = toolRunner({ PATH: recorded.path });
    const utilisation = [];
    for (let i = 0; i < 6; i++) utilisation.push((await readGpus(run, 'nvidia-smi'))?.[0]?.utilizationPercent);
    assert.deepEqual(utilisation, [0, 14, 9, 12, 12, 12]);
    assert.equal(recorded.queries(), 6);
  } finally {
    recorded.remove();
  }
});

test('a query the recordings do not hold is refused as nvidia-smi refuses a bad query', async () => {
  const recorded = installRecordedGpu('l4');
  try {
    const result = await toolRunner({ PATH: recorded.path })('nvidia-smi', ['--query-gpu=name', '--format=csv']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /Invalid combination of input arguments/);
  } finally {
    recorded.remove();
  }
});

test('a GPU name with a comma is put back together; a short line is refused', () => {
  const [gpu] = parseNvidiaQuery('3, Quadro RTX 4000, Max-Q, GPU-x, 535.1, 8192, 1, 0, N/A, 30\n');
  assert.equal(gpu?.name, 'Quadro RTX 4000, Max-Q');
  assert.equal(gpu?.index, 3);
  assert.equal(gpu?.powerDrawWatts, null);
  assert.throws(() => parseNvidiaQuery('0, NVIDIA L4, GPU-x\n'), /3 fields for 9/);
  assert.throws(() => parseNvidiaQuery('x, NVIDIA L4, GPU-x, 1, 2, 3, 4, 5, 6\n'), /'x' is not a GPU index/);
});

test('headers without a CUDA version, and failures nvidia-smi prints', () => {
  assert.deepEqual(parseNvidiaHeader('| NVIDIA-SMI 430.14  Driver Version: 430.14  CUDA Version: N/A |'), {
    driverVersion: '430.14',
    cudaVersion: undefined,
  });
  assert.equal(
    classifyNvidiaFailure(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n",
      9,
    ).kind,
    'driver-not-loaded',
  );
  assert.deepEqual(classifyNvidiaFailure('', 255), { kind: 'error', detail: 'nvidia-smi exited with code 255' });
});
