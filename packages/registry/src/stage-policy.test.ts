import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '@mlship/errors';
import {
  checkPromotion,
  DEFAULT_POLICY,
  parseStagePolicy,
  readStagePolicy,
  requiredPriorStage,
} from './stage-policy.ts';
import { foldChanges } from './registry-state.ts';
import { RegistryRuleError } from './registry-errors.ts';

const policy = parseStagePolicy(
  `enforceOrder: true
stages:
  - name: staging
  - name: canary
  - name: prod
    requires: staging
    actors: [alice]
    requiredChecks: [eval]
`,
  'registry-policy.yml',
);
const state = foldChanges([
  { action: 'register', version: 'v1.0.0' },
  { action: 'register', version: 'v2.0.0' },
  { action: 'assign', version: 'v1.0.0', stage: 'staging' },
]);
const base = { name: 'churn', actor: 'alice', passedChecks: ['eval'] };
const refused = (pattern: RegExp) => (e: unknown) => e instanceof RegistryRuleError && pattern.test(e.message);

test('a stage not in the policy is refused with the allowed list', () => {
  assert.throws(
    () => checkPromotion(policy, state, { ...base, version: 'v1.0.0', stage: 'qa' }),
    refused(/use one of: staging, canary, prod/),
  );
});

test('order: a version must hold the required stage first', () => {
  assert.throws(
    () => checkPromotion(policy, state, { ...base, version: 'v2.0.0', stage: 'prod' }),
    refused(/must be in stage 'staging' before 'prod'/),
  );
  assert.throws(
    () => checkPromotion(policy, state, { ...base, version: 'v2.0.0', stage: 'canary' }),
    refused(/'staging' before 'canary'/),
  );
  checkPromotion(policy, state, { ...base, version: 'v1.0.0', stage: 'prod' });
  checkPromotion(policy, state, { ...base, version: 'v2.0.0', stage: 'staging' });
});

test('only listed actors may change a guarded stage', () => {
  assert.throws(
    () => checkPromotion(policy, state, { ...base, actor: 'bob', version: 'v1.0.0', stage: 'prod' }),
    refused(/bob may not change stage 'prod'/),
  );
});

test('required checks must have passed on the commit', () => {
  assert.throws(
    () => checkPromotion(policy, state, { ...base, passedChecks: [], version: 'v1.0.0', stage: 'prod' }),
    refused(/required check\(s\) eval/),
  );
});

test('unregistered versions and deprecated models are refused', () => {
  assert.throws(
    () => checkPromotion(policy, state, { ...base, version: 'v3.0.0', stage: 'staging' }),
    refused(/not a registered version/),
  );
  const deprecated = { ...state, deprecated: true };
  assert.throws(
    () => checkPromotion(policy, deprecated, { ...base, version: 'v1.0.0', stage: 'staging' }),
    refused(/deprecated/),
  );
});

test('a malformed policy names the file and the field', () => {
  assert.throws(
    () => parseStagePolicy('stages:\n  - name: Prod\n', 'p.yml'),
    (e: unknown) =>
      e instanceof FileFormatError &&
      /^p\.yml:2:11: stages\[0\]\.name: stage names use lowercase/.test(e.message) &&
      e.location?.line === 2,
  );
  assert.throws(
    () => parseStagePolicy('stages:\n  - name: prod\n    requires: qa\n', 'p.yml'),
    /p\.yml:3:15: stages\[0\]\.requires: stage 'prod' requires unknown stage 'qa'; use one of prod/,
  );
});

test('unknown keys, a stage listed twice and wrong types are refused at their line', () => {
  assert.throws(
    () => parseStagePolicy('enforceorder: true\nstages:\n  - name: prod\n', 'p.yml'),
    /p\.yml:1:1: enforceorder: unknown key 'enforceorder'; did you mean 'enforceOrder'\?/,
  );
  assert.throws(
    () => parseStagePolicy('stages:\n  - name: prod\n    actor: [alice]\n', 'p.yml'),
    /p\.yml:3:5: stages\[0\]\.actor: unknown key 'actor'; did you mean 'actors'\?/,
  );
  assert.throws(
    () => parseStagePolicy('stages:\n  - name: prod\n  - name: prod\n', 'p.yml'),
    /p\.yml:3:11: stages\[1\]\.name: stage 'prod' is listed twice; keep one/,
  );
  assert.throws(
    () => parseStagePolicy('enforceOrder: yes please\nstages:\n  - name: prod\n', 'p.yml'),
    /p\.yml:1:15: enforceOrder: expected true or false, got 'yes please'/,
  );
});

