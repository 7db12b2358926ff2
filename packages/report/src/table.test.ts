import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, escapeTableCell } from './table.ts';

test('renders a GFM table with alignment', () => {
  const table = renderTable(
    ['slice', 'accuracy'],
    [
      ['all', 0.91],
      ['en', 0.93],
    ],
    { align: ['left', 'right'] },
  );
  assert.equal(table, '| slice | accuracy |\n| :- | -: |\n| all | 0.91 |\n| en | 0.93 |');
});

test('a pipe or newline in a cell cannot break the row', () => {
  const table = renderTable(['name', 'note'], [['a|b', 'line 1\nline 2']]);
  const rows = table.split('\n');
  assert.equal(rows.length, 3);
  assert.equal(rows[2], '| a\\|b | line 1<br>line 2 |');
});

test('backslashes are escaped so an escaped pipe cannot be unescaped', () => {
  assert.equal(escapeTableCell('a\\|b'), 'a\\\\\\|b');
});

test('null and undefined cells are empty', () => {
  assert.equal(escapeTableCell(null), '');
  assert.equal(escapeTableCell(undefined), '');
});
