import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  currentVersion,
  EMPTY_STATE,
  foldChanges,
  latestVersion,
  operationEvent,
  REMEMBERED_OPERATIONS,
  RegistryStateSchema,
  rememberOperation,
  stageMap,
  type StateChange,
} from './registry-state.ts';
import { bumpVersion } from './version-bump.ts';

const reg = (version: string): StateChange => ({ action: 'register', version });
const assign = (version: string, stage: string): StateChange => ({ action: 'assign', version, stage });

test('a stage is held by the latest assignment not undone (GTO rule)', () => {
  const state = foldChanges([
    reg('v1.0.0'),
    reg('v1.1.0'),
    reg('v2.0.0'),
    assign('v1.0.0', 'prod'),
    assign('v2.0.0', 'prod'),
    assign('v1.1.0', 'staging'),
  ]);
  assert.deepEqual(stageMap(state), { prod: 'v2.0.0', staging: 'v1.1.0' });
  const undone = foldChanges([{ action: 'unassign', version: 'v2.0.0', stage: 'prod' }], state);
  assert.equal(currentVersion(undone, 'prod'), 'v1.0.0');
});

test('re-assigning a version moves it to the top of the stage', () => {
  const state = foldChanges([
    reg('v1.0.0'),
    reg('v2.0.0'),
    assign('v1.0.0', 'prod'),
    assign('v2.0.0', 'prod'),
    assign('v1.0.0', 'prod'),
  ]);
  assert.deepEqual(state.stages.prod, ['v2.0.0', 'v1.0.0']);
});

test('deregistering a version removes it from every stage and from latest', () => {
  const state = foldChanges([
    reg('v1.0.0'),
    reg('v2.0.0'),
    assign('v1.0.0', 'prod'),
    assign('v2.0.0', 'prod'),
    { action: 'deregister', version: 'v2.0.0' },
  ]);
  assert.equal(currentVersion(state, 'prod'), 'v1.0.0');
  assert.equal(latestVersion(state), 'v1.0.0');
  assert.deepEqual(state.deregistered, ['v2.0.0']);
});

test('assignments of unknown versions are ignored, as GTO does', () => {
  const state = foldChanges([reg('v1.0.0'), assign('v9.0.0', 'prod')]);
  assert.equal(currentVersion(state, 'prod'), undefined);
});

test('latest is the highest SemVer, not the newest registration', () => {
  const state = foldChanges([reg('v1.10.0'), reg('v1.9.0'), reg('v1.10.0-rc.1')]);
  assert.equal(latestVersion(state), 'v1.10.0');
  assert.deepEqual(state.versions, ['v1.9.0', 'v1.10.0-rc.1', 'v1.10.0']);
});

test('bumps from the highest existing version', () => {
  assert.equal(bumpVersion([], 'patch'), 'v0.0.1');
  assert.equal(bumpVersion(['v1.2.3', 'v1.10.0'], 'patch'), 'v1.10.1');
  assert.equal(bumpVersion(['v1.2.3'], 'minor'), 'v1.3.0');
  assert.equal(bumpVersion(['v1.2.3'], 'major'), 'v2.0.0');
  assert.equal(bumpVersion(['v2.0.0-rc.1'], 'patch'), 'v2.0.1');
});

test('a re-run finds the stage change its operation made; one entry per key, the oldest forgotten past the bound', () => {
  assert.deepEqual(EMPTY_STATE.operations, []);
  let state = rememberOperation(EMPTY_STATE, 'run-1', 3);
  state = rememberOperation(state, 'run-2', 4);
  assert.equal(operationEvent(state, 'run-1'), 3);
  assert.equal(operationEvent(state, 'run-2'), 4);
  assert.equal(operationEvent(state, 'run-3'), undefined);
  // The same operation again (a re-run that wrote a new event) keeps one entry, the newest.
  state = rememberOperation(state, 'run-1', 9);
  assert.deepEqual(state.operations, [
    { key: 'run-2', counter: 4 },
    { key: 'run-1', counter: 9 },
  ]);
  assert.deepEqual(EMPTY_STATE.operations, [], 'the state it came from is not changed');
  for (let i = 0; i < REMEMBERED_OPERATIONS; i++) state = rememberOperation(state, `op-${i}`, 10 + i);
  assert.equal(REMEMBERED_OPERATIONS, 64);
  assert.equal(state.operations.length, 64);
  assert.deepEqual(state.operations[0], { key: 'op-0', counter: 10 });
  assert.equal(operationEvent(state, 'run-1'), undefined, 'forgotten after 64 newer operations');
  assert.equal(operationEvent(state, 'op-63'), 73);
  // A state written before operations and deregistrations were kept reads with both empty.
  assert.deepEqual(RegistryStateSchema.parse({ versions: ['v1.0.0'], stages: {}, deprecated: false }), {
    versions: ['v1.0.0'],
    stages: {},
    deregistered: [],
    deprecated: false,
    operations: [],
  });
});

test('registering twice keeps one version; deprecating marks the model; a stage left empty disappears', () => {
  const state = foldChanges([reg('v1.0.0'), reg('v1.0.0'), assign('v1.0.0', 'prod')]);
  assert.deepEqual(state.versions, ['v1.0.0']);
  assert.equal(state.deprecated, false);
  assert.equal(foldChanges([{ action: 'deprecate' }], state).deprecated, true);
  const unassigned = foldChanges([{ action: 'unassign', version: 'v1.0.0', stage: 'prod' }], state);
  assert.deepEqual(unassigned.stages, {});
  assert.deepEqual(stageMap({ ...state, stages: { prod: [], dev: ['v1.0.0'] } }), { dev: 'v1.0.0' });
});
