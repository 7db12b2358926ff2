// The training section of the PR report and job summary: how the run ended,
// its final metrics and their curves, what it used (GPUs, energy, cost),
// which GPUs idled and why, its checkpoints, and where it came from. Every
// string from the run (metric names, GPU and runner names, paths, cache keys
// that carry branch names, the command and its output) goes through the
// report's escapers. Pure.
import {
  codeBlock,
  codeSpan,
  collapsible,
  escapeText,
  formatNumber,
  renderTable,
  unicodeBar,
  xyChart,
  type ReportSection,
} from '@mlship/report';
import type { LineageData } from '@mlship/registry';
import type { CheckpointSave } from './checkpoint/checkpoint-saver.ts';
import type { GpuReading } from './gpu/gpu-types.ts';
import type { SeriesPoint, SkippedLine } from './metrics-log.ts';
import type { ReproducibilityReport } from './reproducibility.ts';
import type { TelemetryPoint } from './telemetry.ts';
import type { TelemetrySummary } from './telemetry-summary.ts';
import { formatElapsed } from './training-run.ts';

export type TrainingOutcome = 'running' | 'succeeded' | 'failed' | 'timed-out' | 'cancelled';

export interface TrainingReport {
  model: string;
  outcome: TrainingOutcome;
  command: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** One line: why the run failed, when it did. */
  failure?: string;
  /** The last lines the command printed, shown when it failed. */
  lastLines: readonly string[];
  runner: { name?: string | undefined };
  gpus: readonly GpuReading[];
  driverVersion?: string | undefined;
  cudaVersion?: string | undefined;
  metrics: {
    final: Record<string, { value: number; step?: number }>;
    series: Record<string, readonly SeriesPoint[]>;
    skipped: number;
    skippedExamples: readonly SkippedLine[];
  };
  telemetry: TelemetrySummary & { series: readonly TelemetryPoint[] };
  checkpoint?: {
    dir: string;
    store: string;
    restoredFrom?: string | undefined;
    restoreFailure?: string | undefined;
    saves: readonly CheckpointSave[];
  };
  reproducibility?: ReproducibilityReport;
  lineage?: {
    commit?: string | undefined;
    data: readonly LineageData[];
    lockfiles: readonly { path: string }[];
    containerImage?: string | undefined;
    seed?: number | undefined;
  };
}

const MAX_CHART_POINTS = 24;
const MAX_CHARTS = 4;
const MAX_TABLE_METRICS = 20;
const GIB = 1024 ** 3;

/** At most `max` points, evenly picked, the last always kept. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]!);
  return out;
}

function headline(report: TrainingReport): string {
  const took = formatElapsed(report.durationMs);
  const where = report.gpus.length ? ` on ${report.gpus.length} × ${escapeText(report.gpus[0]!.name)}` : ' on the CPU';
  const runner = report.runner.name ? ` (runner ${codeSpan(report.runner.name)})` : '';
  const versions = [
    report.driverVersion && `driver ${escapeText(report.driverVersion)}`,
    report.cudaVersion && `CUDA ${escapeText(report.cudaVersion)}`,
  ]
    .filter(Boolean)
    .join(', ');
  const machine = `${where}${runner}${versions ? `, ${versions}` : ''}`;
  switch (report.outcome) {
    case 'running':
      return `**Training** for ${took}${machine}`;
    case 'succeeded':
      return `**Trained** ${codeSpan(report.model)} in ${took}${machine}`;
    case 'timed-out':
      return `**Stopped at its time limit** after ${took}${machine}`;
    case 'cancelled':
      return `**Cancelled** after ${took}${machine}`;
    case 'failed':
      return `**Failed** after ${took}${machine}`;
  }
}

function metricsPart(report: TrainingReport): string[] {
  const entries = Object.entries(report.metrics.final);
  const parts: string[] = [];
  if (entries.length === 0) {
    parts.push(
      'No metrics were reported (write JSON Lines to `$MLSHIP_METRICS_FILE` or file descriptor `$MLSHIP_METRICS_FD`).',
    );
  } else {
    const rows = entries
      .slice(0, MAX_TABLE_METRICS)
      .map(([name, point]) => [
        { markdown: codeSpan(name, { table: true }) },
        formatNumber(point.value, { significantDigits: 4 }),
        point.step === undefined ? '' : point.step,
      ]);
    parts.push(
      renderTable(['metric', report.outcome === 'running' ? 'latest' : 'final', 'step'], rows, {
        align: ['left', 'right', 'right'],
      }),
    );
    if (entries.length > MAX_TABLE_METRICS)
      parts.push(`${entries.length - MAX_TABLE_METRICS} more metrics are in metrics.json.`);
  }
  const charts = chartedMetrics(report.metrics.series).map(([name, series]) => {
    const points = thin(series, MAX_CHART_POINTS);
    return xyChart({
      title: name,
      categories: points.map((p) => String(p.step)),
      series: [{ kind: 'line', values: points.map((p) => p.value) }],
    });
  });
  if (charts.length)
    parts.push(collapsible('Metrics by step', charts.join('\n\n'), { open: report.outcome === 'running' }));
  if (report.metrics.skipped > 0) {
    const first = report.metrics.skippedExamples[0];
    const example = first
      ? ` The first, line ${first.line}: ${codeSpan(first.text)} (${escapeText(first.reason)}).`
      : '';
    parts.push(
      `⚠️ ${report.metrics.skipped} metrics lines were not \`{"step", "name", "value"}\` JSON and were skipped.${example}`,
    );
  }
  return parts;
}

/** Losses and evaluation metrics first: the curves a reviewer looks for. */
function chartedMetrics(series: Record<string, readonly SeriesPoint[]>): [string, readonly SeriesPoint[]][] {
  const rank = (name: string) => (/loss/i.test(name) ? 0 : /acc|f1|auc|eval|val/i.test(name) ? 1 : 2);
  return Object.entries(series)
    .filter(([, points]) => points.length >= 2)
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .slice(0, MAX_CHARTS);
}

