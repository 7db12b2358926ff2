import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import { buildFeeds } from './feature-tensors.ts';
import type { TensorCache } from './feature-tensors.ts';

const batch = {
  rowCount: 3,
  features: new Map([
    ['a', Float64Array.of(1, 2, 3)],
    ['b', Float64Array.of(10.4, 20.6, 30)],
  ]),
};

test('columns become a row-major [N, F] tensor of the input type', () => {
  const feeds = buildFeeds(batch, [{ input: 'x', elementType: 'float32', columns: ['a', 'b'], rank: 2 }], new Map());
  assert.deepEqual(feeds.x?.dims, [3, 2]);
  assert.ok(feeds.x?.data instanceof Float32Array);
  assert.deepEqual(Array.from(feeds.x!.data as Float32Array), [1, 10.4, 2, 20.6, 3, 30].map(Math.fround));
  const wide = buildFeeds(batch, [{ input: 'x', elementType: 'float64', columns: ['b'], rank: 1 }], new Map());
  assert.deepEqual(wide.x?.dims, [3]);
  assert.deepEqual(Array.from(wide.x!.data as Float64Array), [10.4, 20.6, 30]);
  const ints = buildFeeds(batch, [{ input: 'x', elementType: 'int64', columns: ['b'], rank: 2 }], new Map());
  assert.deepEqual(Array.from(ints.x!.data as BigInt64Array), [10n, 21n, 30n]);
});

test('two models with the same mapping share one tensor per batch', () => {
  const cache: TensorCache = new Map();
  const feed = { input: 'input', elementType: 'float32' as const, columns: ['a', 'b'], rank: 2 };
  const first = buildFeeds(batch, [feed], cache);
  const second = buildFeeds(batch, [{ ...feed, input: 'float_input' }], cache);
  assert.equal(first.input, second.float_input);
  assert.equal(cache.size, 1);
});

test('a missing value fed to an int64 input is an error naming the file, row, column and input', () => {
  const holey = {
    rowCount: 3,
    features: new Map([['age', Float64Array.of(30, Number.NaN, 41)]]),
    source: { file: 'holdout.csv', firstRow: 2 },
  };
  assert.throws(
    () => buildFeeds(holey, [{ input: 'ages', elementType: 'int64', columns: ['age'], rank: 2 }], new Map()),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        "holdout.csv: row 3: column 'age' is missing, but model input 'ages' takes int64 values; fill or drop rows with missing 'age' in the holdout",
  );
});
