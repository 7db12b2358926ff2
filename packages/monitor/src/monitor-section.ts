// The monitoring section (job summary, tracking issue, retraining PR): the
// window at a glance, what fired, quality estimated beside realised, the
// calibration behind the estimate, and the drifted columns. Every string from
// data, files or config goes through the report package's escapers.
import { codeSpan, escapeText, formatNumber, renderTable, statusBadge, type ReportSection } from '@mlship/report';
import type { ColumnDrift, DriftReport } from '@mlship/data';
import type { MonitorVerdict, QualityRow } from './monitor-verdict.ts';
import type { CalibrationCheck } from './calibration.ts';

export interface MonitorSummary {
  /** The model as the registry names it, and the version judged. */
  model: string;
  version: string | null;
  data: string;
  rows: number;
  labelledRows: number;
  fileCount: number;
  modelAgeDays: number | null;
  verdict: MonitorVerdict;
  calibration: CalibrationCheck | null;
  featureDrift: DriftReport | null;
  predictionDrift: DriftReport | null;
}

const MAX_DRIFT_ROWS = 10;

const SEVERITY: Record<MonitorVerdict['status'], ReportSection['severity']> = {
  'no-traffic': 'warn',
  'too-little-traffic': 'inconclusive',
  healthy: 'pass',
  degraded: 'fail',
};

const HEADLINE: Record<MonitorVerdict['status'], string> = {
  'no-traffic': 'No traffic: the window holds no served rows, so this is not a pass.',
  'too-little-traffic': 'Too little traffic to judge drift or quality.',
  healthy: 'Healthy: no trigger fired.',
  degraded: 'Retraining triggered.',
};

export function monitorSection(s: MonitorSummary): ReportSection {
  const parts: string[] = [];
  const facts = [
    `${codeSpan(s.version ? `${s.model}@${s.version}` : s.model)}`,
    `window ${codeSpan(s.data)}`,
    `${s.rows.toLocaleString('en-US')} rows in ${s.fileCount} ${s.fileCount === 1 ? 'file' : 'files'}`,
    `${s.labelledRows.toLocaleString('en-US')} labelled`,
  ];
  if (s.modelAgeDays !== null) facts.push(`model age ${formatNumber(s.modelAgeDays)} days`);
  parts.push(facts.join(' · '));
  parts.push(`**${escapeText(HEADLINE[s.verdict.status])}**`);
  if (s.verdict.triggers.length > 0)
    parts.push(
      s.verdict.triggers.map((t) => `- ${statusBadge('fail', escapeText(`${t.kind}: ${t.message}`))}`).join('\n'),
    );
  if (s.verdict.quality.length > 0) parts.push(qualityPart(s.verdict.quality, s.verdict.estimateReliable));
  if (s.calibration) parts.push(calibrationPart(s.calibration));
  if (s.featureDrift) parts.push(driftPart('Input drift', s.featureDrift));
  if (s.predictionDrift) parts.push(driftPart('Prediction drift', s.predictionDrift));
  if (s.verdict.notes.length > 0) parts.push(s.verdict.notes.map((n) => `- ${escapeText(n)}`).join('\n'));
  return {
    id: 'monitor',
    title: `Monitoring: ${s.model}`,
    markdown: `${parts.join('\n\n')}\n`,
    severity: SEVERITY[s.verdict.status],
  };
}

const value = (v: number | null) => (v === null ? '—' : formatNumber(v));

function qualityPart(rows: readonly QualityRow[], reliable: boolean): string {
  const table = renderTable(
    [
      'metric',
      reliable ? 'estimated (all rows)' : 'estimated (unreliable)',
      'estimated (labelled rows)',
      'realised',
      'floor',
      'judged on',
      '',
    ],
    rows.map((r) => [
      r.metric,
      value(r.estimated),
      value(r.estimatedOnLabelled),
      value(r.realised),
      value(r.floor),
      r.judgedOn ?? '—',
      r.passed === null ? '' : statusBadge(r.passed ? 'pass' : 'fail').split(' ')[0]!,
    ]),
  );
  return `#### Quality\n\n${table}\n\nEstimated values come from the model's own probabilities (confidence-based performance estimation); they hold under covariate shift for a calibrated model, not when the relation between inputs and labels changed.`;
}

function calibrationPart(c: CalibrationCheck): string {
  const badge = c.status === 'calibrated' ? 'pass' : c.status === 'miscalibrated' ? 'fail' : 'inconclusive';
  return `#### Calibration\n\n${statusBadge(badge, escapeText(c.status))}: ECE ${formatNumber(c.ece)} (${Math.round(c.confidence * 100)}% interval ${formatNumber(c.interval[0])} to ${formatNumber(c.interval[1])}) on ${c.rows.toLocaleString('en-US')} holdout rows, tolerance ${formatNumber(c.maxEce)}. ${escapeText(c.reason)}.`;
}

function driftPart(title: string, drift: DriftReport): string {
  const compared = drift.columns.filter((c) => c.skipped === null || c.drifted);
  const shown = [...compared]
    .sort(
      (a, b) => Number(b.drifted) - Number(a.drifted) || b.effect / (b.threshold || 1) - a.effect / (a.threshold || 1),
    )
    .slice(0, MAX_DRIFT_ROWS);
  const lines = [`#### ${escapeText(title)}`, `${drift.driftedCount} of ${drift.comparedCount} compared.`];
  if (shown.length > 0)
    lines.push(
      renderTable(
        ['column', 'method', 'effect', 'threshold', 'q-value', ''],
        shown.map((c: ColumnDrift) => [
          { markdown: codeSpan(c.column, { table: true }) },
          c.skipped ?? c.method,
          formatNumber(c.effect),
          formatNumber(c.threshold),
          formatNumber(c.qValue),
          c.drifted ? statusBadge('fail', 'drifted') : statusBadge('pass', 'stable'),
        ]),
      ),
    );
  if (drift.findings.length > 0)
    lines.push(
      drift.findings
        .slice(0, MAX_DRIFT_ROWS)
        .map((f) => `- ${escapeText(f)}`)
        .join('\n'),
    );
  return lines.join('\n\n');
}