function gib(mib: number): string {
  return formatNumber(mib / 1024, { significantDigits: 3 });
}

function resourcesPart(report: TrainingReport): string[] {
  const t = report.telemetry;
  const parts: string[] = [];
  if (t.gpus.length) {
    const rows = t.gpus.map((gpu) => [
      { markdown: `${gpu.index} · ${escapeText(gpu.name)}` },
      gpu.meanUtilizationPercent === null
        ? 'not reported'
        : {
            markdown: `${formatNumber(gpu.meanUtilizationPercent)}% ${unicodeBar(gpu.meanUtilizationPercent, 100, 8)}`,
          },
      gpu.peakMemoryMiB === null
        ? 'not reported'
        : `${gib(gpu.peakMemoryMiB)}${gpu.memoryTotalMiB === null ? '' : ` of ${gib(gpu.memoryTotalMiB)}`} GiB`,
      gpu.energyWh === null ? 'not reported' : `${formatNumber(gpu.energyWh)} Wh`,
      gpu.peakTemperatureC === null ? '' : `${gpu.peakTemperatureC} °C`,
    ]);
    parts.push(
      renderTable(['GPU', 'mean utilisation', 'peak memory', 'energy', 'peak temperature'], rows, {
        align: ['left', 'right', 'right', 'right', 'right'],
      }),
    );
  }
  const facts = [
    t.host.meanCpuPercent === null ? undefined : `host CPUs ${formatNumber(t.host.meanCpuPercent)}% busy on average`,
    t.host.memoryTotalBytes
      ? `host memory at most ${formatNumber(t.host.peakMemoryUsedBytes / GIB)} of ${formatNumber(t.host.memoryTotalBytes / GIB)} GiB`
      : undefined,
    t.gpus.length ? `${formatNumber(t.gpuHours, { significantDigits: 3 })} GPU-hours` : undefined,
    t.energyKWh === null ? undefined : `${formatNumber(t.energyKWh, { significantDigits: 3 })} kWh`,
    t.cost
      ? `≈ ${formatNumber(t.cost.amount, { significantDigits: 3 })} ${escapeText(t.cost.currency)} at ${formatNumber(t.cost.hourlyRate)} ${escapeText(t.cost.currency)} per GPU-hour`
      : undefined,
    `${t.samples} samples`,
  ].filter(Boolean);
  parts.push(facts.join(' · '));
  for (const idle of t.idle) parts.push(`> ⚠️ GPU ${idle.index}: ${escapeText(idle.reason)}`);
  const points = thin(t.series, MAX_CHART_POINTS);
  if (t.gpus.length && points.length >= 2) {
    const chart = xyChart({
      title: 'GPU utilisation (%)',
      categories: points.map((p) => formatElapsed(p.atMs)),
      yRange: [0, 100],
      series: t.gpus.map((_, i) => ({
        kind: 'line' as const,
        values: points.map((p) => p.gpuUtilizationPercent[i] ?? 0),
      })),
    });
    const memory = xyChart({
      title: 'GPU memory used (GiB)',
      categories: points.map((p) => formatElapsed(p.atMs)),
      series: t.gpus.map((_, i) => ({
        kind: 'line' as const,
        values: points.map((p) => (p.gpuMemoryUsedMiB[i] ?? 0) / 1024),
      })),
    });
    parts.push(collapsible('GPUs over time', `${chart}\n\n${memory}`));
  }
  return parts;
}

function bytes(size: number): string {
  if (size >= GIB) return `${formatNumber(size / GIB)} GiB`;
  if (size >= 1024 ** 2) return `${formatNumber(size / 1024 ** 2)} MiB`;
  return `${formatNumber(size / 1024)} KiB`;
}

