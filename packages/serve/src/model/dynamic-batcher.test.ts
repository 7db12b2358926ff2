import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { FeedTensor, OutputTensor } from '@mlship/onnx';
import { buildLinearClassifierOnnx, buildLinearRegressorOnnx } from '@mlship/onnx/test-kit';
import { DynamicBatcher } from './dynamic-batcher.ts';
import { loadServedModel, type ModelInput, type ModelOutput } from './served-model.ts';
import { encodeOutputs } from './tensor-codec.ts';

type Feeds = Record<string, FeedTensor>;
type Outputs = Record<string, OutputTensor>;

const FREE_ROWS = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [null, 2], columns: ['a', 'b'] }] as ModelInput[],
  outputs: [
    { name: 'label', datatype: 'BYTES', shape: [null] },
    { name: 'scores', datatype: 'FP32', shape: [null, 2] },
  ] as ModelOutput[],
};

/** A model that scores row by row: label `r<a>`, scores [a + b, a - b]; it refuses a NaN. */
function rowModel(runs: Feeds[], gate?: Promise<void>) {
  return async (feeds: Feeds): Promise<Outputs> => {
    runs.push(feeds);
    await gate;
    const x = feeds.x!.data as Float32Array;
    if (x.some(Number.isNaN)) throw new Error('the model rejected its inputs (NaN)');
    const rows = feeds.x!.dims[0]!;
    const label: string[] = [];
    const scores = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      label.push(`r${x[2 * i]}`);
      scores[2 * i] = x[2 * i]! + x[2 * i + 1]!;
      scores[2 * i + 1] = x[2 * i]! - x[2 * i + 1]!;
    }
    return { label: { data: label, dims: [rows] }, scores: { data: scores, dims: [rows, 2] } };
  };
}

const feed = (...rows: [number, number][]): Feeds => ({
  x: { data: Float32Array.from(rows.flat()), dims: [rows.length, 2] },
});
const plain = (o: Outputs) =>
  Object.fromEntries(
    Object.entries(o).map(([k, t]) => [k, { data: Array.from(t.data as ArrayLike<unknown>), dims: [...t.dims] }]),
  );

