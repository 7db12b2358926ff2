import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import { REGISTRY_COMMANDS, routeCommand } from './route.ts';

test('a step name runs the action of that name', () => {
  assert.deepEqual(routeCommand('validate'), { action: 'validate', env: {} });
});

test('registry-X runs the registry action with its own command input set to X', () => {
  assert.deepEqual(routeCommand('registry-promote'), { action: 'registry', env: { INPUT_COMMAND: 'promote' } });
});

test('an unknown command is one line that lists the valid ones', () => {
  assert.throws(
    () => routeCommand('deploy'),
    (e: unknown) =>
      e instanceof InputError && /'deploy' is not an mlship command; use one of: report, data-test/.test(e.message),
  );
});

test('an empty command says it is required', () => {
  assert.throws(() => routeCommand(''), /input 'command' is required/);
});

test('the root offers exactly the commands of the registry action', async () => {
  const { RegistryActionInputsSchema } = await import('@mlship/registry');
  assert.deepEqual([...REGISTRY_COMMANDS], RegistryActionInputsSchema.shape.command.options);
});
