// The data-test section of the PR report (and job summary): failed checks,
// top drifting columns with small charts, findings.
import {
  codeSpan,
  collapsible,
  escapeText,
  formatNumber,
  formatPercent,
  histogramComparison,
  renderTable,
  statusBadge,
} from '@mlship/report';
import type { ReportSection } from '@mlship/report';
import type { CheckResult, ExpectationReport, TestOutcome } from '../expect/check-result.ts';
import type { ColumnDrift, DriftReport } from '../drift/compare-profiles.ts';

export type DataTestSection = ReportSection & { id: 'data-test' };

export interface DataTestSummary {
  data: string;
  expectationsFile: string | null;
  referenceFile: string | null;
  rowCount: number;
  columnCount: number;
  outcome: TestOutcome;
  expectations: ExpectationReport | null;
  drift: DriftReport | null;
}

const MAX_FAILED_ROWS = 30;
const MAX_DRIFT_ROWS = 10;
const MAX_CHARTS = 3;

export function dataTestSection(s: DataTestSummary): DataTestSection {
  const parts: string[] = [];
  const facts = [codeSpan(s.data), `${s.rowCount.toLocaleString('en-US')} rows`, `${s.columnCount} columns`];
  if (s.expectations) {
    const failed = s.expectations.checks.filter((c) => !c.passed);
    facts.push(`${s.expectations.checks.length} checks, ${failed.length} failed`);
  }
  if (s.drift) facts.push(`${s.drift.driftedCount} of ${s.drift.comparedCount} columns drifted`);
  parts.push(facts.join(' · '));
  if (s.expectations) parts.push(checksPart(s.expectations, s.expectationsFile));
  if (s.drift) parts.push(driftPart(s.drift, s.referenceFile));
  return { id: 'data-test', title: 'Data tests', markdown: `${parts.join('\n\n')}\n`, severity: s.outcome };
}

function checksPart(report: ExpectationReport, file: string | null): string {
  const failed = [...report.checks.filter((c) => !c.passed)].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  const where = (c: CheckResult) => (file && c.line ? `${file}:${c.line}` : '');
  const lines: string[] = [`#### Expectations${file ? ` (${codeSpan(file)})` : ''}`];
  if (failed.length === 0) {
    lines.push(`${statusBadge('pass')}: all ${report.checks.length} checks passed.`);
  } else {
    const rows = failed
      .slice(0, MAX_FAILED_ROWS)
      .map((c) => [
        statusBadge(c.severity === 'error' ? 'fail' : 'warn').split(' ')[0]!,
        { markdown: `${c.column === null ? 'table' : codeSpan(c.column, { table: true })} ${escapeText(c.check)}` },
        c.expected,
        c.observed,
        { markdown: c.samples.map((v) => codeSpan(sample(v), { table: true })).join(', ') },
        where(c),
      ]);
    lines.push(renderTable(['', 'check', 'expected', 'observed', 'failing values', 'where'], rows));
    if (failed.length > MAX_FAILED_ROWS)
      lines.push(`… and ${failed.length - MAX_FAILED_ROWS} more failed checks (see the report file).`);
  }
  const passed = report.checks.filter((c) => c.passed);
  if (passed.length > 0 && failed.length > 0) {
    lines.push(
      collapsible(
        `${passed.length} passed checks`,
        passed
          .map(
            (c) => `- ${c.column === null ? 'table' : codeSpan(c.column)} ${escapeText(`${c.check}: ${c.expected}`)}`,
          )
          .join('\n'),
      ),
    );
  }
  return lines.join('\n\n');
}

function driftPart(drift: DriftReport, file: string | null): string {
  const lines: string[] = [`#### Drift${file ? ` against ${codeSpan(file)}` : ''}`];
  const verdict = drift.datasetDrift
    ? `${statusBadge('fail', 'data set drifted')}: ${formatPercent(drift.driftedShare)} of compared columns drifted (limit ${formatPercent(drift.options.datasetDriftShare)}).`
    : `${drift.driftedCount > 0 ? statusBadge('warn', 'some columns drifted') : statusBadge('pass', 'no drift')}: ${drift.driftedCount} of ${drift.comparedCount} compared columns drifted.`;
  lines.push(verdict);
  const compared = drift.columns.filter((c) => c.skipped === null || c.drifted);
  const ranked = [...compared]
    .sort((a, b) => Number(b.drifted) - Number(a.drifted) || ratio(b) - ratio(a))
    .slice(0, MAX_DRIFT_ROWS);
  if (ranked.length > 0) {
    lines.push(
      renderTable(
        ['column', 'method', 'effect', 'threshold', 'q-value', 'n ref / now', 'verdict'],
        ranked.map((c) => [
          { markdown: codeSpan(c.column, { table: true }) },
          c.skipped ?? c.method,
          c.skipped ? '' : formatNumber(c.effect),
          c.skipped ? '' : formatNumber(c.threshold),
          c.skipped ? '' : formatNumber(c.qValue),
          c.skipped ? '' : `${c.referenceCount.toLocaleString('en-US')} / ${c.currentCount.toLocaleString('en-US')}`,
          c.drifted ? '⚠️ drifted' : 'stable',
        ]),
      ),
    );
  }
  if (drift.findings.length > 0) lines.push(drift.findings.map((f) => `- ${escapeText(f)}`).join('\n'));
  const charts = ranked.filter((c) => c.drifted && c.bins.labels.length > 1).slice(0, MAX_CHARTS);
  for (const c of charts) {
    lines.push(
      histogramComparison(
        `${c.column}: share of rows`,
        c.bins.labels,
        c.bins.reference.map(round),
        c.bins.current.map(round),
      ),
    );
  }
  const skipped = drift.columns.filter((c) => c.skipped !== null && !c.drifted);
  if (skipped.length > 0)
    lines.push(
      `Not compared: ${skipped.map((c) => `${codeSpan(c.column)} (${escapeText(c.skipped ?? '')})`).join(', ')}.`,
    );
  return lines.join('\n\n');
}

/** A failing value as shown: the first 40 characters (whole code points). */
function sample(value: string): string {
  const chars = Array.from(value);
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value;
}

function ratio(c: ColumnDrift): number {
  return c.threshold > 0 ? c.effect / c.threshold : 0;
}

function round(v: number): number {
  return Number(v.toFixed(4));
}