test('without enforceOrder a stage needs only its own requires; the defaults are four open stages', () => {
  assert.deepEqual(DEFAULT_POLICY, {
    schemaVersion: 1,
    enforceOrder: false,
    stages: ['dev', 'staging', 'canary', 'prod'].map((name) => ({ name, requiredChecks: [] })),
  });
  assert.equal(requiredPriorStage(DEFAULT_POLICY, 'prod'), undefined);
  const loose = parseStagePolicy('stages:\n  - name: staging\n  - name: prod\n    requires: staging\n', 'p.yml');
  assert.equal(requiredPriorStage(loose, 'prod'), 'staging');
  assert.equal(requiredPriorStage(policy, 'canary'), 'staging', 'with enforceOrder, the stage listed before');
  assert.equal(requiredPriorStage(policy, 'staging'), undefined);
});

test('refusals say exactly what to do', () => {
  const message = (p: Parameters<typeof checkPromotion>[2]) => {
    try {
      checkPromotion(policy, state, p);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  assert.equal(
    message({ ...base, version: 'v1.0.0', stage: 'prod', actor: 'bob' }),
    "bob may not change stage 'prod'; ask one of alice or add bob to the stage's actors in the policy",
  );
  assert.equal(
    message({ ...base, version: 'v1.0.0', stage: 'prod', passedChecks: [] }),
    "churn@v1.0.0 cannot enter 'prod': required check(s) eval have not succeeded on its commit; run them first",
  );
  assert.equal(
    message({ ...base, version: 'v2.0.0', stage: 'prod' }),
    "churn@v2.0.0 must be in stage 'staging' before 'prod'; promote it to staging first",
  );
  assert.equal(message({ ...base, version: 'v1.0.0', stage: 'prod' }), 'accepted');
  assert.throws(
    () => parseStagePolicy('stages:\n  - name: prod\n    requires: qa\n', 'p.yml'),
    /p\.yml:3:15: stages\[0\]\.requires: stage 'prod' requires unknown stage 'qa'; use one of prod; see docs\/registry\.md#stage-policy$/,
  );
});

test('several actors and missing checks are listed, comma-separated; a policy file is read from its path', async () => {
  const guarded = parseStagePolicy(
    'stages:\n  - name: prod\n    actors: [alice, carol]\n    requiredChecks: [eval, bias]\n',
    'p.yml',
  );
  assert.throws(
    () => checkPromotion(guarded, state, { ...base, version: 'v1.0.0', stage: 'prod', actor: 'bob' }),
    refused(/^bob may not change stage 'prod'; ask one of alice, carol or add bob/),
  );
  assert.throws(
    () => checkPromotion(guarded, state, { ...base, version: 'v1.0.0', stage: 'prod', passedChecks: ['bias'] }),
    refused(/required check\(s\) eval have not/),
  );
  assert.throws(
    () => checkPromotion(guarded, state, { ...base, version: 'v1.0.0', stage: 'prod', passedChecks: [] }),
    refused(/required check\(s\) eval, bias have not/),
  );
  const dir = mkdtempSync(join(tmpdir(), 'mlship-stage-policy-'));
  try {
    writeFileSync(join(dir, 'stages.yml'), 'stages:\n  - name: prod\n');
    assert.deepEqual((await readStagePolicy(join(dir, 'stages.yml'))).stages, [{ name: 'prod', requiredChecks: [] }]);
    await assert.rejects(
      readStagePolicy(dir, 'stages/'),
      /^InputError: stages\/: is a directory; give the path of the stage policy file/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
