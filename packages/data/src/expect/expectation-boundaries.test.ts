// Expectation verdicts at their boundaries, on column batches built in memory
// (no files, no engine), so each case is small enough to count by hand: a
// share exactly at `mostly`, a value exactly at a bound, a timestamp exactly
// as old as allowed pass; one row or one millisecond more fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import type { CategoricalColumn, Column, ColumnBatch, NumericColumn } from '../read/columns.ts';
import { DataProfiler } from '../profile/data-profiler.ts';
import type { Profile } from '../profile/profile-schema.ts';
import type { CheckResult, ExpectationReport } from './check-result.ts';
import { ExpectationChecker } from './expectation-checker.ts';
import { parseExpectations } from './load-expectations.ts';

const NOW = new Date('2016-01-02T00:00:00Z');
const HOUR_MS = 3_600_000;

/** Numbers; null is a missing value, a string is text that did not parse (null, and counted as invalid). */
function num(values: (number | string | null)[], timestamp = false): NumericColumn {
  const invalid = values.filter((v): v is string => typeof v === 'string');
  return {
    kind: 'numeric',
    values: Float64Array.from(values, (v) => (typeof v === 'number' ? v : 0)),
    nulls: Uint8Array.from(values, (v) => (typeof v === 'number' ? 0 : 1)),
    timestamp,
    invalid: { count: invalid.length, samples: invalid.slice(0, 5) },
  };
}

function text(values: (string | null)[]): CategoricalColumn {
  const dictionary = [...new Set(values.filter((v): v is string => v !== null))];
  return {
    kind: 'categorical',
    codes: Int32Array.from(values, (v) => (v === null ? -1 : dictionary.indexOf(v))),
    dictionary,
  };
}

function batch(columns: Record<string, Column>): ColumnBatch {
  const rowCount =
    Object.values(columns)[0]!.kind === 'numeric'
      ? (Object.values(columns)[0] as NumericColumn).values.length
      : (Object.values(columns)[0] as CategoricalColumn).codes.length;
  return { rowCount, columns: new Map(Object.entries(columns)), source: { file: 'x.csv', firstRow: 2 } };
}

/** The profile of the batches, with the exact counts the engine adds after the pass. */
function profileOf(batches: readonly ColumnBatch[]): Profile {
  const profiler = new DataProfiler();
  for (const b of batches) profiler.update(b);
  const finite = (name: string) =>
    batches.flatMap((b) => {
      const c = b.columns.get(name);
      return c?.kind === 'numeric' ? [...c.values].filter((v, i) => c.nulls[i] === 0 && Number.isFinite(v)) : [];
    });
  const points = new Map(
    [...profiler.exactCountRequest().points].map(([name, at]) => {
      const vs = finite(name);
      const count = (keep: (v: number, x: number) => boolean) =>
        Array.from(at, (x) => vs.filter((v) => keep(v, x)).length);
      return [name, { points: at, below: count((v, x) => v < x), atOrBelow: count((v, x) => v <= x) }] as const;
    }),
  );
  return profiler.finish({ points, distinct: new Map() });
}

function check(yaml: string, batches: ColumnBatch[], options: { reference?: Profile; now?: Date } = {}) {
  const loaded = parseExpectations(`schemaVersion: 1\n${yaml}`, 'e.yml');
  const checker = new ExpectationChecker(loaded.expectations, {
    lineOf: loaded.lineOf,
    file: loaded.file,
    now: options.now ?? NOW,
    ...(options.reference ? { reference: options.reference } : {}),
  });
  for (const b of batches) checker.update(b);
  return checker.finish(profileOf(batches));
}

