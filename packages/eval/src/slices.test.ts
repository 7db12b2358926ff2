import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceRows } from './slices.ts';
import { evaluatePaired } from './evaluate.ts';
import { parsePolicy } from './policy.ts';
import type { PairedClassification } from './paired-data.ts';

test('value slices, most frequent first, with missing values as their own slice', () => {
  const column = { kind: 'categorical' as const, codes: Int32Array.of(0, 1, 0, -1, 0), dictionary: ['north', 'south'] };
  assert.deepEqual(
    sliceRows({ column: 'region' }, column).map((s) => [s.name, Array.from(s.rows)]),
    [
      ['region = north', [0, 2, 4]],
      ['region = (missing)', [3]],
      ['region = south', [1]],
    ],
  );
});

test('range slices from bin edges', () => {
  const column = { kind: 'numeric' as const, values: Float64Array.of(1, 5, 10, 3, Number.NaN) };
  assert.deepEqual(
    sliceRows({ column: 'x', bins: [3, 8] }, column).map((s) => [s.name, Array.from(s.rows)]),
    [
      ['x < 3', [0]],
      ['x in [3, 8)', [1, 3]],
      ['x ≥ 8', [2]],
      ['x = (missing)', [4]],
    ],
  );
});

test('slice metrics equal metrics computed on the slice alone (hand-counted), reproducibly', () => {
  // Rows 0-3 in slice A: baseline right on 0,1,2; candidate right on 0,1,2,3. Rows 4-5 in B: both wrong on 5.
  const data: PairedClassification = {
    task: 'classification',
    classes: ['n', 'y'],
    truth: Int32Array.of(0, 1, 0, 1, 1, 0),
    baseline: { predicted: Int32Array.of(0, 1, 0, 0, 1, 1) },
    candidate: { predicted: Int32Array.of(0, 1, 0, 1, 1, 1) },
  };
  const slices = [
    { name: 'A', column: 's', rows: Int32Array.of(0, 1, 2, 3) },
    { name: 'B', column: 's', rows: Int32Array.of(4, 5) },
  ];
  const policy = parsePolicy('bootstrap:\n  replicates: 200\n  seed: 5\n', 'p.yml');
  const first = evaluatePaired(data, slices, policy);
  const a = first.slices[0]!.comparisons.find((c) => c.metric === 'accuracy')!;
  assert.equal(a.baseline, 0.75);
  assert.equal(a.candidate, 1);
  const b = first.slices[1]!.comparisons.find((c) => c.metric === 'accuracy')!;
  assert.equal(b.delta, 0);
  assert.deepEqual(first.slices[0]!.mcnemar, { baselineOnly: 0, candidateOnly: 1, method: 'exact', pValue: 1 });
  const again = evaluatePaired(data, slices, policy);
  assert.deepEqual(
    again.slices[0]!.comparisons.map((c) => c.deltaCi),
    first.slices[0]!.comparisons.map((c) => c.deltaCi),
  );
});

test('value slices: equal counts in name order, at most max_values (20 by default), numbers by their value', () => {
  // 25 values once each, inserted in reverse: the 20 kept are the first 20 names in string order.
  const dictionary = Array.from({ length: 25 }, (_, i) => `v${String(24 - i).padStart(2, '0')}`);
  const column = { kind: 'categorical' as const, codes: Int32Array.from({ length: 25 }, (_, i) => i), dictionary };
  const names = sliceRows({ column: 'c' }, column).map((s) => s.name);
  assert.deepEqual(
    names,
    Array.from({ length: 20 }, (_, i) => `c = v${String(i).padStart(2, '0')}`),
  );
  assert.deepEqual(
    sliceRows({ column: 'c', maxValues: 2 }, column).map((s) => s.name),
    ['c = v00', 'c = v01'],
  );
  const numbers = {
    kind: 'numeric' as const,
    values: Float64Array.of(2, 1.5, 2, Number.NaN, 7),
    nulls: Uint8Array.of(0, 0, 0, 0, 1),
  };
  assert.deepEqual(
    sliceRows({ column: 'n' }, numbers).map((s) => [s.name, Array.from(s.rows)]),
    [
      ['n = (missing)', [3, 4]],
      ['n = 2', [0, 2]],
      ['n = 1.5', [1]],
    ],
  );
  // Without a null mask, NaN alone marks a missing value.
  assert.deepEqual(
    sliceRows({ column: 'n' }, { kind: 'numeric', values: Float64Array.of(Number.NaN, 3) }).map((s) => s.name),
    ['n = (missing)', 'n = 3'],
  );
});

test('range slices: edges are sorted, empty ranges are left out, an edge value opens its range', () => {
  const column = { kind: 'numeric' as const, values: Float64Array.of(8, 9, 3, 12, 10) };
  assert.deepEqual(
    sliceRows({ column: 'x', bins: [10, 3, 8] }, column).map((s) => [s.name, Array.from(s.rows)]),
    [
      ['x in [3, 8)', [2]],
      ['x in [8, 10)', [0, 1]],
      ['x ≥ 10', [3, 4]],
    ],
  );
  assert.throws(
    () =>
      sliceRows({ column: 'region', bins: [1] }, { kind: 'categorical', codes: Int32Array.of(0), dictionary: ['a'] }),
    { name: 'RangeError', message: "slice column 'region' has bins but is not numeric" },
  );
});