test('requests that arrive while a run is in progress share the next run, each answered its own rows', async () => {
  const runs: Feeds[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const batcher = new DynamicBatcher(FREE_ROWS, rowModel(runs, gate), { maxBatchRows: 64, maxQueueDelayMs: 0 });
  const first = batcher.run(feed([1, 10], [0, 0]), 2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(runs.length, 1, 'the first request runs at once');
  const later = [batcher.run(feed([2, 20]), 1), batcher.run(feed([3, 30], [4, 40]), 2), batcher.run(feed([5, 50]), 1)];
  open();
  const answers = await Promise.all([first, ...later]);
  assert.equal(runs.length, 2, 'the three that waited share one run');
  assert.deepEqual(runs[1]!.x!.dims, [4, 2]);
  assert.deepEqual(Array.from(runs[1]!.x!.data as Float32Array), [2, 20, 3, 30, 4, 40, 5, 50]);
  assert.deepEqual(answers.map(plain), [
    { label: { data: ['r1', 'r0'], dims: [2] }, scores: { data: [11, -9, 0, 0], dims: [2, 2] } },
    { label: { data: ['r2'], dims: [1] }, scores: { data: [22, -18], dims: [1, 2] } },
    { label: { data: ['r3', 'r4'], dims: [2] }, scores: { data: [33, -27, 44, -36], dims: [2, 2] } },
    { label: { data: ['r5'], dims: [1] }, scores: { data: [55, -45], dims: [1, 2] } },
  ]);
  assert.deepEqual([batcher.runs, batcher.requests], [2, 4]);
});

test('with batching off (at most 1 row a run) every request runs alone', async () => {
  const runs: Feeds[] = [];
  const batcher = new DynamicBatcher(FREE_ROWS, rowModel(runs), { maxBatchRows: 1, maxQueueDelayMs: 0 });
  const answers = await Promise.all([1, 2, 3].map((a) => batcher.run(feed([a, 0]), 1)));
  assert.equal(runs.length, 3);
  assert.deepEqual(
    answers.map((o) => (o.label!.data as string[])[0]),
    ['r1', 'r2', 'r3'],
  );
});

test('the row budget cuts the queue in order; a request over the budget runs alone in its turn', async () => {
  const runs: Feeds[] = [];
  const batcher = new DynamicBatcher(FREE_ROWS, rowModel(runs), { maxBatchRows: 4, maxQueueDelayMs: 0 });
  const answers = await Promise.all([
    batcher.run(feed([1, 0], [2, 0]), 2),
    batcher.run(feed([3, 0], [4, 0]), 2),
    batcher.run(feed([5, 0], [6, 0]), 2),
    batcher.run(feed([7, 0], [8, 0], [9, 0], [10, 0], [11, 0]), 5),
  ]);
  assert.deepEqual(
    runs.map((f) => f.x!.dims[0]),
    [4, 2, 5],
    'two requests fill the budget; the third waits for the next run, and the big one for its own',
  );
  assert.deepEqual(
    answers.map((o) => o.label!.data),
    [
      ['r1', 'r2'],
      ['r3', 'r4'],
      ['r5', 'r6'],
      ['r7', 'r8', 'r9', 'r10', 'r11'],
    ],
  );
});

test('a batch the model refuses is run again request by request: only the refused request fails', async () => {
  const runs: Feeds[] = [];
  const batcher = new DynamicBatcher(FREE_ROWS, rowModel(runs), { maxBatchRows: 64, maxQueueDelayMs: 0 });
  const results = await Promise.allSettled([
    batcher.run(feed([1, 0]), 1),
    batcher.run(feed([Number.NaN, 0]), 1),
    batcher.run(feed([3, 0]), 1),
  ]);
  assert.deepEqual(
    runs.map((f) => f.x!.dims[0]),
    [3, 2, 2, 2],
    'the batch, then each request alone (a lone row runs twice over)',
  );
  assert.equal(results[0]!.status, 'fulfilled');
  assert.equal(results[2]!.status, 'fulfilled');
  assert.deepEqual((results[0] as PromiseFulfilledResult<Outputs>).value.label!.data, ['r1']);
  assert.deepEqual((results[2] as PromiseFulfilledResult<Outputs>).value.label!.data, ['r3']);
  assert.equal(results[1]!.status, 'rejected');
  assert.match(String((results[1] as PromiseRejectedResult).reason), /rejected its inputs \(NaN\)/);
});

test('an output without one row per input row cannot be cut: each request runs alone', async () => {
  let calls = 0;
  const pooled = async (feeds: Feeds): Promise<Outputs> => {
    calls++;
    const x = feeds.x!.data as Float32Array;
    return { label: { data: ['any'], dims: [1] }, scores: { data: Float32Array.of(x[0]!, 0), dims: [1, 2] } };
  };
  const batcher = new DynamicBatcher(FREE_ROWS, pooled, { maxBatchRows: 64, maxQueueDelayMs: 0 });
  const answers = await Promise.all([batcher.run(feed([1, 0]), 1), batcher.run(feed([2, 0]), 1)]);
  assert.equal(calls, 3, 'one batch, then each alone, unpadded');
  assert.equal(batcher.batchable, false, 'the model showed its outputs do not follow rows');
  assert.deepEqual(
    answers.map((o) => Array.from(o.scores!.data as Float32Array)),
    [
      [1, 0],
      [2, 0],
    ],
  );
});

test('a model with a fixed batch dimension, or requests whose other dimensions differ, do not share runs', async () => {
  const fixedRuns: Feeds[] = [];
  const fixed = new DynamicBatcher(
    { ...FREE_ROWS, inputs: [{ ...FREE_ROWS.inputs[0]!, shape: [1, 2] }] },
    rowModel(fixedRuns),
    { maxBatchRows: 64, maxQueueDelayMs: 0 },
  );
  assert.equal(fixed.batchable, false);
  await Promise.all([fixed.run(feed([1, 0]), 1), fixed.run(feed([2, 0]), 1)]);
  assert.equal(fixedRuns.length, 2);

  const widths: number[][] = [];
  const anyWidth = new DynamicBatcher(
    { ...FREE_ROWS, inputs: [{ ...FREE_ROWS.inputs[0]!, shape: [null, null] }] },
    async (feeds) => {
      widths.push([...feeds.x!.dims]);
      const rows = feeds.x!.dims[0]!;
      return {
        label: { data: Array(rows).fill('y'), dims: [rows] },
        scores: { data: new Float32Array(rows * 2), dims: [rows, 2] },
      };
    },
    { maxBatchRows: 64, maxQueueDelayMs: 0 },
  );
  const three = (a: number): Feeds => ({ x: { data: Float32Array.of(a, 0, 0), dims: [1, 3] } });
  await Promise.all([anyWidth.run(feed([1, 0]), 1), anyWidth.run(feed([2, 0]), 1), anyWidth.run(three(3), 1)]);
  assert.deepEqual(widths, [
    [2, 2],
    [2, 3],
  ]);
});

test('with a queue delay a lone request waits for others up to the delay, and a full batch goes at once', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const runs: Feeds[] = [];
    const batcher = new DynamicBatcher(FREE_ROWS, rowModel(runs), { maxBatchRows: 3, maxQueueDelayMs: 5 });
    const lone = batcher.run(feed([1, 0]), 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runs.length, 0, 'waiting for company');
    const joined = batcher.run(feed([2, 0]), 1);
    mock.timers.tick(5);
    await Promise.all([lone, joined]);
    assert.deepEqual(
      runs.map((f) => f.x!.dims[0]),
      [2],
    );
    const full = [1, 2, 3].map((a) => batcher.run(feed([a, 0]), 1));
    await Promise.all(full);
    assert.deepEqual(
      runs.map((f) => f.x!.dims[0]),
      [2, 3],
      'three rows fill the budget: no wait',
    );
  } finally {
    mock.timers.reset();
  }
});

