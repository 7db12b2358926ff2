import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, formatPercent, formatDelta, deltaDirection } from './format.ts';

test('formatNumber keeps significant digits and drops trailing zeros', () => {
  assert.equal(formatNumber(0.912345), '0.912');
  assert.equal(formatNumber(0.5), '0.5');
  assert.equal(formatNumber(1234.5678), '1,235');
  assert.equal(formatNumber(123456.7), '123,457');
  assert.equal(formatNumber(0.000123456, { significantDigits: 2 }), '0.00012');
  assert.equal(formatNumber(-2.5), '-2.5');
  assert.equal(formatNumber(0), '0');
});

test('formatNumber spells out non-finite values and uses exponents at the extremes', () => {
  assert.equal(formatNumber(NaN), 'n/a');
  assert.equal(formatNumber(Infinity), '∞');
  assert.equal(formatNumber(-Infinity), '-∞');
  assert.equal(formatNumber(1.5e-9), '1.5e-9');
  assert.equal(formatNumber(2e20), '2e+20');
});

test('formatPercent', () => {
  assert.equal(formatPercent(0.1234), '12.3%');
  assert.equal(formatPercent(1), '100%');
});

test('formatDelta signs, arrows and percentage points', () => {
  assert.equal(formatDelta(0.0123), '+0.0123 ▲');
  assert.equal(formatDelta(-0.5), '-0.5 ▼');
  assert.equal(formatDelta(0), '0 ▬');
  assert.equal(formatDelta(-0.034, { percentagePoints: true }), '-3.4 pp ▼');
  assert.equal(formatDelta(0.02, { arrow: false }), '+0.02');
  assert.equal(formatDelta(NaN), 'n/a ▬');
});

test('the direction is the sign; NaN is flat', () => {
  assert.equal(deltaDirection(1e-12), 'up');
  assert.equal(deltaDirection(0), 'flat');
  assert.equal(deltaDirection(-0.2), 'down');
  assert.equal(deltaDirection(NaN), 'flat');
});
