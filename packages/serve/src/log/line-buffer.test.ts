import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineBuffer } from './line-buffer.ts';

test('lines come back as their UTF-8 bytes, newline-ended, across chunks and past a chunk', () => {
  const buffer = new LineBuffer();
  const lines = [
    ...Array.from({ length: 3000 }, (_, i) => `{"id":"r${i}","label":"Adélie 🐧"}`),
    'x'.repeat(100_000),
    '',
    'last',
  ];
  for (const line of lines) buffer.push(line);
  const expected = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  assert.equal(buffer.size, expected.length);
  assert.ok(buffer.take().equals(expected));
  assert.equal(buffer.size, 0);
  assert.equal(buffer.take().length, 0, 'taken: empty');
  buffer.push('again');
  assert.equal(buffer.take().toString('utf8'), 'again\n');
});