test('on real ONNX models a batched answer is byte-identical to the answer of the request alone', async () => {
  const models = [
    buildLinearClassifierOnnx({
      featureNames: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'],
      weights: [
        [0.2, -0.5, 0.01, 0.001],
        [0.5, 0.3, -0.02, 0],
        [-0.7, 0.2, 0.01, -0.001],
      ],
      bias: [0.1, -0.2, 0.1],
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
    }),
    buildLinearRegressorOnnx({
      featureNames: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'],
      weights: [0.31, -1.7, 0.044, 0.0021],
      bias: 3.3,
    }),
  ];
  for (const bytes of models) {
    const model = await loadServedModel({ name: 'penguins', source: 'penguins.onnx', bytes });
    try {
      const requests = Array.from({ length: 24 }, (_, i): Feeds => {
        const rows = 1 + (i % 3);
        const data = Float32Array.from({ length: rows * 4 }, (_, k) => 30 + ((i * 7 + k * 13) % 40) + k / 7 + i / 3);
        return { input: { data, dims: [rows, 4] } };
      });
      const options = { maxBatchRows: 64, maxQueueDelayMs: 0 };
      const alone = new DynamicBatcher(model, (f) => model.session.run(f), options);
      const together = new DynamicBatcher(model, (f) => model.session.run(f), options);
      const expected: string[] = [];
      for (const f of requests)
        expected.push(JSON.stringify(encodeOutputs(await alone.run(f, f.input!.dims[0]!), model, undefined)));
      const answers = await Promise.all(requests.map((f) => together.run(f, f.input!.dims[0]!)));
      assert.equal(alone.runs, 24, 'one at a time, each ran alone');
      assert.equal(together.runs, 1, 'the 24 requests read together ran once');
      assert.deepEqual(
        answers.map((o) => JSON.stringify(encodeOutputs(o, model, undefined))),
        expected,
      );
    } finally {
      await model.session.release();
    }
  }
});
