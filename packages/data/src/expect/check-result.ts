import type { Severity } from './expectations-schema.ts';

/** The outcome of one check, as reports and `--json` show it. */
export interface CheckResult {
  /** Path in the expectations file, e.g. `columns.mass.between` or `table.rowCount`. */
  id: string;
  column: string | null;
  check: string;
  severity: Severity;
  passed: boolean;
  /** Rows the check looked at (non-null rows for value checks); null for aggregate checks. */
  checkedCount: number | null;
  failingCount: number | null;
  failingShare: number | null;
  /** What was required, in words, e.g. `2000 <= x <= 7000 for >= 99% of non-null rows`. */
  expected: string;
  /** What was found, e.g. `mean 4201.8` or `12 of 342 rows (3.5%)`. */
  observed: string;
  /** A few distinct failing values. */
  samples: string[];
  /** Line of the check in the expectations file. */
  line: number | null;
}

export type TestOutcome = 'pass' | 'warn' | 'fail';

export interface ExpectationReport {
  outcome: TestOutcome;
  rowCount: number;
  checks: CheckResult[];
}

export function outcomeOf(checks: readonly CheckResult[]): TestOutcome {
  if (checks.some((c) => !c.passed && c.severity === 'error')) return 'fail';
  if (checks.some((c) => !c.passed)) return 'warn';
  return 'pass';
}
