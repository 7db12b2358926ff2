import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import {
  assertModelName,
  formatGtoTag,
  isModelName,
  MAX_MODEL_NAME_BYTES,
  modelOfSegment,
  modelSegment,
  normalizeVersion,
  parseGtoTag,
  assertVersionTagFits,
  assertStageName,
  stageNameProblem,
  versionTag,
} from './tag-grammar.ts';

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
    // GTO's monorepo form: `folder:name`, written `folder=name` in tags (':' cannot be in a ref).
    ['models/nlp=Churn_2@v1.0.0', { action: 'register', name: 'models/nlp:Churn_2', version: 'v1.0.0' }],
    ['models/nlp=churn#prod#3', { action: 'assign', name: 'models/nlp:churn', stage: 'prod', counter: 3 }],
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

test("model names are exactly GTO 1.9's: letters (any case), digits, - _ / inside, alphanumeric ends, an optional folder:", () => {
  for (const name of ['a', '7', 'Churn', 'Team/churn-model_2', 'A_B', 'models/nlp:churn', 'Models/v1.2-x_y:Churn']) {
    assert.ok(isModelName(name), name);
  }
  for (const name of [
    'churn/',
    '/churn',
    '_churn',
    'churn-',
    'churn model',
    'churn@prod',
    'churn#prod',
    'churn.v2',
    'ä',
    '',
  ]) {
    assert.ok(!isModelName(name), name);
  }
});

test('names GTO accepts but git cannot store as a ref are refused in one line before anything is written', () => {
  const cases: [string, RegExp][] = [
    ['a//b', /empty path segment/],
    ['models//nlp:churn', /empty path segment/],
    ['/models:churn', /empty path segment/],
    ['models/..:churn', /'\.\.'/],
    ['models/x.lock/y:churn', /ending in '\.lock'/],
    ['.models:churn', /starting with '\.'/],
    ['models/.cache:churn', /starting with '\.'/],
    ['a'.repeat(MAX_MODEL_NAME_BYTES + 1), /201 bytes long, at most 200/],
    ['churn\nmodel', /not a valid model name/],
  ];
  for (const [name, reason] of cases) {
    assert.throws(
      () => assertModelName(name),
      (e: unknown) =>
        e instanceof InputError && reason.test(e.message) && !e.message.includes('\n') && e.message.startsWith('name '),
      JSON.stringify(name),
    );
  }
  assert.ok(isModelName('a'.repeat(MAX_MODEL_NAME_BYTES)));
});

test('a control character in a refused name is shown escaped, on one line', () => {
  assert.throws(() => assertModelName('churn\u001b[31m'), /'churn\\u001b\[31m' is not a valid model name/);
});

test('ref segments keep names apart and round-trip', () => {
  const names = ['churn', 'churn/eu', 'models/nlp:churn', 'a/b/c'];
  assert.deepEqual(names.map(modelSegment), ['churn', 'churn+eu', 'models+nlp=churn', 'a+b+c']);
  for (const n of names) assert.equal(modelOfSegment(modelSegment(n)), n);
});

test('a version whose tags would pass the ref limit is refused before a publish writes', () => {
  const name = 'a'.repeat(MAX_MODEL_NAME_BYTES);
  assertVersionTagFits(name, 'v1.2.3-rc.1');
  assert.throws(
    () => assertVersionTagFits(name, `v1.0.0-${'x'.repeat(40)}`),
    (e: unknown) => e instanceof InputError && /version 'v1\.0\.0-x+' is too long/.test(e.message),
  );
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

test('a stage is at most 32 characters', () => {
  assert.equal(stageNameProblem('s'.repeat(32)), null);
  assert.equal(
    stageNameProblem('s'.repeat(33)),
    `'${'s'.repeat(33)}' is not a valid stage: it is 33 characters long, at most 32`,
  );
  assert.equal(assertStageName('prod'), 'prod');
  assert.throws(
    () => assertStageName('Prod'),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        "stage 'Prod' is not a valid stage: use lowercase letters, digits, '-' and '_' (e.g. staging, prod)",
  );
});

test('the checks that throw name their input: the name, the version', () => {
  assert.equal(assertModelName('churn'), 'churn');
  assert.throws(
    () => assertModelName('bad name'),
    (e: unknown) => e instanceof InputError && e.message.startsWith("name 'bad name' is not a valid model name"),
  );
  assert.throws(
    () => normalizeVersion('1.2'),
    (e: unknown) =>
      e instanceof InputError &&
      e.message === "version '1.2' is not strict SemVer: write it as vMAJOR.MINOR.PATCH, e.g. v1.2.3",
  );
  assert.equal(versionTag('models/nlp:churn', 'v1.0.0'), 'models/nlp=churn@v1.0.0');
});

test('a version must leave room for its deregistration tag with a 10-digit counter', () => {
  // refs/tags/ (10) + a 200-byte name + '@' + version + '!#9999999999' (12) = 223 + version bytes ≤ 255.
  const name = 'a'.repeat(200);
  const fits = `v1.0.0-${'r'.repeat(25)}`;
  assert.equal(fits.length, 32);
  assert.doesNotThrow(() => assertVersionTagFits(name, fits));
  assert.throws(
    () => assertVersionTagFits(name, `${fits}r`),
    (e: unknown) => e instanceof InputError && /would be 256 bytes long/.test(e.message),
  );
});
