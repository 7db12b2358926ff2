import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  benjaminiHochberg,
  chiSquareHomogeneity,
  chiSquareSurvival,
  jensenShannonDistance,
  ksPValue,
  populationStabilityIndex,
} from './drift-statistics.ts';

test('PSI and Jensen-Shannon: zero for equal shares, known values otherwise', () => {
  assert.equal(populationStabilityIndex([10, 20, 30], [1, 2, 3]), 0);
  // (0.6-0.5) ln(0.6/0.5) + (0.4-0.5) ln(0.4/0.5)
  const expected = 0.1 * Math.log(1.2) - 0.1 * Math.log(0.8);
  assert.ok(Math.abs(populationStabilityIndex([50, 50], [60, 40]) - expected) < 1e-9);
  assert.equal(jensenShannonDistance([1, 1], [2, 2]), 0);
  assert.ok(
    Math.abs(jensenShannonDistance([1, 0], [0, 1]) - 1) < 1e-12,
    'disjoint supports are at distance 1 in base 2',
  );
});

test('PSI with an empty reference bin is finite: [10, 0] vs [9, 1] ≈ 0.7006', () => {
  // Empty bins are lifted to a share of 1e-4 and renormalised: reference [1, 1e-4]/1.0001, current [0.9, 0.1];
  // (0.9 − 0.99990001)·ln(0.9/0.99990001) + (0.1 − 0.000099990)·ln(0.1/0.000099990) = 0.0105156 + 0.6900948
  // = 0.70061034 (bc -l).
  const psi = populationStabilityIndex([10, 0], [9, 1]);
  assert.ok(Math.abs(psi - 0.70061034) < 1e-8, String(psi));
});

test('KS p-value, chi-square survival and Cramer V agree with reference values', () => {
  // Kolmogorov distribution: Q(1.36) ~ 0.049 (the 5% critical value).
  const n = 1_000_000;
  const d = 1.36 / Math.sqrt(n / 2);
  assert.ok(Math.abs(ksPValue(d, n, n) - 0.05) < 0.002);
  assert.ok(Math.abs(chiSquareSurvival(3.841, 1) - 0.05) < 1e-3);
  assert.ok(Math.abs(chiSquareSurvival(18.307, 10) - 0.05) < 1e-3);
  const t = chiSquareHomogeneity([50, 50], [50, 50]);
  assert.deepEqual([t.chiSquare, t.cramersV, t.pValue], [0, 0, 1]);
  assert.ok(Math.abs(chiSquareHomogeneity([100, 0], [0, 100]).cramersV - 1) < 1e-12);
});

test('chi-square with slack: deviations within a sketch error bound are no evidence', () => {
  const exact = chiSquareHomogeneity([520, 480], [480, 520]);
  assert.ok(exact.pValue < 0.1);
  assert.deepEqual(chiSquareHomogeneity([520, 480], [480, 520], 20).chiSquare, 0);
  assert.ok(chiSquareHomogeneity([520, 480], [480, 520], 10).pValue > exact.pValue);
});

test('Benjamini-Hochberg q-values are monotone: [0.02, 0.021] → [0.021, 0.021] (R: p.adjust(c(0.02, 0.021), "BH"))', () => {
  // Raw step-up values are 0.02·2/1 = 0.04 and 0.021·2/2 = 0.021; the running minimum from the top gives 0.021 to both.
  assert.deepEqual(benjaminiHochberg([0.02, 0.021]), [0.021, 0.021]);
  assert.deepEqual(benjaminiHochberg([0.021, 0.02]), [0.021, 0.021]);
  // p.adjust(c(0.5, 0.01, 1), "BH") = 0.75, 0.03, 1: q never exceeds 1 and keeps the input order.
  assert.deepEqual(benjaminiHochberg([0.5, 0.01, 1]), [0.75, 0.03, 1]);
  assert.deepEqual(benjaminiHochberg([]), []);
});

test('Benjamini-Hochberg adjusts p-values as the textbook example does', () => {
  const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
  assert.deepEqual(
    q.map((x) => Number(x.toFixed(4))),
    [0.02, 0.04, 0.04, 0.02],
  );
});
