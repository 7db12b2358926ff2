import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entriesToEvict } from './cache-eviction.ts';

const DAY = 24 * 3600 * 1000;
const entry = (name: string, sizeBytes: number, lastAccessedMs: number, createdMs = 0) => ({
  name,
  sizeBytes,
  lastAccessedMs,
  createdMs,
});

test('entries unused for more than 7 days are evicted whatever the space', () => {
  const now = 30 * DAY;
  const entries = [entry('stale', 1, now - 7 * DAY - 1), entry('week-old', 1, now - 7 * DAY), entry('fresh', 1, now)];
  assert.deepEqual(
    entriesToEvict(entries, 1000, now, 7 * DAY).map((e) => e.name),
    ['stale'],
  );
});

test('over the limit, the least recently used go first until the rest fit', () => {
  const entries = [entry('a', 400, 3), entry('b', 400, 1), entry('c', 400, 2), entry('d', 400, 4)];
  assert.deepEqual(
    entriesToEvict(entries, 1000, 10, 7 * DAY).map((e) => e.name),
    ['b', 'c'],
  );
  assert.deepEqual(entriesToEvict(entries, 1600, 10, 7 * DAY), []);
});

test('ties in last use go oldest-created first', () => {
  const entries = [entry('newer', 600, 5, 2), entry('older', 600, 5, 1)];
  assert.deepEqual(
    entriesToEvict(entries, 1000, 10, 7 * DAY).map((e) => e.name),
    ['older'],
  );
});
