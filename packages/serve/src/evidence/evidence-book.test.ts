import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET_MS, EvidenceBook } from './evidence-book.ts';
import { LATENCY_BOUNDS_MS, latencyBucket } from './latency-histogram.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const big = { kind: 'class' as const, label: 'big', probabilities: { big: 0.8, small: 0.2 } };
const small = { kind: 'class' as const, label: 'small', probabilities: { big: 0.3, small: 0.7 } };

test('a latency falls in the first bucket whose bound is at or above it', () => {
  assert.equal(latencyBucket(0.05), 0);
  assert.equal(latencyBucket(0.1), 0);
  assert.equal(latencyBucket(0.11), 1);
  assert.equal(latencyBucket(1), LATENCY_BOUNDS_MS.indexOf(1));
  assert.equal(latencyBucket(60_000), LATENCY_BOUNDS_MS.length);
});

test('a window counts the minutes from the one holding `since` to now, per version', () => {
  const book = new EvidenceBook({ retentionHours: 1 });
  book.recordScore(T0, 'v1', { rows: 2, served: true, error: false, latencyMs: 0.4 });
  book.recordScore(T0 + 5 * BUCKET_MS, 'v1', { rows: 1, served: true, error: true, latencyMs: 12 });
  book.recordScore(T0 + 5 * BUCKET_MS, 'v2', { rows: 1, served: false, error: false, latencyMs: 0.4 });
  const all = book.tally(T0, T0 + 10 * BUCKET_MS, 'v1', 'v2');
  assert.deepEqual([all.prod.scored, all.prod.served, all.prod.errors], [3, 3, 1]);
  assert.deepEqual([all.canary.scored, all.canary.served], [1, 0]);
  assert.equal(all.prod.latency[latencyBucket(0.4)], 1);
  assert.equal(all.prod.latency[latencyBucket(12)], 1);
  // From 30 s into the fifth minute: that minute counts whole, the first does not.
  const late = book.tally(T0 + 5 * BUCKET_MS + 30_000, T0 + 10 * BUCKET_MS, 'v1', 'v2');
  assert.deepEqual([late.prod.scored, late.prod.errors], [1, 1]);
});

test('labels fold paired when both versions answered, into one side otherwise, per pair of versions', () => {
  const book = new EvidenceBook({ retentionHours: 1 });
  book.recordLabel(T0, 'v1', 'v2', 'big', { prod: small, canary: big });
  book.recordLabel(T0 + BUCKET_MS, 'v1', 'v2', 'big', { prod: big, canary: big });
  book.recordLabel(T0, 'v1', 'v2', 'small', { canary: big });
  book.recordLabel(T0, 'v1', 'v3', 'small', { prod: small, canary: small });
  const { pair } = book.tally(T0, T0 + 2 * BUCKET_MS, 'v1', 'v2');
  assert.equal(pair.labels.received, 3);
  assert.deepEqual(pair.labels.paired.accuracy, {
    prod: { n: 2, sum: 1, sumSquares: 1 },
    canary: { n: 2, sum: 2, sumSquares: 2 },
    difference: { n: 2, sum: 1, sumSquares: 1 },
  });
  assert.deepEqual(pair.labels.canary.accuracy, { n: 1, sum: 0, sumSquares: 0 });
  // Log loss of the paired canary: −ln 0.8 twice.
  assert.ok(Math.abs(pair.labels.paired.log_loss!.canary.sum - -2 * Math.log(0.8)) < 1e-12);
});

test('minutes older than the retention are dropped', () => {
  const book = new EvidenceBook({ retentionHours: 1 });
  book.recordScore(T0, 'v1', { rows: 1, served: true, error: false, latencyMs: 1 });
  book.recordScore(T0 + 2 * 3_600_000, 'v1', { rows: 1, served: true, error: false, latencyMs: 1 });
  assert.equal(book.tally(0, T0 + 3 * 3_600_000, 'v1', 'v2').prod.scored, 1);
});