function checkpointPart(report: TrainingReport): string[] {
  const c = report.checkpoint;
  if (!c) return [];
  const where = `${codeSpan(c.dir)} in ${escapeText(c.store)}`;
  const parts = [
    c.restoredFrom
      ? `Resumed from ${codeSpan(c.restoredFrom)}; checkpoints ${where}.`
      : c.restoreFailure
        ? `Started from scratch: the checkpoint store failed (${escapeText(c.restoreFailure)}).`
        : `Started from scratch (no checkpoint of this model, branch and config yet); checkpoints ${where}.`,
  ];
  if (c.saves.length) {
    const rows = c.saves.map((save) => [
      { markdown: codeSpan(save.key, { table: true }) },
      save.trigger,
      bytes(save.sizeBytes),
      save.files,
      `${formatNumber(save.durationMs / 1000)} s`,
      save.stored ? 'saved' : `not saved: ${save.message ?? ''}`,
    ]);
    parts.push(
      renderTable(['key', 'when', 'size', 'files', 'time', 'result'], rows, {
        align: ['left', 'left', 'right', 'right', 'right', 'left'],
      }),
    );
  } else if (report.outcome !== 'running') {
    parts.push('No checkpoint was saved: the command wrote nothing to the checkpoint directory.');
  }
  return parts;
}

function failurePart(report: TrainingReport): string[] {
  if (report.outcome === 'succeeded' || report.outcome === 'running') return [];
  const parts = report.failure ? [escapeText(report.failure)] : [];
  if (report.lastLines.length)
    parts.push(collapsible('Last lines of output', codeBlock(report.lastLines.join('\n')), { open: true }));
  return parts;
}

function reproducibilityPart(report: TrainingReport): string[] {
  const r = report.reproducibility;
  if (!r) return [];
  const verdict = {
    identical: '✅ Two runs gave bit-identical files and identical metrics.',
    'same-metrics': '⚠️ Two runs gave identical metrics but different files.',
    different: '⚠️ Two runs differ.',
  }[r.verdict];
  const gap = r.largestCurveGap
    ? ` Largest gap between the curves: ${formatNumber(r.largestCurveGap.absoluteDifference, { significantDigits: 3 })} in ${codeSpan(r.largestCurveGap.name)} at step ${r.largestCurveGap.step}.`
    : '';
  const metricRows = r.metrics.map((m) => [
    { markdown: codeSpan(m.name, { table: true }) },
    m.first === undefined ? 'missing' : formatNumber(m.first, { significantDigits: 6 }),
    m.second === undefined ? 'missing' : formatNumber(m.second, { significantDigits: 6 }),
    m.absoluteDifference === undefined ? '' : formatNumber(m.absoluteDifference, { significantDigits: 3 }),
    m.relativeDifference === undefined ? '' : `${formatNumber(m.relativeDifference * 100, { significantDigits: 3 })}%`,
  ]);
  const fileRows = r.files.map((f) => [
    { markdown: codeSpan(f.path, { table: true }) },
    { markdown: f.first ? codeSpan(f.first.slice(0, 12)) : 'missing' },
    { markdown: f.second ? codeSpan(f.second.slice(0, 12)) : 'missing' },
    f.same ? 'same' : 'differs',
  ]);
  const parts = [`**Reproducibility** ${verdict}${gap}`];
  if (metricRows.length)
    parts.push(
      renderTable(['metric', 'run 1', 'run 2', 'difference', 'relative'], metricRows, {
        align: ['left', 'right', 'right', 'right', 'right'],
      }),
    );
  if (fileRows.length) parts.push(renderTable(['file', 'run 1 sha256', 'run 2 sha256', ''], fileRows));
  return parts;
}

function lineagePart(report: TrainingReport): string[] {
  const l = report.lineage;
  if (!l) return [];
  const lines = [
    `- command: ${codeSpan(report.command)}`,
    l.commit ? `- commit: ${codeSpan(l.commit)}` : undefined,
    l.seed === undefined ? undefined : `- seed: ${l.seed}`,
    l.containerImage ? `- image: ${codeSpan(l.containerImage)}` : undefined,
    l.lockfiles.length ? `- lockfiles: ${l.lockfiles.map((f) => codeSpan(f.path)).join(', ')}` : undefined,
    ...l.data.map((d) => {
      const id = d.sha256 ? `sha256 ${codeSpan(d.sha256.slice(0, 12))}` : d.md5 ? `md5 ${codeSpan(d.md5)}` : '';
      return `- data ${codeSpan(d.path)}: ${escapeText(d.kind)} ${id}${d.files === undefined ? '' : `, ${d.files} files`}`;
    }),
  ].filter(Boolean);
  return [collapsible('Lineage (lineage.json)', lines.join('\n'))];
}

export function trainingSection(report: TrainingReport): ReportSection {
  const severity =
    report.outcome === 'running'
      ? 'info'
      : report.outcome !== 'succeeded'
        ? 'fail'
        : report.telemetry.idle.length || report.metrics.skipped || report.reproducibility?.verdict === 'different'
          ? 'warn'
          : 'pass';
  const markdown = [
    headline(report),
    ...failurePart(report),
    ...metricsPart(report),
    ...resourcesPart(report),
    ...checkpointPart(report),
    ...reproducibilityPart(report),
    ...lineagePart(report),
  ].join('\n\n');
  return { id: 'training', title: `Training · ${report.model}`, markdown, severity };
}
