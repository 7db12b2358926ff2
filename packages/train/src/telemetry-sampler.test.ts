import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { installRecordedGpu } from '../test-kit/index.ts';
import { toolRunner, type RunTool } from './gpu/gpu-probe.ts';
import { TelemetryRecorder } from './telemetry.ts';
import { TelemetrySampler } from './telemetry-sampler.ts';

/** Samples until the recorder holds `count` (at most 20 s), then stops. */
async function sampleUntil(sampler: TelemetrySampler, recorder: TelemetryRecorder, count: number): Promise<void> {
  sampler.start();
  for (let i = 0; i < 400 && recorder.record().samples < count; i++) await sleep(50);
  await sampler.stop();
}

test('nvidia-smi is left running in its loop mode: one process for the run, its readings in order, gone at the stop', async (t) => {
  const gpu = installRecordedGpu('a100-sxm4-40gb-x2');
  t.after(() => gpu.remove());
  const run = toolRunner({ PATH: gpu.path });
  const started: string[][] = [];
  let oneShots = 0;
  const counting: RunTool = Object.assign(
    (tool: Parameters<RunTool>[0], args: readonly string[]) => {
      oneShots++;
      return run(tool, args);
    },
    {
      follow: (tool: Parameters<RunTool>[0], args: readonly string[], onLine: (line: string) => void) => {
        started.push([...args]);
        return run.follow!(tool, args, onLine);
      },
    },
  );
  const recorder = new TelemetryRecorder();
  const sampler = new TelemetrySampler({
    recorder,
    run: counting,
    tool: 'nvidia-smi',
    gpuIndexes: [0, 1],
    gpuCount: 2,
    intervalMs: 50,
  });
  await sampleUntil(sampler, recorder, 3);

  assert.equal(started.length, 1, 'one nvidia-smi for the whole run');
  assert.equal(oneShots, 0, 'the stop queries nothing more: the last reading is at most one interval old');
  assert.match(started[0]!.at(-1)!, /^--loop-ms=50$/);
  const series = recorder.record().series;
  // The recorded samples, in order: idle first, then busy.
  assert.deepEqual(series[0]!.gpuUtilizationPercent, [11, 7]);
  assert.deepEqual(series[1]!.gpuUtilizationPercent, [97, 96]);
  assert.ok(series.every((point) => point.gpuUtilizationPercent.length === 2));
  // The host's CPUs from /proc/stat, as a share of all of them (null when no tick passed between two samples).
  const cpu = series.map((point) => point.cpuPercent);
  assert.ok(
    cpu.some((percent) => percent !== null),
    JSON.stringify(cpu),
  );
  assert.ok(
    cpu.every((percent) => percent === null || (percent >= 0 && percent <= 100)),
    JSON.stringify(cpu),
  );
  assert.equal(sampler.cost.gpuReadFailures, 0);
  const queries = gpu.queries();
  await sleep(300);
  assert.equal(gpu.queries(), queries, 'the loop stopped with the sampler');
});

test('without loop mode (a runner that cannot follow a tool), each sample is a query of its own', async (t) => {
  const gpu = installRecordedGpu('a100-sxm4-40gb-x2');
  t.after(() => gpu.remove());
  const run = toolRunner({ PATH: gpu.path });
  const recorder = new TelemetryRecorder();
  const sampler = new TelemetrySampler({
    recorder,
    run: (tool, args) => run(tool, args),
    tool: 'nvidia-smi',
    gpuIndexes: [1],
    intervalMs: 20,
  });
  await sampleUntil(sampler, recorder, 3);
  const record = recorder.record();
  assert.equal(gpu.queries(), record.samples);
  assert.deepEqual(record.series[1]!.gpuUtilizationPercent, [96], 'only the GPU the job was given');
});

test('a loop that dies falls back to one query per sample', async (t) => {
  const gpu = installRecordedGpu('a100-sxm4-40gb-x2');
  t.after(() => gpu.remove());
  const run = toolRunner({ PATH: gpu.path });
  // A tool without loop mode: it rejects the argument and exits at once.
  const noLoop: RunTool = Object.assign((tool: Parameters<RunTool>[0], args: readonly string[]) => run(tool, args), {
    follow: (tool: Parameters<RunTool>[0], args: readonly string[], onLine: (line: string) => void) =>
      run.follow!(tool, [...args, '--no-such-flag'], onLine),
  });
  const recorder = new TelemetryRecorder();
  const sampler = new TelemetrySampler({
    recorder,
    run: noLoop,
    tool: 'nvidia-smi',
    gpuIndexes: [0, 1],
    gpuCount: 2,
    intervalMs: 20,
  });
  await sampleUntil(sampler, recorder, 3);
  assert.ok(recorder.record().samples >= 3);
  assert.equal(sampler.cost.gpuReadFailures, 1, 'the loop failed once');
  assert.deepEqual(recorder.record().series[0]!.gpuUtilizationPercent, [11, 7]);
});

test('a run stopped before its second reading gets a last sample at the stop, so it still has its end', async (t) => {
  const gpu = installRecordedGpu('a100-sxm4-40gb-x2');
  t.after(() => gpu.remove());
  const recorder = new TelemetryRecorder();
  const sampler = new TelemetrySampler({
    recorder,
    run: toolRunner({ PATH: gpu.path }),
    tool: 'nvidia-smi',
    gpuIndexes: [0, 1],
    gpuCount: 2,
    // No second reading comes within the test.
    intervalMs: 600_000,
  });
  await sampleUntil(sampler, recorder, 1);
  const series = recorder.record().series;
  assert.equal(series.length, 2, 'the loop reading at the start and the one at the stop');
  assert.deepEqual(
    series.map((point) => point.gpuUtilizationPercent),
    [
      [11, 7],
      [97, 96],
    ],
  );
});
