import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonFault } from './json-error-location.ts';

test('jsonFault accepts what the engine accepts: trailing commas, NaN and Infinity, escapes', () => {
  assert.equal(
    jsonFault('{"a": NaN, "b": [1, 2.5e-3,], "c": -Infinity, "d": "\\u00e9\\n", "e": {},}', 0, 'line'),
    undefined,
  );
  assert.equal(jsonFault('[1, {"a": [true, false, null]}, "x",]', 1, 'array'), undefined);
  assert.equal(jsonFault('  {"a": 1}  \r\n{"a": ', 0, 'line'), undefined);
});

test('jsonFault points at the first character that breaks a record', () => {
  const cases: [string, number][] = [
    ['{"a": TRUE}', 6],
    ['{"a": 01}', 7],
    ['{"a": 1 "b": 2}', 8],
    ['{a: 1}', 1],
    ['{"a": "x\ty"}', 8],
    ['{"a": "\\q"}', 7],
    ['{"a": 1}}', 8],
    ['{"a": [1, 2}', 11],
    ['{"a": ', 6],
  ];
  for (const [text, at] of cases) assert.equal(jsonFault(text, 0, 'line'), at, text);
  // A record left open at the end of its line is at the line's end, before the line break.
  assert.equal(jsonFault('{"a": \n{"a": 1}\n', 0, 'line'), 6);
  // In an array, a missing comma between records, and a fault past what was read only when it is the whole file.
  assert.equal(jsonFault('{"a": 1} {"a": 2}]', 0, 'array'), 9);
  assert.equal(jsonFault('{"a": 1}, {"a": ', 0, 'array', false), undefined);
  assert.equal(jsonFault('{"a": 1}, {"a": ', 0, 'array', true), 16);
});
