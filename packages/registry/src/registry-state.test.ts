import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentVersion, foldChanges, latestVersion, stageMap, type StateChange } from './registry-state.ts';
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
