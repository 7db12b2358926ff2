import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ReportKeySchema,
  stickyMarker,
  stickyBody,
  isStickyBody,
  defaultReportKey,
  readCommentPointers,
  commentPointer,
  withCommentPointer,
} from './sticky-marker.ts';

const k = (key: string) => ReportKeySchema.parse(key);

test('the marker is a hidden HTML comment naming the key, on the first line of the body', () => {
  assert.equal(stickyMarker(k('model-a')), '<!-- mlship:report key="model-a" -->');
  assert.equal(stickyBody(k('model-a'), '# Report'), '<!-- mlship:report key="model-a" -->\n# Report');
});

test("one key never matches another: 'model' vs 'model-2' and prefixes", () => {
  const body = stickyBody(k('model-2'), 'report');
  assert.equal(isStickyBody(body, k('model-2')), true);
  assert.equal(isStickyBody(body, k('model')), false);
  assert.equal(isStickyBody(stickyBody(k('model'), ''), k('model-2')), false);
});

test('a marker anywhere but the start of the body is not ours: in report data, quoted, indented', () => {
  const churn = k('churn');
  const forged = stickyMarker(churn);
  for (const body of [
    stickyBody(k('eval'), `| column | value |\n| --- | --- |\n| city | ${forged} |`),
    `> ${forged}\n> quoted by a reviewer`,
    ` ${forged}\nindented`,
    `\n${forged}\nafter a blank line`,
    `${forged}`, // the marker alone, without the line our renderer writes after it
    `${forged} trailing text on the marker line`,
  ])
    assert.equal(isStickyBody(body, churn), false, JSON.stringify(body));
  assert.equal(isStickyBody(stickyBody(churn, ''), churn), true);
});

test('keys that would close the marker or the comment are escaped', () => {
  for (const key of ['a" -->', 'x-->y', 'q"', '<b>', 'line\nbreak', '100%']) {
    const marker = stickyMarker(k(key));
    assert.equal(marker.indexOf('-->'), marker.length - 3, key);
    assert.equal(marker.split('"').length, 3, key);
  }
  // An escaped form of one key is never the raw form of another.
  assert.notEqual(stickyMarker(k('a%22')), stickyMarker(k('a"')));
});

test('keys are normalised once, by the schema: whitespace collapsed, NFC; an empty key is refused', () => {
  assert.equal(k('  CI   /  train '), 'CI / train');
  assert.equal(k('caf\u0065\u0301'), k('caf\u00e9'));
  assert.equal(
    ReportKeySchema.safeParse('   ').error?.issues[0]?.message,
    'the key is empty; give each report a name, e.g. key: model-a',
  );
});

test('the default key is workflow/job', () => {
  assert.equal(defaultReportKey('CI', 'evaluate'), 'CI/evaluate');
  assert.equal(stickyMarker(defaultReportKey('My  CI', 'eval')), '<!-- mlship:report key="My CI/eval" -->');
});

test('pointers are appended once and replaced in place, keeping the human body', () => {
  const human = 'Fixes #3.\n\nSome **notes**.';
  const one = withCommentPointer(human, k('model-a'), 'IC_1');
  assert.ok(one.startsWith(human));
  assert.equal(commentPointer(one, k('model-a')), 'IC_1');
  const two = withCommentPointer(one, k('model-b'), 'IC_2');
  const three = withCommentPointer(two, k('model-a'), 'IC_3');
  assert.deepEqual(readCommentPointers(three), { 'model-a': 'IC_3', 'model-b': 'IC_2' });
  assert.equal(three.match(/mlship:comments/g)!.length, 1);
  assert.ok(three.startsWith(human));
});

test('an empty or missing body gets just the pointer; a mangled pointer reads as none', () => {
  assert.equal(withCommentPointer(null, k('k'), 'IC_1'), '<!-- mlship:comments {"k":"IC_1"} -->');
  assert.deepEqual(readCommentPointers('<!-- mlship:comments {"k": 5} -->'), {});
  assert.deepEqual(readCommentPointers('<!-- mlship:comments {not json} -->'), {});
  assert.deepEqual(readCommentPointers(undefined), {});
  assert.equal(commentPointer(withCommentPointer('', k('k"'), 'IC_9'), k('k"')), 'IC_9');
});

test('without a workflow or job name the default key says so', () => {
  assert.equal(defaultReportKey(undefined, undefined), 'workflow/job');
  assert.equal(defaultReportKey('CI', undefined), 'CI/job');
});

test('keys outside the safe set are percent-encoded as UTF-8, uppercase hex', () => {
  assert.equal(stickyMarker(k('é/ü 100% <ok>!*')), '<!-- mlship:report key="%C3%A9/%C3%BC 100%25 %3Cok%3E!*" -->');
  assert.equal(stickyMarker(k('📈 #1')), '<!-- mlship:report key="%F0%9F%93%88 %231" -->');
});

test('the pointer goes after the human text with its trailing whitespace trimmed, one blank line between', () => {
  assert.equal(
    withCommentPointer('Fixes #3.  \n\n\n', k('k'), 'IC_1'),
    'Fixes #3.\n\n<!-- mlship:comments {"k":"IC_1"} -->',
  );
});
