import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileFormatError } from '@mlship/errors';
import { parseExpectations } from './load-expectations.ts';

const valid = `schemaVersion: 1
table:
  rowCount: { min: 1 }
columns:
  species:
    type: string
    notNull: true
    inSet: [Adelie, Gentoo]
  mass:
    between:
      min: 2000
      max: 7000
      mostly: 0.99
      severity: warn
`;

test('shorthands expand to the full form with defaults', () => {
  const { expectations, lineOf } = parseExpectations(valid, 'e.yml');
  assert.deepEqual(expectations.columns.species, {
    type: { is: 'string', mostly: 1, severity: 'error' },
    notNull: { mostly: 1, severity: 'error' },
    inSet: { values: ['Adelie', 'Gentoo'], mostly: 1, severity: 'error' },
  });
  assert.deepEqual(expectations.columns.mass!.between, { min: 2000, max: 7000, mostly: 0.99, severity: 'warn' });
  assert.equal(lineOf(['columns', 'mass', 'between']), 10);
  assert.equal(lineOf(['columns', 'species', 'inSet']), 8);
});

function failure(text: string): FileFormatError {
  try {
    parseExpectations(text, 'e.yml');
  } catch (error) {
    assert.ok(error instanceof FileFormatError);
    return error;
  }
  assert.fail('expected an error');
}

test('a wrong value is reported at its line with the path', () => {
  const e = failure(valid.replace('mostly: 0.99', 'mostly: 1.5'));
  assert.match(e.message, /^e\.yml:13:15: columns\.mass\.between\.mostly: must be <= 1, got 1\.5/);
  assert.deepEqual(e.location, { file: 'e.yml', line: 13, column: 15 });
});

test('an unknown check is reported at its key', () => {
  const e = failure(valid.replace('    notNull: true', '    notNul: true'));
  assert.match(e.message, /^e\.yml:7:5: columns\.species\.notNul: unknown key 'notNul'; did you mean 'notNull'\?/);
});

test('invalid YAML is reported with its line', () => {
  const e = failure('schemaVersion: 1\ncolumns:\n  a: [1, 2\n  b: 3\n');
  assert.match(e.message, /^e\.yml:4:3: invalid YAML: /);
  assert.ok(e.message.split('\n').length === 1);
});

test('an invalid regex, a bound-less range and a wrong schemaVersion are errors', () => {
  assert.match(
    failure(`schemaVersion: 1\ncolumns:\n  a:\n    regex: '([a-z'\n`).message,
    /e\.yml:4:12: columns\.a\.regex\.pattern: not a valid regular expression/,
  );
  assert.match(
    failure(`schemaVersion: 1\ncolumns:\n  a:\n    mean: { severity: warn }\n`).message,
    /e\.yml:4:11: columns\.a\.mean: give min, max or both/,
  );
  assert.match(failure('schemaVersion: 2\n').message, /e\.yml:1:16: schemaVersion: must be 1, got 2/);
});
