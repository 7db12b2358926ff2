import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCacheEntry, type CacheCandidate } from './cache-matching.ts';

const V = 'v1';
const entry = (key: string, scope: string, createdMs: number, version = V): CacheCandidate => ({
  key,
  scope,
  createdMs,
  version,
});
const MAIN = 'refs/heads/main';
const PR = 'refs/pull/7/merge';

test('an exact key match wins over newer entries the key is a prefix of', () => {
  const entries = [entry('npm-abc', MAIN, 1), entry('npm-abc-2', MAIN, 5)];
  assert.equal(matchCacheEntry(entries, { key: 'npm-abc', restoreKeys: [], version: V }, [MAIN])?.key, 'npm-abc');
});

test('without an exact match, the newest entry the key prefixes matches before any restore key', () => {
  const entries = [entry('npm-abc-1', MAIN, 1), entry('npm-abc-2', MAIN, 2), entry('npm-zzz', MAIN, 9)];
  assert.equal(
    matchCacheEntry(entries, { key: 'npm-abc', restoreKeys: ['npm-'], version: V }, [MAIN])?.key,
    'npm-abc-2',
  );
});

test('restore keys are tried in order, each taking its newest prefix match', () => {
  const entries = [entry('npm-feature-1', MAIN, 1), entry('npm-other', MAIN, 9)];
  const lookup = { key: 'npm-feature-x', restoreKeys: ['npm-feature-', 'npm-'], version: V };
  assert.equal(matchCacheEntry(entries, lookup, [MAIN])?.key, 'npm-feature-1');
  const fallback = { key: 'npm-feature-x', restoreKeys: ['npm-nothing-', 'npm-'], version: V };
  assert.equal(matchCacheEntry(entries, fallback, [MAIN])?.key, 'npm-other');
});

test("the run's own scope is searched whole before the base or default branch", () => {
  const entries = [entry('ckpt-9', MAIN, 9), entry('ckpt-1', PR, 1)];
  // The PR's restore key match beats main's exact match of the primary key.
  const lookup = { key: 'ckpt-9', restoreKeys: ['ckpt-'], version: V };
  assert.equal(matchCacheEntry(entries, lookup, [PR, MAIN])?.key, 'ckpt-1');
  assert.equal(matchCacheEntry(entries, lookup, [MAIN])?.key, 'ckpt-9');
});

test('entries of another version or an unreadable scope never match', () => {
  const entries = [entry('k', MAIN, 1, 'v2'), entry('k', 'refs/heads/other', 1)];
  assert.equal(matchCacheEntry(entries, { key: 'k', restoreKeys: ['k'], version: V }, [PR, MAIN]), undefined);
});
