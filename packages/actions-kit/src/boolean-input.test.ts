import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '@actions/core';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { BooleanInput } from './boolean-input.ts';
import { readInputs } from './inputs.ts';

const Schema = z.object({ uploadArtifact: BooleanInput.default(true) });

afterEach(() => {
  delete process.env['INPUT_UPLOAD-ARTIFACT'];
});

function given(value: string) {
  process.env['INPUT_UPLOAD-ARTIFACT'] = value;
}

test("reads what @actions/core's getBooleanInput reads, and refuses what it refuses", () => {
  for (const value of [
    'true',
    'True',
    'TRUE',
    'false',
    'False',
    'FALSE',
    'yes',
    'no',
    'on',
    '1',
    '0',
    'tRUE',
    ' true',
  ]) {
    given(value);
    let expected: boolean | 'refused';
    try {
      expected = core.getBooleanInput('upload-artifact');
    } catch {
      expected = 'refused';
    }
    let actual: boolean | 'refused';
    try {
      actual = readInputs(Schema).uploadArtifact;
    } catch (error) {
      assert.ok(error instanceof InputError, String(error));
      actual = 'refused';
    }
    assert.equal(actual, expected, `'${value}'`);
  }
});

test('an empty input takes the default', () => {
  given('');
  assert.equal(readInputs(Schema).uploadArtifact, true);
});

test('anything else is one line naming the input and the spellings', () => {
  given('yes');
  assert.throws(
    () => readInputs(Schema),
    (error) =>
      error instanceof InputError &&
      error.message ===
        "input 'upload-artifact' 'yes' is invalid: expected true or false (true, True, TRUE, false, False or FALSE); set it in the step's 'with:' block",
  );
});
