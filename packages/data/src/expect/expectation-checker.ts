// Runs an expectations file over column batches: row checks update per batch,
// aggregate checks (mean, stdev, quantiles, row count, new categories) are
// read from the profile made in the same pass.
import { InputError } from '@mlship/errors';
import { columnOf } from '../read/columns.ts';
import type { ColumnBatch } from '../read/columns.ts';
import { quantile } from '../sketch/rank-summary.ts';
import type { ColumnProfile, Profile } from '../profile/profile-schema.ts';
import type { ColumnExpectations, Expectations, Severity } from './expectations-schema.ts';
import { outcomeOf, type CheckResult, type ExpectationReport } from './check-result.ts';
import {
  BetweenCheck,
  DuplicateRowsCheck,
  InSetCheck,
  LengthCheck,
  NotNullCheck,
  RegexCheck,
  RowCheck,
  TypeCheck,
  UniqueCheck,
} from './row-checks.ts';
import { formatNumber, formatShare } from './format.ts';

interface PlannedRowCheck {
  column: string;
  check: string;
  severity: Severity;
  mostly: number;
  expected: string;
  impl: RowCheck;
}

export interface CheckOptions {
  /** Line lookup for results, from `parseExpectations`. */
  lineOf?: (path: readonly (string | number)[]) => number | undefined;
  /** The expectations file, for error messages. */
  file?: string;
  /** Needed by `newCategoryShare`. */
  reference?: Profile;
  /** The clock for `freshness`. */
  now: Date;
}

export class ExpectationChecker {
  private readonly expectations: Expectations;
  private readonly options: CheckOptions;
  private readonly rowChecks: PlannedRowCheck[] = [];
  private readonly duplicates: DuplicateRowsCheck | undefined;
  private newestMs = Number.NEGATIVE_INFINITY;

  constructor(expectations: Expectations, options: CheckOptions) {
    this.expectations = expectations;
    this.options = options;
    for (const [column, checks] of Object.entries(expectations.columns)) this.planColumn(column, checks);
    // Stryker disable next-line ConditionalExpression: tableResults reports duplicates only when asked; an unasked check costs time, not results
    if (expectations.table.duplicateRows) this.duplicates = new DuplicateRowsCheck();
    for (const [column, checks] of Object.entries(expectations.columns)) {
      if (checks.newCategoryShare && !options.reference) {
        const line = options.lineOf?.(['columns', column, 'newCategoryShare']);
        const file = options.file ?? 'expectations';
        throw new InputError(
          `${file}${line ? `:${line}` : ''}: columns.${column}.newCategoryShare needs a reference profile; give one (reference-profile / --reference) or remove the check`,
          { location: { file, ...(line ? { line } : {}) } },
        );
      }
    }
  }

  private planColumn(column: string, c: ColumnExpectations): void {
    const add = (check: string, severity: Severity, mostly: number, expected: string, impl: RowCheck) =>
      this.rowChecks.push({ column, check, severity, mostly, expected, impl });
    const rows = (mostly: number) => (mostly < 1 ? ` for >= ${formatShare(mostly)} of non-null rows` : '');
    if (c.type)
      add(
        'type',
        c.type.severity,
        c.type.mostly,
        `values are ${c.type.is}${rows(c.type.mostly)}`,
        new TypeCheck(c.type.is),
      );
    if (c.notNull)
      add(
        'notNull',
        c.notNull.severity,
        c.notNull.mostly,
        c.notNull.mostly < 1 ? `non-null in >= ${formatShare(c.notNull.mostly)} of rows` : 'no nulls',
        new NotNullCheck(),
      );
    if (c.between)
      add(
        'between',
        c.between.severity,
        c.between.mostly,
        `${bounds('x', c.between)}${rows(c.between.mostly)}`,
        new BetweenCheck(c.between.min, c.between.max),
      );
    if (c.inSet)
      add(
        'inSet',
        c.inSet.severity,
        c.inSet.mostly,
        `in {${c.inSet.values.slice(0, 8).join(', ')}${c.inSet.values.length > 8 ? ', ...' : ''}}${rows(c.inSet.mostly)}`,
        new InSetCheck(c.inSet.values),
      );
    if (c.regex)
      add(
        'regex',
        c.regex.severity,
        c.regex.mostly,
        `matches /${c.regex.pattern}/${rows(c.regex.mostly)}`,
        new RegexCheck(c.regex.pattern),
      );
    if (c.unique)
      add('unique', c.unique.severity, c.unique.mostly, `unique${rows(c.unique.mostly)}`, new UniqueCheck());
    if (c.length)
      add(
        'length',
        c.length.severity,
        c.length.mostly,
        `${bounds('length', c.length)}${rows(c.length.mostly)}`,
        new LengthCheck(c.length.min, c.length.max),
      );
  }