function result(report: ExpectationReport, id: string): CheckResult {
  const r = report.checks.find((c) => c.id === id);
  assert.ok(r, `no result ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return r;
}

/** The fields of a row check's result that tests compare. */
const verdict = (r: CheckResult) => [r.passed, r.failingCount, r.checkedCount, r.samples];

test('mostly: a share of passing rows exactly at mostly passes; one failing row more fails', () => {
  const nulls = (n: number) => batch({ x: num([...Array<number>(10 - n).fill(1), ...Array<null>(n).fill(null)]) });
  const yaml = 'columns:\n  x:\n    notNull: { mostly: 0.9 }\n';
  const one = result(check(yaml, [nulls(1)]), 'columns.x.notNull');
  assert.deepEqual(verdict(one), [true, 1, 10, []]);
  assert.equal(one.failingShare, 0.1);
  assert.equal(one.expected, 'non-null in >= 90% of rows');
  assert.equal(one.observed, '1 of 10 rows fail (10%)');
  assert.equal(one.line, 4);
  assert.deepEqual([one.id, one.column, one.check, one.severity], ['columns.x.notNull', 'x', 'notNull', 'error']);
  assert.deepEqual(verdict(result(check(yaml, [nulls(2)]), 'columns.x.notNull')), [false, 2, 10, []]);
  // Without mostly every row must pass: no nulls at all.
  const strict = result(check('columns:\n  x:\n    notNull: true\n', [nulls(1)]), 'columns.x.notNull');
  assert.deepEqual([strict.passed, strict.expected], [false, 'no nulls']);
  assert.equal(result(check('columns:\n  x:\n    notNull: true\n', [nulls(0)]), 'columns.x.notNull').passed, true);
});

test("mostly of a value check is a share of the non-null rows, and 'expected' says so", () => {
  // 4 non-null rows (and 4 nulls); 1 outside [0, 10] is 75% passing.
  const rows = (outside: number) =>
    batch({
      x: num([...Array<number>(4 - outside).fill(5), ...Array<number>(outside).fill(11), null, null, null, null]),
    });
  const yaml = 'columns:\n  x:\n    between: { min: 0, max: 10, mostly: 0.75, severity: warn }\n';
  const r = result(check(yaml, [rows(1)]), 'columns.x.between');
  assert.deepEqual(verdict(r), [true, 1, 4, ['11']]);
  assert.equal(r.expected, '0 <= x <= 10 for >= 75% of non-null rows');
  assert.equal(r.observed, '1 of 4 rows fail (25%)');
  assert.equal(r.severity, 'warn');
  const two = check(yaml, [rows(2)]);
  assert.deepEqual(verdict(result(two, 'columns.x.between')), [false, 2, 4, ['11']]);
  assert.equal(two.outcome, 'warn', 'a failing warn check warns');
  assert.equal(check(yaml.replace(', severity: warn', ''), [rows(2)]).outcome, 'fail');
  assert.equal(check(yaml, [rows(1)]).outcome, 'pass');
  // An empty column fails nothing.
  const none = result(check(yaml, [batch({ x: num([null, null]) })]), 'columns.x.between');
  assert.deepEqual([...verdict(none), none.failingShare], [true, 0, 0, [], 0]);
});

test('between is inclusive at both bounds; NaN is outside; text in a text column is skipped', () => {
  const yaml = 'columns:\n  x:\n    between: { min: 0, max: 10 }\n';
  const numbers = result(check(yaml, [batch({ x: num([0, 10, -0.5, 10.5, Number.NaN, null]) })]), 'columns.x.between');
  assert.deepEqual(verdict(numbers), [false, 3, 5, ['-0.5', '10.5', 'NaN']]);
  const texts = result(check(yaml, [batch({ x: text(['0', '10', '10.5', '-1', 'abc', null]) })]), 'columns.x.between');
  assert.deepEqual(verdict(texts), [false, 2, 4, ['10.5', '-1']]);
  const low = result(
    check('columns:\n  x:\n    between: { min: 0 }\n', [batch({ x: num([0, -1, 1e9]) })]),
    'columns.x.between',
  );
  assert.deepEqual([...verdict(low), low.expected], [false, 1, 3, ['-1'], 'x >= 0']);
  const high = result(
    check('columns:\n  x:\n    between: { max: 10 }\n', [batch({ x: text(['10', '11', '-1e9']) })]),
    'columns.x.between',
  );
  assert.deepEqual([...verdict(high), high.expected], [false, 1, 3, ['11'], 'x <= 10']);
});

test('type: each type against a numeric column, with text that did not parse counted first', () => {
  const x = num([1, 2.5, 0, 1, 'seven', null]);
  const types = (is: string) =>
    verdict(result(check(`columns:\n  x:\n    type: ${is}\n`, [batch({ x })]), 'columns.x.type'));
  assert.deepEqual(types('number'), [false, 1, 5, ['seven']]);
  assert.deepEqual(types('string'), [false, 1, 5, ['seven']]);
  assert.deepEqual(types('integer'), [false, 2, 5, ['seven', '2.5']]);
  assert.deepEqual(types('boolean'), [false, 2, 5, ['seven', '2.5']]);
  assert.deepEqual(types('timestamp'), [false, 5, 5, ['seven', '1', '2.5', '0']]);
  const day = Date.UTC(2024, 0, 2);
  const stamps = batch({ t: num([day, null], true) });
  assert.deepEqual(verdict(result(check('columns:\n  t:\n    type: timestamp\n', [stamps]), 'columns.t.type')), [
    true,
    0,
    1,
    [],
  ]);
  // A timestamp that fails another check is shown as a date, not as milliseconds.
  const r = result(
    check('columns:\n  t:\n    type: integer\n    between: { max: 0 }\n', [stamps]),
    'columns.t.between',
  );
  assert.deepEqual(r.samples, ['2024-01-02T00:00:00.000Z']);
  const typed = result(
    check('columns:\n  x:\n    type: { is: integer, mostly: 0.5 }\n', [batch({ x })]),
    'columns.x.type',
  );
  assert.equal(typed.expected, 'values are integer for >= 50% of non-null rows');
  assert.equal(typed.passed, true);
  assert.equal(
    result(check('columns:\n  x:\n    type: integer\n', [batch({ x })]), 'columns.x.type').expected,
    'values are integer',
  );
});

test('type: each type against a text column', () => {
  const x = text(['1', '2.5', 'x', 'true', '2024-01-02', 'FALSE', '2024-13-45', null]);
  const types = (is: string) =>
    verdict(result(check(`columns:\n  x:\n    type: ${is}\n`, [batch({ x })]), 'columns.x.type'));
  assert.deepEqual(types('string'), [true, 0, 7, []]);
  assert.deepEqual(types('number'), [false, 5, 7, ['x', 'true', '2024-01-02', 'FALSE', '2024-13-45']]);
  assert.deepEqual(types('integer'), [false, 6, 7, ['2.5', 'x', 'true', '2024-01-02', 'FALSE']]);
  assert.deepEqual(types('boolean'), [false, 5, 7, ['1', '2.5', 'x', '2024-01-02', '2024-13-45']]);
  // A date that does not exist is not a timestamp.
  assert.deepEqual(types('timestamp'), [false, 6, 7, ['1', '2.5', 'x', 'true', 'FALSE']]);
});

test('boolean text is exactly the six spellings; timestamp text is a whole ISO 8601 date or date-time', () => {
  const types = (is: string, values: string[]) =>
    verdict(result(check(`columns:\n  x:\n    type: ${is}\n`, [batch({ x: text(values) })]), 'columns.x.type'));
  assert.deepEqual(types('boolean', ['true', 'false', 'True', 'False', 'TRUE', 'FALSE', 'yes', 'tRUE']), [
    false,
    2,
    8,
    ['yes', 'tRUE'],
  ]);
  // Each of the failing ones is a date to Date.parse, but not ISO 8601 from end to end.
  assert.deepEqual(
    types('timestamp', [
      '2024-01-02T10:00Z',
      '2024-01-02 10:00:00.5+02:00',
      '2024-01-02T10:00:00+0200',
      '2024-01-02T10:00:00.123Z',
      '2024-01-02 10:00',
      '2024-01-02T10:00:00-05:00',
      '2024-01-02T10:00:00.5',
      ' 2024-01-02',
      '12024-01-02',
      '2024-01-02 10:00 GMT',
      '2024-01-02Z',
      '2024-01-02T10:00:00.',
    ]),
    [false, 5, 12, [' 2024-01-02', '12024-01-02', '2024-01-02 10:00 GMT', '2024-01-02Z', '2024-01-02T10:00:00.']],
  );
});

test('notNull counts missing rows, not text that failed to parse as a number', () => {
  const numbers = result(
    check('columns:\n  x:\n    notNull: true\n', [batch({ x: num([1, null, 'seven', null]) })]),
    'columns.x.notNull',
  );
  assert.deepEqual(verdict(numbers), [false, 2, 4, []]);
  const texts = result(
    check('columns:\n  x:\n    notNull: true\n', [batch({ x: text(['a', null, '']) })]),
    'columns.x.notNull',
  );
  assert.deepEqual(verdict(texts), [false, 1, 3, []]);
});

test('inSet: numbers match numbers (also written as text), text matches text; the list is cut at eight', () => {
  const yaml = "columns:\n  x:\n    inSet: [1, '2', x]\n";
  assert.deepEqual(verdict(result(check(yaml, [batch({ x: num([1, 2, 3, null]) })]), 'columns.x.inSet')), [
    false,
    1,
    3,
    ['3'],
  ]);
  assert.deepEqual(
    verdict(result(check(yaml, [batch({ x: text(['1', '2', 'x', '1.0', null]) })]), 'columns.x.inSet')),
    [false, 1, 4, ['1.0']],
  );
  const eight = result(
    check('columns:\n  x:\n    inSet: [a, b, c, d, e, f, g, h]\n', [batch({ x: text(['a']) })]),
    'columns.x.inSet',
  );
  assert.equal(eight.expected, 'in {a, b, c, d, e, f, g, h}');
  const nine = result(
    check('columns:\n  x:\n    inSet: { values: [a, b, c, d, e, f, g, h, i], mostly: 0.5 }\n', [
      batch({ x: text(['a']) }),
    ]),
    'columns.x.inSet',
  );
  assert.equal(nine.expected, 'in {a, b, c, d, e, f, g, h, ...} for >= 50% of non-null rows');
});

test('failure samples: at most five distinct values, in the order they first fail', () => {
  const x = text(['a', 'q', 'r', 'q', 's', 't', 'u', 'v', 'a']);
  const r = result(check('columns:\n  x:\n    inSet: [a]\n', [batch({ x })]), 'columns.x.inSet');
  assert.deepEqual(verdict(r), [false, 7, 9, ['q', 'r', 's', 't', 'u']]);
  const n = result(
    check('columns:\n  x:\n    between: { max: 0 }\n', [batch({ x: num([1, 2, 1, 3, 4, 5, 6, 7]) })]),
    'columns.x.between',
  );
  assert.deepEqual(verdict(n), [false, 8, 8, ['1', '2', '3', '4', '5']]);
});

test('regex: matched against the text of numbers too, with Unicode classes', () => {
  const r = result(
    check("columns:\n  x:\n    regex: '^\\d{2}$'\n", [batch({ x: num([10, 200, 3.5, 99]) })]),
    'columns.x.regex',
  );
  assert.deepEqual([...verdict(r), r.expected], [false, 2, 4, ['200', '3.5'], 'matches /^\\d{2}$/']);
  const u = result(
    check("columns:\n  x:\n    regex: '^\\p{Lu}'\n", [batch({ x: text(['Émile', 'émile', null]) })]),
    'columns.x.regex',
  );
  assert.deepEqual(verdict(u), [false, 1, 2, ['émile']]);
});

test('length is inclusive at both bounds, for text and for the text of numbers', () => {
  const yaml = 'columns:\n  x:\n    length: { min: 2, max: 3 }\n';
  const t = result(check(yaml, [batch({ x: text(['a', 'ab', 'abc', 'abcd', null]) })]), 'columns.x.length');
  assert.deepEqual([...verdict(t), t.expected], [false, 2, 4, ['a', 'abcd'], '2 <= length <= 3']);
  const n = result(check(yaml, [batch({ x: num([5, 55, 555, 5555]) })]), 'columns.x.length');
  assert.deepEqual(verdict(n), [false, 2, 4, ['5', '5555']]);
  const max = result(
    check('columns:\n  x:\n    length: { max: 1 }\n', [batch({ x: text(['', 'a', 'ab']) })]),
    'columns.x.length',
  );
  assert.deepEqual([...verdict(max), max.expected], [false, 1, 3, ['ab'], 'length <= 1']);
  const min = result(
    check('columns:\n  x:\n    length: { min: 1 }\n', [batch({ x: text(['', 'a']) })]),
    'columns.x.length',
  );
  assert.deepEqual([...verdict(min), min.expected], [false, 1, 2, [''], 'length >= 1']);
});

test('unique: every row of a repeated value fails, across batches; nulls are not values', () => {
  const numbers = result(
    check('columns:\n  x:\n    unique: true\n', [
      batch({ x: num([1, 2, 3, null]) }),
      batch({ x: num([3, 4, null, 4, 4]) }),
    ]),
    'columns.x.unique',
  );
  assert.deepEqual([...verdict(numbers), numbers.expected], [false, 5, 7, ['3', '4'], 'unique']);
  const texts = result(
    check('columns:\n  x:\n    unique: { mostly: 0.5 }\n', [
      batch({ x: text(['a', 'b', null]) }),
      batch({ x: text(['b', 'c', 'b']) }),
    ]),
    'columns.x.unique',
  );
  assert.deepEqual([...verdict(texts), texts.expected], [false, 3, 5, ['b'], 'unique for >= 50% of non-null rows']);
  assert.deepEqual(
    verdict(
      result(
        check('columns:\n  x:\n    unique: true\n', [batch({ x: text(['a', 'b', null, null]) })]),
        'columns.x.unique',
      ),
    ),
    [true, 0, 2, []],
  );
});

test('duplicate rows: equal in every column, across batches; a null is not any value; columns are not interchangeable', () => {
  const rows = (a: (number | null)[], b: (string | null)[]) => batch({ a: num(a), b: text(b) });
  const report = check('table:\n  duplicateRows: { mostly: 0.6 }\n', [
    rows([1, 1, 1], ['a', 'a', null]),
    rows([null, 1, 2], ['a', null, '1']),
  ]);
  const r = result(report, 'table.duplicateRows');
  // Rows 2 and 5 repeat rows 1 and 3; (null, a) and (2, '1') are new.
  assert.deepEqual(verdict(r), [true, 2, 6, []]);
  assert.equal(r.failingShare, 2 / 6);
  assert.equal(r.expected, '>= 60% of rows distinct');
  assert.equal(r.observed, '2 of 6 rows repeat an earlier row (33.3%)');
  assert.deepEqual([r.id, r.column, r.check, r.line], ['table.duplicateRows', null, 'duplicateRows', 3]);
  // Exactly at mostly: 3 of 6 rows repeat an earlier one, half of them distinct.
  const half = (mostly: number) =>
    result(
      check(`table:\n  duplicateRows: { mostly: ${mostly} }\n`, [batch({ a: num([1, 1, 1, 1, 2, 3]) })]),
      'table.duplicateRows',
    );
  assert.deepEqual([half(0.5).passed, half(0.5).failingShare, half(0.51).passed], [true, 0.5, false]);
  // No rows: nothing repeats.
  const empty = result(check('table:\n  duplicateRows: true\n', [batch({ a: num([]) })]), 'table.duplicateRows');
  assert.deepEqual([empty.passed, empty.failingCount, empty.checkedCount, empty.failingShare], [true, 0, 0, 0]);
  const strict = result(
    check('table:\n  duplicateRows: true\n', [rows([1, 2], ['x', 'x']), rows([1], ['x'])]),
    'table.duplicateRows',
  );
  assert.deepEqual([strict.passed, strict.failingCount, strict.expected], [false, 1, 'no duplicate rows']);
  // (1, 2) and (2, 1): the same values in other columns are another row.
  const swapped = batch({ a: num([1, 2]), b: num([2, 1]) });
  assert.equal(result(check('table:\n  duplicateRows: true\n', [swapped]), 'table.duplicateRows').failingCount, 0);
  // (1, null) and (null, 1): one value each, in different columns.
  const crossed = batch({ a: num([1, null]), b: num([null, 1]) });
  assert.equal(result(check('table:\n  duplicateRows: true\n', [crossed]), 'table.duplicateRows').failingCount, 0);
  // A null is no value: a row where b is null repeats one that lacked b (a JSON record without the key),
  // and not one where b is 0.
  for (const b of [num([null]), text([null])]) {
    const lacking = check('table:\n  duplicateRows: true\n', [batch({ a: num([1]), b }), batch({ a: num([1]) })]);
    assert.equal(result(lacking, 'table.duplicateRows').failingCount, 1);
  }
  const zero = batch({ a: num([0, null]), b: text(['x', 'x']) });
  assert.equal(result(check('table:\n  duplicateRows: true\n', [zero]), 'table.duplicateRows').failingCount, 0);
  const nullVsZero = batch({ a: num([0, null]), b: text(['', null]) });
  assert.equal(result(check('table:\n  duplicateRows: true\n', [nullVsZero]), 'table.duplicateRows').failingCount, 0);
});

test('freshness: the newest timestamp exactly maxAgeHours old passes; a millisecond older fails', () => {
  const yaml = 'table:\n  freshness: { column: t, maxAgeHours: 48 }\n';
  const newest = NOW.getTime() - 48 * HOUR_MS;
  const at = (ms: number) => check(yaml, [batch({ t: num([ms - HOUR_MS, null, ms], true) })]);
  const r = result(at(newest), 'table.freshness');
  assert.deepEqual([r.passed, r.column, r.check, r.line], [true, 't', 'freshness', 3]);
  assert.equal(r.expected, 'newest t at most 48 h old');
  assert.equal(r.observed, 'newest 2015-12-31T00:00:00.000Z (48 h old)');
  const late = result(at(newest - 1), 'table.freshness');
  assert.equal(late.passed, false);
  assert.equal(late.observed, 'newest 2015-12-30T23:59:59.999Z (48 h old)');
  // A null row's value is not a timestamp, however recent its slot.
  const masked = num([newest - 100 * HOUR_MS, NOW.getTime()], true);
  masked.nulls[1] = 1;
  assert.equal(result(check(yaml, [batch({ t: masked })]), 'table.freshness').passed, false);
  // Dates as text: the newest that parses; across batches.
  const dates = check(yaml, [
    batch({ t: text(['2015-12-29', 'soon', null]) }),
    batch({ t: text(['2015-12-31T00:00:00Z']) }),
  ]);
  assert.equal(result(dates, 'table.freshness').observed, 'newest 2015-12-31T00:00:00.000Z (48 h old)');
  assert.equal(result(dates, 'table.freshness').passed, true);
  // The newest need not come last.
  assert.equal(
    result(check(yaml, [batch({ t: num([newest, newest - HOUR_MS], true) })]), 'table.freshness').passed,
    true,
  );
  const older = check(yaml, [batch({ t: text(['2015-12-31', '2015-12-29', 'soon']) })]);
  assert.equal(result(older, 'table.freshness').observed, 'newest 2015-12-31T00:00:00.000Z (48 h old)');
  const none = result(check(yaml, [batch({ t: text(['soon']) })]), 'table.freshness');
  assert.deepEqual([none.passed, none.observed], [false, "no timestamps in 't'"]);
  const absent = result(check(yaml, [batch({ u: num([NOW.getTime()], true) })]), 'table.freshness');
  assert.deepEqual([absent.passed, absent.observed], [false, "no timestamps in 't'"]);
});

test('table columns: missing, unexpected and out of order, each named', () => {
  const data = [batch({ a: num([1]), b: num([1]), c: num([1]) })];
  const r = (yaml: string) => result(check(`table:\n  columns: ${yaml}\n`, data), 'table.columns');
  const ok = r('{ present: [a, b], absent: [z] }');
  assert.deepEqual(
    [ok.passed, ok.expected, ok.observed, ok.line],
    [true, 'present: a, b; absent: z', 'as expected', 3],
  );
  assert.deepEqual([ok.id, ok.column, ok.check, ok.severity], ['table.columns', null, 'columns', 'error']);
  const ordered = r('{ present: [b, a, c], ordered: true }');
  assert.deepEqual(
    [ordered.passed, ordered.expected, ordered.observed],
    [false, 'present: b, a, c; in this order', 'order is a, b, c'],
  );
  assert.equal(r('{ present: [a, b, c], ordered: true }').passed, true);
  assert.equal(r('{ present: [a, b], ordered: true }').observed, 'order is a, b, c', 'ordered means exactly these');
  const all = r('{ present: [a, y, z], absent: [b, c], severity: warn }');
  assert.deepEqual([all.passed, all.severity], [false, 'warn']);
  assert.equal(all.observed, 'missing y, z; unexpected b, c');
  assert.equal(all.expected, 'present: a, y, z; absent: b, c');
  assert.equal(r('{ absent: [c] }').expected, 'absent: c');
});

test('row count is inclusive at both bounds', () => {
  const data = [batch({ a: num([1, 2]) }), batch({ a: num([3]) })];
  const r = (yaml: string) => result(check(`table:\n  rowCount: ${yaml}\n`, data), 'table.rowCount');
  const exact = r('{ min: 3, max: 3 }');
  assert.deepEqual([exact.passed, exact.expected, exact.observed], [true, '3 <= rows <= 3', '3 rows']);
  assert.deepEqual(
    [exact.id, exact.column, exact.check, exact.severity, exact.line],
    ['table.rowCount', null, 'rowCount', 'error', 3],
  );
  assert.equal(r('{ min: 4, severity: warn }').severity, 'warn');
  assert.deepEqual([r('{ min: 4 }').passed, r('{ min: 4 }').expected], [false, 'rows >= 4']);
  assert.deepEqual([r('{ max: 2 }').passed, r('{ max: 2 }').expected], [false, 'rows <= 2']);
  assert.equal(r('{ min: 3 }').passed, true);
  assert.equal(r('{ max: 3 }').passed, true);
});

test('a column the data lacks fails with the columns it has, at the column’s line', () => {
  const report = check('columns:\n  a: { notNull: true }\n  z:\n    notNull: true\n    mean: { min: 0 }\n', [
    batch({ a: num([1]), b: text(['x']) }),
  ]);
  const z = result(report, 'columns.z');
  assert.deepEqual(
    [z.passed, z.check, z.severity, z.expected, z.observed, z.line],
    [false, 'exists', 'error', 'column is present', 'absent; the data has a, b', 4],
  );
  assert.deepEqual(
    report.checks.map((c) => c.id),
    ['columns.a.notNull', 'columns.z'],
  );
  assert.equal(report.outcome, 'fail');
  assert.equal(report.rowCount, 1);
});

test('columns first seen in a later batch (JSON keys) are present, in the order they appeared', () => {
  const report = check('table:\n  columns: { present: [a, b], ordered: true }\ncolumns:\n  b: { notNull: true }\n', [
    batch({ a: num([1]) }),
    batch({ a: num([2]), b: text(['x']) }),
  ]);
  assert.equal(result(report, 'table.columns').passed, true);
  // The first row lacked b: a null.
  assert.deepEqual(verdict(result(report, 'columns.b.notNull')), [false, 1, 2, []]);
});

test('mean, stdev and quantiles of 1..5 at their exact bounds', () => {
  const data = [batch({ x: num([1, 2, 3, 4, 5, null]) })];
  const stdev = Math.sqrt(2.5); // sample σ of 1..5
  const r = (yaml: string, id: string) => result(check(`columns:\n  x:\n${yaml}`, data), id);
  const mean = r('    mean: { min: 3, max: 3 }\n', 'columns.x.mean');
  assert.deepEqual([mean.passed, mean.expected, mean.observed, mean.line], [true, '3 <= mean <= 3', 'mean 3', 4]);
  // An aggregate check counts no rows and shows no samples.
  assert.deepEqual([mean.checkedCount, mean.failingCount, mean.failingShare, mean.samples], [null, null, null, []]);
  assert.equal(r('    mean: { min: 3.000001 }\n', 'columns.x.mean').passed, false);
  assert.equal(r('    mean: { max: 2.999999 }\n', 'columns.x.mean').passed, false);
  assert.equal(r('    mean: { max: 3 }\n', 'columns.x.mean').passed, true);
  assert.equal(r('    mean: { min: 3 }\n', 'columns.x.mean').passed, true);
  const sd = r(`    stdev: { min: ${stdev}, max: ${stdev} }\n`, 'columns.x.stdev');
  assert.deepEqual(
    [sd.id, sd.column, sd.check, sd.severity, sd.passed, sd.observed, sd.line],
    ['columns.x.stdev', 'x', 'stdev', 'error', true, 'stdev 1.5811', 4],
  );
  assert.equal(r(`    stdev: { max: 1.58 }\n`, 'columns.x.stdev').passed, false);
  assert.equal(r(`    stdev: { min: 1.5812 }\n`, 'columns.x.stdev').passed, false);
  const q = check(
    'columns:\n  x:\n    quantiles:\n      - { q: 0.5, min: 3, max: 3 }\n      - { q: 1, min: 5.5, severity: warn }\n',
    data,
  );
  const median = result(q, 'columns.x.quantiles[0]');
  assert.deepEqual([median.column, median.check, median.severity], ['x', 'quantiles', 'error']);
  assert.deepEqual(
    [median.passed, median.expected, median.observed, median.line],
    [true, '3 <= q0.5 <= 3', 'q0.5 3', 5],
  );
  const top = result(q, 'columns.x.quantiles[1]');
  assert.deepEqual([top.passed, top.observed, top.severity, top.line], [false, 'q1 5', 'warn', 6]);
});

test('aggregates of a column with no numbers fail; of a text column they say it is not numeric', () => {
  const empty = check(
    'columns:\n  x:\n    mean: { min: 0 }\n    stdev: { max: 1 }\n    quantiles: [{ q: 0.5, max: 1 }]\n',
    [batch({ x: num([null, 'n/a']) })],
  );
  assert.deepEqual(
    empty.checks.filter((c) => c.column === 'x').map((c) => [c.id, c.passed, c.observed]),
    [
      ['columns.x.mean', false, 'mean null'],
      ['columns.x.stdev', false, 'stdev null'],
      ['columns.x.quantiles[0]', false, 'q0.5 null'],
    ],
  );
  // One number has a mean but no standard deviation.
  const one = check('columns:\n  x:\n    mean: { min: 0 }\n    stdev: { max: 1 }\n', [batch({ x: num([2]) })]);
  assert.deepEqual(
    one.checks.map((c) => [c.passed, c.observed]),
    [
      [true, 'mean 2'],
      [false, 'stdev null'],
    ],
  );
  const texts = check(
    'columns:\n  x:\n    mean: { min: 0, severity: warn }\n    stdev: { max: 1 }\n    quantiles: [{ q: 0.5, max: 1 }]\n',
    [batch({ x: text(['a']) })],
  );
  assert.deepEqual(
    texts.checks.map((c) => [c.id, c.check, c.severity, c.passed, c.expected, c.observed, c.line]),
    [
      ['columns.x.mean', 'mean', 'warn', false, 'mean >= 0', 'column is not numeric', 4],
      ['columns.x.stdev', 'stdev', 'error', false, 'stdev <= 1', 'column is not numeric', 5],
      ['columns.x.quantiles', 'quantiles', 'error', false, 'q0.5 <= 1', 'column is not numeric', 6],
    ],
  );
});

test('newCategoryShare: exactly the limit passes; the rows, categories and samples are counted', () => {
  const reference = profileOf([batch({ c: text(['a', 'b', 'a']), n: num([1]), only: text(['x']) })]);
  const current = [
    batch({
      c: text(['a', 'c', 'd', 'b', null, 'c']),
      n: text(['a', 'b', 'a', 'a', 'a', 'a']),
      only: text(['x', 'x', 'x', 'x', 'x', 'x']),
    }),
  ];
  const r = (max: number) =>
    result(
      check(`columns:\n  c:\n    newCategoryShare: { max: ${max} }\n`, current, { reference }),
      'columns.c.newCategoryShare',
    );
  // 3 of 5 non-null rows are c or d.
  const at = r(0.6);
  assert.deepEqual(verdict(at), [true, 3, 5, ['c', 'd']]);
  assert.equal(at.failingShare, 0.6);
  assert.equal(at.expected, '<= 60% of rows in categories the reference never saw');
  assert.equal(at.observed, '3 of 5 rows in 2 new categories (60%)');
  assert.equal(at.line, 4);
  assert.deepEqual(
    [at.id, at.column, at.check, at.severity],
    ['columns.c.newCategoryShare', 'c', 'newCategoryShare', 'error'],
  );
  assert.equal(r(0.59).passed, false);
  const six = result(
    check(
      'columns:\n  c:\n    newCategoryShare: { max: 0 }\n',
      [batch({ c: text(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']) })],
      {
        reference,
      },
    ),
    'columns.c.newCategoryShare',
  );
  assert.deepEqual([six.failingCount, six.samples], [6, ['n1', 'n2', 'n3', 'n4', 'n5']]);
  const one = result(
    check('columns:\n  c:\n    newCategoryShare: { max: 0 }\n', [batch({ c: text(['a', 'e']) })], { reference }),
    'columns.c.newCategoryShare',
  );
  assert.equal(one.observed, '1 of 2 rows in 1 new category (50%)');
  const none = result(
    check('columns:\n  c:\n    newCategoryShare: { max: 0 }\n', [batch({ c: text([null]) })], { reference }),
    'columns.c.newCategoryShare',
  );
  assert.deepEqual([...verdict(none), none.failingShare], [true, 0, 0, [], 0]);
  const kinds = check(
    'columns:\n  n:\n    newCategoryShare: { max: 1, severity: warn }\n  gone:\n    notNull: true\n',
    current,
    {
      reference,
    },
  );
  const n = result(kinds, 'columns.n.newCategoryShare');
  assert.deepEqual(
    [n.id, n.check, n.passed, n.severity, n.expected, n.observed, n.line],
    [
      'columns.n.newCategoryShare',
      'newCategoryShare',
      false,
      'warn',
      '<= 100% of rows in categories the reference never saw',
      'column is not categorical here and in the reference',
      4,
    ],
  );
  // A reference that kept only its most frequent values cannot tell new from rare.
  const inexact = result(
    check('columns:\n  c:\n    newCategoryShare: { max: 1 }\n', [batch({ c: text(['a']) })], {
      reference: profileOf([batch({ c: text(Array.from({ length: 1100 }, (_, i) => `v${i}`)) })]),
    }),
    'columns.c.newCategoryShare',
  );
  assert.deepEqual(
    [inexact.id, inexact.check, inexact.passed, inexact.line],
    ['columns.c.newCategoryShare', 'newCategoryShare', false, 4],
  );
  assert.match(
    inexact.observed,
    /^cannot be judged: the reference profile keeps only its 1,000 most frequent values of about /,
  );
  const missing = result(
    check('columns:\n  c:\n    newCategoryShare: { max: 1 }\n', [batch({ c: text(['a']) })], {
      reference: profileOf([batch({ other: text(['a']) })]),
    }),
    'columns.c.newCategoryShare',
  );
  assert.deepEqual([missing.passed, missing.observed], [false, 'column is not in the reference profile']);
  const numericHere = result(
    check('columns:\n  n:\n    newCategoryShare: { max: 1 }\n', [batch({ n: num([1]) })], {
      reference: profileOf([batch({ n: text(['a']) })]),
    }),
    'columns.n.newCategoryShare',
  );
  assert.equal(numericHere.observed, 'column is not categorical here and in the reference');
});

test('newCategoryShare without a reference names the file, line and column; without a file, "expectations"', () => {
  const loaded = parseExpectations(
    'schemaVersion: 1\ncolumns:\n  plan:\n    newCategoryShare: { max: 0.1 }\n',
    'checks/e.yml',
  );
  assert.throws(
    () => new ExpectationChecker(loaded.expectations, { lineOf: loaded.lineOf, file: loaded.file, now: NOW }),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(
        e.message,
        'checks/e.yml:4: columns.plan.newCategoryShare needs a reference profile; give one (reference-profile / --reference) or remove the check',
      );
      assert.deepEqual(e.location, { file: 'checks/e.yml', line: 4 });
      return true;
    },
  );
  assert.throws(
    () => new ExpectationChecker(loaded.expectations, { now: NOW }),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /^expectations: columns\.plan\.newCategoryShare needs a reference profile;/);
      assert.deepEqual(e.location, { file: 'expectations' });
      return true;
    },
  );
});

test('with no batches at all the profile names the columns', () => {
  const loaded = parseExpectations('schemaVersion: 1\ntable:\n  columns: { present: [a] }\n', 'e.yml');
  const checker = new ExpectationChecker(loaded.expectations, { now: NOW });
  const profile = profileOf([batch({ a: num([]) })]);
  const r = checker.finish(profile);
  assert.deepEqual(
    r.checks.map((c) => [c.id, c.passed, c.line]),
    [['table.columns', true, null]],
  );
  assert.equal(r.outcome, 'pass');
});

test('finishing twice gives the same report', () => {
  const loaded = parseExpectations('schemaVersion: 1\ncolumns:\n  x:\n    unique: true\n', 'e.yml');
  const checker = new ExpectationChecker(loaded.expectations, { now: NOW });
  const data = batch({ x: num([1, 1, 2]) });
  checker.update(data);
  const profile = profileOf([data]);
  const first = checker.finish(profile);
  assert.deepEqual(verdict(result(first, 'columns.x.unique')), [false, 2, 3, ['1']]);
  assert.deepEqual(checker.finish(profile), first);
});
