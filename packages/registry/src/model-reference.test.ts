import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import {
  formatModelReference,
  ModelReferenceSchema,
  parseModelReference,
  safeParseModelReference,
} from './model-reference.ts';

test('references name a stage, a version or the latest version', () => {
  const cases: [string, object][] = [
    ['churn@prod', { name: 'churn', kind: 'stage', stage: 'prod' }],
    ['team/churn#canary', { name: 'team/churn', kind: 'stage', stage: 'canary' }],
    ['churn@v1.2.3', { name: 'churn', kind: 'version', version: 'v1.2.3' }],
    ['churn@1.2.3', { name: 'churn', kind: 'version', version: 'v1.2.3' }],
    ['churn@v1.0.0-rc.1+build.5', { name: 'churn', kind: 'version', version: 'v1.0.0-rc.1+build.5' }],
    ['churn@latest', { name: 'churn', kind: 'latest' }],
    ['churn@greatest', { name: 'churn', kind: 'latest' }],
    ['Churn_Model@prod', { name: 'Churn_Model', kind: 'stage', stage: 'prod' }],
    ['models/nlp:churn@staging', { name: 'models/nlp:churn', kind: 'stage', stage: 'staging' }],
    ['churn#latest', { name: 'churn', kind: 'stage', stage: 'latest' }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseModelReference(text), expected, text);
});

test('what is not a reference gets one line saying why', () => {
  const cases: [string, RegExp][] = [
    ['churn', /'churn' must be NAME@STAGE, NAME#STAGE, NAME@vX\.Y\.Z or NAME@latest/],
    ['@prod', /must be NAME@STAGE/],
    ['churn@', /must be NAME@STAGE/],
    ['churn@prod#1', /must be NAME@STAGE/],
    ['churn@@prod', /must be NAME@STAGE/],
    ['bad name@prod', /'bad name' is not a valid model name/],
    ['a//b@prod', /empty path segment/],
    ['churn@v1.2', /'v1\.2' is not strict SemVer/],
    ['churn@Prod', /'Prod' is not a valid stage/],
    ['churn#v1.2.3', /'#' names a stage; write a version as 'churn@v1\.2\.3'/],
    ['churn@pr\nod', /'pr\\u000aod' is not a valid stage/],
  ];
  for (const [text, reason] of cases) {
    const parsed = safeParseModelReference(text);
    assert.equal(parsed.success, false, JSON.stringify(text));
    if (parsed.success) continue;
    assert.match(parsed.error, reason, JSON.stringify(text));
    assert.ok(!parsed.error.includes('\n'), 'one line');
    assert.throws(
      () => parseModelReference(text, 'baseline'),
      (e: unknown) => e instanceof InputError && e.message === `baseline ${parsed.error}`,
    );
  }
});

test('the schema parses a reference field and reports the grammar error at its path', () => {
  const Inputs = z.object({ baseline: ModelReferenceSchema });
  assert.deepEqual(Inputs.parse({ baseline: 'churn#prod' }).baseline, { name: 'churn', kind: 'stage', stage: 'prod' });
  const bad = Inputs.safeParse({ baseline: 'churn' });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues[0]!.path, ['baseline']);
  assert.match(bad.error!.issues[0]!.message, /'churn' must be NAME@STAGE/);
});

test('a target is a version only when it starts like one; # with a version says to use @', () => {
  assert.deepEqual(parseModelReference('churn@stage1'), { name: 'churn', kind: 'stage', stage: 'stage1' });
  for (const [text, error] of [
    ['churn#rc1.2', "'rc1.2' is not a valid stage: use lowercase letters, digits, '-' and '_' (e.g. staging, prod)"],
    ['churn#1.2.3', "'churn#1.2.3': '#' names a stage; write a version as 'churn@1.2.3'"],
    ['churn#12.0.1', "'churn#12.0.1': '#' names a stage; write a version as 'churn@12.0.1'"],
  ] as const) {
    assert.deepEqual(safeParseModelReference(text), { success: false, error }, text);
  }
  assert.throws(
    () => parseModelReference('churn'),
    (e: unknown) => e instanceof InputError && e.message.startsWith("reference 'churn' must be"),
  );
});

test('a reference formats back to the text that parses to it', () => {
  for (const [text, formatted] of [
    ['churn@prod', 'churn@prod'],
    ['churn#prod', 'churn@prod'],
    ['team/churn@1.2.3', 'team/churn@v1.2.3'],
    ['churn@greatest', 'churn@latest'],
  ]) {
    const ref = parseModelReference(text!);
    assert.equal(formatModelReference(ref), formatted);
    assert.deepEqual(parseModelReference(formatModelReference(ref)), ref);
  }
});