  update(batch: ColumnBatch): void {
    for (const planned of this.rowChecks) planned.impl.update(columnOf(batch, planned.column), batch.rowCount);
    this.duplicates?.update(batch.columns, batch.rowCount);
    const freshness = this.expectations.table.freshness;
    if (freshness) {
      const column = batch.columns.get(freshness.column);
      if (column?.kind === 'numeric') {
        for (let i = 0; i < batch.rowCount; i++)
          // Stryker disable next-line EqualityOperator: >= only replaces the newest with an equal value
          if (column.nulls[i] === 0 && column.values[i]! > this.newestMs) this.newestMs = column.values[i]!;
      } else if (column) {
        for (const text of column.dictionary) {
          const ms = Date.parse(text);
          // Stryker disable next-line EqualityOperator: >= only replaces the newest with an equal value
          if (ms > this.newestMs) this.newestMs = ms;
        }
      }
    }
  }

  /** The results, given the profile of the same rows. */
  finish(profile: Profile): ExpectationReport {
    // The profile of the same rows names every column in the order first seen (JSON keys may appear late).
    const names = profile.columns.map((c) => c.name);
    const present = new Set(names);
    const lineOf = (path: (string | number)[]) => this.options.lineOf?.(path) ?? null;
    const results: CheckResult[] = [...this.tableResults(profile, names, lineOf)];
    for (const [column, checks] of Object.entries(this.expectations.columns)) {
      if (!present.has(column)) {
        results.push(
          aggregate(
            `columns.${column}`,
            column,
            'exists',
            'error',
            false,
            'column is present',
            `absent; the data has ${names.join(', ')}`,
            lineOf(['columns', column]),
          ),
        );
        continue;
      }
      for (const planned of this.rowChecks.filter((p) => p.column === column)) {
        if (planned.impl instanceof UniqueCheck) planned.impl.finish();
        const { failing, checked } = planned.impl;
        const share = checked > 0 ? failing / checked : 0;
        results.push({
          id: `columns.${column}.${planned.check}`,
          column,
          check: planned.check,
          severity: planned.severity,
          // Stryker disable next-line EqualityOperator: > differs from >= only at exactly mostly − 1e-12, which no share of rows is
          passed: 1 - share >= planned.mostly - 1e-12,
          checkedCount: checked,
          failingCount: failing,
          failingShare: share,
          expected: planned.expected,
          observed: `${failing} of ${checked} rows fail (${formatShare(share)})`,
          samples: [...planned.impl.samples],
          line: lineOf(['columns', column, planned.check]),
        });
      }
      const columnProfile = profile.columns.find((c) => c.name === column)!;
      results.push(...this.aggregateResults(column, checks, columnProfile, lineOf));
    }
    return { outcome: outcomeOf(results), rowCount: profile.rowCount, checks: results };
  }

