import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import { formatGtoTag, normalizeVersion, parseGtoTag, parseModelReference, isModelName } from './tag-grammar.ts';

test('parses every GTO event tag and formats it back unchanged', () => {
  const cases: [string, object][] = [
    ['churn@v1.2.3', { action: 'register', name: 'churn', version: 'v1.2.3' }],
    [
      'team/churn_model@v1.0.0-rc.1+build.5',
      { action: 'register', name: 'team/churn_model', version: 'v1.0.0-rc.1+build.5' },
    ],
    ['churn@v1.2.3!#7', { action: 'deregister', name: 'churn', version: 'v1.2.3', counter: 7 }],
    ['churn#prod#12', { action: 'assign', name: 'churn', stage: 'prod', counter: 12 }],
    ['churn#prod', { action: 'assign', name: 'churn', stage: 'prod' }],
    ['churn#prod!#13', { action: 'unassign', name: 'churn', stage: 'prod', counter: 13 }],
    ['churn@deprecated#4', { action: 'deprecate', name: 'churn', counter: 4 }],
  ];
  for (const [tag, parsed] of cases) {
    assert.deepEqual(parseGtoTag(tag), parsed, tag);
    assert.equal(formatGtoTag(parseGtoTag(tag)!), tag);
  }
});

test('ignores tags that are not registry events', () => {
  for (const tag of [
    'v1.2.3',
    'churn@1.2.3',
    'churn@v01.2.3',
    '-churn@v1.0.0',
    'churn-@v1.0.0',
    'churn#Prod#1',
    'churn#prod#x',
    'release-2024',
  ]) {
    assert.equal(parseGtoTag(tag), null, tag);
  }
});

test('model names follow GTO: letters, digits, - _ / inside, alphanumeric ends', () => {
  assert.ok(isModelName('a'));
  assert.ok(isModelName('Team/churn-model_2'));
  assert.ok(!isModelName('churn/'));
  assert.ok(!isModelName('churn model'));
  assert.ok(!isModelName('churn@prod'));
});

test('versions are strict SemVer; a missing v is added', () => {
  assert.equal(normalizeVersion('1.2.3'), 'v1.2.3');
  assert.equal(normalizeVersion('v1.2.3-rc.1'), 'v1.2.3-rc.1');
  for (const bad of ['1.2', 'v1.2.3.4', 'v01.2.3', 'latest', 'v1.2.3-']) {
    assert.throws(
      () => normalizeVersion(bad),
      (e: unknown) => e instanceof InputError && /strict SemVer/.test(e.message),
      bad,
    );
  }
});

test('references name a stage, a version or the latest version', () => {
  assert.deepEqual(parseModelReference('churn@prod'), { name: 'churn', kind: 'stage', stage: 'prod' });
  assert.deepEqual(parseModelReference('team/churn#canary'), { name: 'team/churn', kind: 'stage', stage: 'canary' });
  assert.deepEqual(parseModelReference('churn@v1.2.3'), { name: 'churn', kind: 'version', version: 'v1.2.3' });
  assert.deepEqual(parseModelReference('churn@1.2.3'), { name: 'churn', kind: 'version', version: 'v1.2.3' });
  assert.deepEqual(parseModelReference('churn@latest'), { name: 'churn', kind: 'latest' });
  assert.throws(() => parseModelReference('churn'), /NAME@STAGE/);
  assert.throws(() => parseModelReference('bad name@prod'), /not a valid model name/);
});
