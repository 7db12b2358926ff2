import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normaliseKey,
  stickyMarker,
  hasStickyMarker,
  defaultReportKey,
  readCommentPointers,
  commentPointer,
  withCommentPointer,
} from './marker.ts';

test('the marker is a hidden HTML comment naming the key', () => {
  assert.equal(stickyMarker('model-a'), '<!-- mlship:report key="model-a" -->');
});

test("one key never matches another: 'model' vs 'model-2' and prefixes", () => {
  const body = `${stickyMarker('model-2')}\nreport`;
  assert.equal(hasStickyMarker(body, 'model-2'), true);
  assert.equal(hasStickyMarker(body, 'model'), false);
  assert.equal(hasStickyMarker(`${stickyMarker('model')}\n`, 'model-2'), false);
});

test('keys that would close the marker or the comment are escaped', () => {
  for (const key of ['a" -->', 'x-->y', 'q"', '<b>', 'line\nbreak', '100%']) {
    const marker = stickyMarker(key);
    assert.equal(marker.indexOf('-->'), marker.length - 3, key);
    assert.equal(marker.split('"').length, 3, key);
  }
  // An escaped form of one key is never the raw form of another.
  assert.notEqual(stickyMarker('a%22'), stickyMarker('a"'));
});

test('keys are normalised: whitespace collapsed, NFC', () => {
  assert.equal(normaliseKey('  CI   /  train '), 'CI / train');
  assert.equal(stickyMarker('caf\u0065\u0301'), stickyMarker('caf\u00e9'));
  assert.throws(() => normaliseKey('   '), /input 'key' is empty/);
});

test('the default key is workflow/job', () => {
  assert.equal(defaultReportKey('CI', 'evaluate'), 'CI/evaluate');
  assert.equal(stickyMarker(defaultReportKey('My CI', 'eval')), '<!-- mlship:report key="My CI/eval" -->');
});

test('pointers are appended once and replaced in place, keeping the human body', () => {
  const human = 'Fixes #3.\n\nSome **notes**.';
  const one = withCommentPointer(human, 'model-a', 'IC_1');
  assert.ok(one.startsWith(human));
  assert.equal(commentPointer(one, 'model-a'), 'IC_1');
  const two = withCommentPointer(one, 'model-b', 'IC_2');
  const three = withCommentPointer(two, 'model-a', 'IC_3');
  assert.deepEqual(readCommentPointers(three), { 'model-a': 'IC_3', 'model-b': 'IC_2' });
  assert.equal(three.match(/mlship:comments/g)!.length, 1);
  assert.ok(three.startsWith(human));
});

test('an empty or missing body gets just the pointer; a mangled pointer reads as none', () => {
  assert.equal(withCommentPointer(null, 'k', 'IC_1'), '<!-- mlship:comments {"k":"IC_1"} -->');
  assert.deepEqual(readCommentPointers('<!-- mlship:comments {"k": 5} -->'), {});
  assert.deepEqual(readCommentPointers('<!-- mlship:comments {not json} -->'), {});
  assert.deepEqual(readCommentPointers(undefined), {});
  assert.equal(commentPointer(withCommentPointer('', 'k"', 'IC_9'), 'k"'), 'IC_9');
});