  private tableResults(
    profile: Profile,
    names: string[],
    lineOf: (path: (string | number)[]) => number | null,
  ): CheckResult[] {
    const t = this.expectations.table;
    const out: CheckResult[] = [];
    if (t.columns) {
      const missing = t.columns.present.filter((c) => !names.includes(c));
      const unwanted = t.columns.absent.filter((c) => names.includes(c));
      const outOfOrder = t.columns.ordered && names.join('\u0000') !== t.columns.present.join('\u0000');
      const problems = [
        missing.length ? `missing ${missing.join(', ')}` : '',
        unwanted.length ? `unexpected ${unwanted.join(', ')}` : '',
        outOfOrder ? `order is ${names.join(', ')}` : '',
      ].filter(Boolean);
      out.push(
        aggregate(
          'table.columns',
          null,
          'columns',
          t.columns.severity,
          problems.length === 0,
          [
            t.columns.present.length ? `present: ${t.columns.present.join(', ')}` : '',
            t.columns.absent.length ? `absent: ${t.columns.absent.join(', ')}` : '',
            t.columns.ordered ? 'in this order' : '',
          ]
            .filter(Boolean)
            .join('; '),
          problems.length ? problems.join('; ') : 'as expected',
          lineOf(['table', 'columns']),
        ),
      );
    }
    if (t.rowCount) {
      const n = profile.rowCount;
      const ok =
        (t.rowCount.min === undefined || n >= t.rowCount.min) && (t.rowCount.max === undefined || n <= t.rowCount.max);
      out.push(
        aggregate(
          'table.rowCount',
          null,
          'rowCount',
          t.rowCount.severity,
          ok,
          bounds('rows', t.rowCount),
          `${n} rows`,
          lineOf(['table', 'rowCount']),
        ),
      );
    }
    if (t.duplicateRows && this.duplicates) {
      const { failing, checked } = this.duplicates;
      const share = checked > 0 ? failing / checked : 0;
      out.push({
        id: 'table.duplicateRows',
        column: null,
        check: 'duplicateRows',
        severity: t.duplicateRows.severity,
        // Stryker disable next-line EqualityOperator: > differs from >= only at exactly mostly − 1e-12, which no share of rows is
        passed: 1 - share >= t.duplicateRows.mostly - 1e-12,
        checkedCount: checked,
        failingCount: failing,
        failingShare: share,
        expected:
          t.duplicateRows.mostly < 1
            ? `>= ${formatShare(t.duplicateRows.mostly)} of rows distinct`
            : 'no duplicate rows',
        observed: `${failing} of ${checked} rows repeat an earlier row (${formatShare(share)})`,
        samples: [],
        line: lineOf(['table', 'duplicateRows']),
      });
    }
    if (t.freshness) {
      const ageHours = (this.options.now.getTime() - this.newestMs) / 3_600_000;
      const known = Number.isFinite(this.newestMs);
      out.push(
        aggregate(
          'table.freshness',
          t.freshness.column,
          'freshness',
          t.freshness.severity,
          known && ageHours <= t.freshness.maxAgeHours,
          `newest ${t.freshness.column} at most ${t.freshness.maxAgeHours} h old`,
          known
            ? `newest ${new Date(this.newestMs).toISOString()} (${formatNumber(ageHours)} h old)`
            : `no timestamps in '${t.freshness.column}'`,
          lineOf(['table', 'freshness']),
        ),
      );
    }
    return out;
  }

