import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { nvidiaLoopArgs, parseNvidiaQuery } from '../src/gpu/nvidia-smi.ts';
import { installRecordedGpu } from './recorded-gpu.ts';

test('the recorded nvidia-smi loop runs no program per reading, as the real loop runs none', async (t) => {
  const gpu = installRecordedGpu('l4');
  // Only the shim's own folder on the PATH: a reading that ran cat, awk or sleep would fail.
  const shimOnly = gpu.path.split(delimiter)[0]!;
  const child = spawn('nvidia-smi', nvidiaLoopArgs(10), {
    env: { PATH: shimOnly },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // The loop rewrites its count file at each reading: remove its folder only once it has stopped.
  t.after(async () => {
    child.kill('SIGKILL');
    await exited;
    gpu.remove();
  });
  const sixReadings = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').length > 6) resolve();
    }),
  );
  const outcome = await Promise.race([
    sixReadings.then(() => 'readings'),
    exited.then((code) => `exited with ${code}`),
    new Promise<string>((resolve) => setTimeout(() => resolve('no six readings in 20 s'), 20_000).unref()),
  ]);
  assert.equal(outcome, 'readings', stderr);
  assert.equal(stderr, '');
  const utilisation = stdout
    .split('\n')
    .slice(0, 6)
    .map((line) => parseNvidiaQuery(line)[0]?.utilizationPercent);
  // The recorded samples in order, then the last one again.
  assert.deepEqual(utilisation, [0, 14, 9, 12, 12, 12]);
  assert.ok(gpu.queries() >= 6, `${gpu.queries()} readings counted`);
});
