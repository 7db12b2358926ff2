// The bad-input table itself: large enough, every kind of fault in both the
// CLI and the bundled actions, and no two rows under one test name. Prints its
// counts (node --test test/bad-input-table.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTION_ROWS } from './bad-input/action-rows.ts';
import { BAD_INPUT_KINDS, type BadInputKind, type BadInputRow } from './bad-input/bad-input-row.ts';
import { CLI_ROWS } from './bad-input/cli-rows.ts';

function byKind(rows: BadInputRow[]): Record<BadInputKind, number> {
  const counts = Object.fromEntries(Object.keys(BAD_INPUT_KINDS).map((k) => [k, 0])) as Record<BadInputKind, number>;
  for (const row of rows) counts[row.kind]++;
  return counts;
}

test('the table has at least 80 rows that must pass, across the CLI and the bundled actions', (t) => {
  const rows = [...CLI_ROWS, ...ACTION_ROWS];
  const required = rows.filter((row) => !row.pending);
  t.diagnostic(
    `${rows.length} rows (CLI ${CLI_ROWS.length}, actions ${ACTION_ROWS.length}); ${required.length} must pass, ${rows.length - required.length} wait for a fix not on main`,
  );
  t.diagnostic(`CLI by kind: ${JSON.stringify(byKind(CLI_ROWS))}`);
  t.diagnostic(`actions by kind: ${JSON.stringify(byKind(ACTION_ROWS))}`);
  assert.ok(required.length >= 80, `${required.length} rows must pass`);
});

test('every kind of fault has rows for the CLI and for the actions', () => {
  for (const [table, rows] of [
    ['CLI', CLI_ROWS],
    ['actions', ACTION_ROWS],
  ] as const) {
    const empty = Object.entries(byKind(rows)).filter(([, count]) => count === 0);
    assert.deepEqual(empty, [], `${table} rows of every kind`);
  }
});

test('no two rows share a test name', () => {
  const names = [
    ...CLI_ROWS.map((row) => `mlship ${row.args[0]}: ${row.case}`),
    ...ACTION_ROWS.map((row) => `${row.action}: ${row.case}`),
  ];
  assert.deepEqual(
    names.filter((name, i) => names.indexOf(name) !== i),
    [],
  );
});