  private aggregateResults(
    column: string,
    c: ColumnExpectations,
    p: ColumnProfile,
    lineOf: (path: (string | number)[]) => number | null,
  ): CheckResult[] {
    const out: CheckResult[] = [];
    const within = (v: number | null, r: { min?: number | undefined; max?: number | undefined }) =>
      v !== null && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
    const numericOnly = (check: string, severity: Severity, expected: string) =>
      aggregate(
        `columns.${column}.${check}`,
        column,
        check,
        severity,
        false,
        expected,
        'column is not numeric',
        lineOf(['columns', column, check]),
      );
    if (c.mean) {
      const expected = bounds('mean', c.mean);
      out.push(
        p.kind === 'numeric'
          ? aggregate(
              `columns.${column}.mean`,
              column,
              'mean',
              c.mean.severity,
              within(p.mean, c.mean),
              expected,
              `mean ${formatNumber(p.mean)}`,
              lineOf(['columns', column, 'mean']),
            )
          : numericOnly('mean', c.mean.severity, expected),
      );
    }
    if (c.stdev) {
      const expected = bounds('stdev', c.stdev);
      out.push(
        p.kind === 'numeric'
          ? aggregate(
              `columns.${column}.stdev`,
              column,
              'stdev',
              c.stdev.severity,
              within(p.stdev, c.stdev),
              expected,
              `stdev ${formatNumber(p.stdev)}`,
              lineOf(['columns', column, 'stdev']),
            )
          : numericOnly('stdev', c.stdev.severity, expected),
      );
    }
    c.quantiles?.forEach((q, i) => {
      const expected = bounds(`q${q.q}`, q);
      if (p.kind !== 'numeric') return out.push(numericOnly('quantiles', q.severity, expected));
      const value = p.finiteCount > 0 ? quantile(p.quantileSummary, q.q) : null;
      out.push(
        aggregate(
          `columns.${column}.quantiles[${i}]`,
          column,
          'quantiles',
          q.severity,
          within(value, q),
          expected,
          `q${q.q} ${formatNumber(value)}`,
          lineOf(['columns', column, 'quantiles', i]),
        ),
      );
    });
    if (c.newCategoryShare) {
      const limit = c.newCategoryShare;
      const expected = `<= ${formatShare(limit.max)} of rows in categories the reference never saw`;
      const ref = this.options.reference!.columns.find((r) => r.name === column);
      if (p.kind !== 'categorical' || ref?.kind !== 'categorical') {
        out.push(
          aggregate(
            `columns.${column}.newCategoryShare`,
            column,
            'newCategoryShare',
            limit.severity,
            false,
            expected,
            ref ? 'column is not categorical here and in the reference' : 'column is not in the reference profile',
            lineOf(['columns', column, 'newCategoryShare']),
          ),
        );
      } else if (!ref.topValues.exact) {
        // Beyond its capacity the reference keeps only its most frequent values: every rare known
        // value would count as new, so the share cannot be judged.
        out.push(
          aggregate(
            `columns.${column}.newCategoryShare`,
            column,
            'newCategoryShare',
            limit.severity,
            false,
            expected,
            `cannot be judged: the reference profile keeps only its ${ref.topValues.capacity.toLocaleString('en-US')} most frequent values of about ${ref.distinctEstimate.toLocaleString('en-US')}, so new values cannot be told from rare ones; use inSet, or remove newCategoryShare for this column`,
            lineOf(['columns', column, 'newCategoryShare']),
          ),
        );
      } else {
        const known = new Set(ref.topValues.items.map(([v]) => v));
        const fresh = p.topValues.items.filter(([v]) => !known.has(v));
        const newRows = fresh.reduce((s, [, n]) => s + n, 0);
        const nonNull = p.count - p.nullCount;
        const share = nonNull > 0 ? newRows / nonNull : 0;
        out.push({
          id: `columns.${column}.newCategoryShare`,
          column,
          check: 'newCategoryShare',
          severity: limit.severity,
          passed: share <= limit.max,
          checkedCount: nonNull,
          failingCount: newRows,
          failingShare: share,
          expected,
          observed: `${newRows} of ${nonNull} rows in ${fresh.length} new ${fresh.length === 1 ? 'category' : 'categories'} (${formatShare(share)})`,
          samples: fresh.slice(0, 5).map(([v]) => v),
          line: lineOf(['columns', column, 'newCategoryShare']),
        });
      }
    }
    return out;
  }
}

function aggregate(
  id: string,
  column: string | null,
  check: string,
  severity: Severity,
  passed: boolean,
  expected: string,
  observed: string,
  line: number | null,
): CheckResult {
  return {
    id,
    column,
    check,
    severity,
    passed,
    checkedCount: null,
    failingCount: null,
    failingShare: null,
    expected,
    observed,
    samples: [],
    line,
  };
}

function bounds(what: string, r: { min?: number | undefined; max?: number | undefined }): string {
  if (r.min !== undefined && r.max !== undefined) return `${r.min} <= ${what} <= ${r.max}`;
  return r.min !== undefined ? `${what} >= ${r.min}` : `${what} <= ${r.max}`;
}
