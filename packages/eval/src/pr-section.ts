// The validation section of the PR report: verdict and failed gates first,
// then the metric diff table with intervals, slices, confusion matrices,
// latency and charts. Plain markdown + mermaid, no image host.
import {
  barChart,
  codeBlock,
  codeSpan,
  collapsible,
  escapeText,
  formatNumber,
  renderTable,
  statusBadge,
} from '@mlship/report';
import type { ReportSection } from '@mlship/report';
import { METRIC_LABELS, higherIsBetter } from './metric-names.ts';
import type { GateOutcome } from './gates.ts';
import type { MetricRow, ValidationResult } from './result.ts';

const f = (x: number) => formatNumber(x, { significantDigits: 4 });
const signed = (x: number) => (Number.isFinite(x) && x > 0 ? `+${f(x)}` : f(x));

/** Direction-aware verdict of one metric row: is the change real, and is it better or worse? */
function rowVerdict(row: MetricRow): string {
  const [lo, hi] = row.deltaCi;
  if (!(lo > 0 || hi < 0)) return '≈ no clear change';
  const better = lo > 0 === higherIsBetter(row.metric);
  return better ? '▲ better' : '▼ worse';
}

function gateLine(g: GateOutcome): string {
  const sliced = (g.kind === 'floor' || g.kind === 'non-inferiority') && g.scope !== 'all rows';
  const scope = sliced ? ` — ${escapeText(g.scope)}` : '';
  return `- ${statusBadge(g.verdict).split(' ')[0]} **${escapeText(g.gate)}**${scope}: ${escapeText(g.reason)}`;
}

export function metricTable(rows: readonly MetricRow[], confidence: number): string {
  return renderTable(
    ['Metric', 'Baseline', 'Candidate', 'Δ', `${Math.round(confidence * 100)}% CI of Δ`, 'Verdict'],
    rows.map((r) => [
      METRIC_LABELS[r.metric],
      f(r.baseline),
      f(r.candidate),
      signed(r.delta),
      `[${signed(r.deltaCi[0])}, ${signed(r.deltaCi[1])}]`,
      rowVerdict(r),
    ]),
    { align: ['left', 'right', 'right', 'right', 'right', 'left'] },
  );
}

/** A first version's metrics: its own values and intervals, with nothing to compare them to. */
export function firstVersionMetricTable(rows: readonly MetricRow[], confidence: number): string {
  return renderTable(
    ['Metric', 'Candidate', `${Math.round(confidence * 100)}% CI`],
    rows.map((r) => [METRIC_LABELS[r.metric], f(r.candidate), `[${f(r.candidateCi[0])}, ${f(r.candidateCi[1])}]`]),
    { align: ['left', 'right', 'right'] },
  );
}

/** The section; with a model card, it is appended collapsed (front matter shown as a YAML block). */
export function validationSection(result: ValidationResult, modelCardMarkdown?: string): ReportSection {
  if (result.firstVersion) return firstVersionSection(result, result.firstVersion, modelCardMarkdown);
  const parts: string[] = [];
  const failed = result.gates.filter((g) => g.verdict === 'fail');
  const inconclusive = result.gates.filter((g) => g.verdict === 'inconclusive');
  const passed = result.gates.filter((g) => g.verdict === 'pass');
  const head = `**${statusBadge(result.verdict)}** — candidate ${codeSpan(result.candidate.source)} vs baseline ${codeSpan(result.baseline.source)}${result.baseline.version ? ` (${escapeText(result.baseline.version)})` : ''} on ${result.data.rows.toLocaleString('en-US')} holdout rows (${codeSpan(result.data.source)}, label ${codeSpan(result.label)}).`;
  parts.push(head);
  if (failed.length) parts.push(`**Failed gates**\n\n${failed.map(gateLine).join('\n')}`);
  if (inconclusive.length) parts.push(`**Inconclusive gates**\n\n${inconclusive.map(gateLine).join('\n')}`);
  if (passed.length)
    parts.push(
      collapsible(`${passed.length} gate${passed.length === 1 ? '' : 's'} passed`, passed.map(gateLine).join('\n')),
    );
  if (!result.gates.length) parts.push('_No gates configured: the policy only reports._');
  const notes = result.signatureChanges.filter((c) => !c.breaking);
  if (notes.length) parts.push(`Signature notes: ${escapeText(notes.map((c) => c.message).join('; '))}.`);

  parts.push(
    `**Metrics** (paired bootstrap, ${result.bootstrap.replicates} replicates, seed ${result.bootstrap.seed}${result.bootstrap.resampledRows < result.data.rows ? `, drawn on ${result.bootstrap.resampledRows.toLocaleString('en-US')} rows and rescaled` : ''})\n\n${metricTable(result.metrics, result.bootstrap.confidence)}${notComputedNote(result)}`,
  );
  if (result.mcnemar) {
    const m = result.mcnemar;
    parts.push(
      `McNemar (${escapeText(m.method)}): baseline-only correct ${m.baselineOnly.toLocaleString('en-US')}, candidate-only correct ${m.candidateOnly.toLocaleString('en-US')}, p = ${formatNumber(m.pValue, { significantDigits: 3 })}${m.pValue < 1 - result.bootstrap.confidence ? ' — the accuracy difference is real' : ' — no significant accuracy difference'}.`,
    );
  }
  if (result.slices.length) parts.push(sliceTable(result));
  const charts: string[] = [];
  const headline = result.task === 'classification' ? 'accuracy' : 'mae';
  const sliceBars = result.slices
    .map((s) => ({ label: s.name, value: s.metrics.find((m) => m.metric === headline)?.delta ?? Number.NaN }))
    .filter((b) => Number.isFinite(b.value));
  if (sliceBars.length > 1)
    charts.push(
      barChart(
        `Δ ${METRIC_LABELS[headline]} by slice (candidate − baseline)`,
        sliceBars,
        `Δ ${METRIC_LABELS[headline]}`,
      ),
    );
  if (result.latency.length)
    charts.push(
      barChart(
        'Candidate p95 latency by batch size (ms)',
        result.latency
          .filter((l) => l.model === 'candidate')
          .map((l) => ({ label: `batch ${l.batchSize}`, value: l.p95Ms })),
        'ms',
      ),
    );
  if (result.confusion)
    parts.push(collapsible('Confusion matrices (rows: true class, columns: predicted)', confusionTables(result)));
  if (result.perClass) parts.push(collapsible('Per-class precision / recall / F1', perClassTable(result)));
  if (result.latency.length) parts.push(collapsible('Latency on this runner', latencyTable(result)));
  if (charts.length) parts.push(collapsible('Charts', charts.join('\n\n')));
  if (modelCardMarkdown) parts.push(collapsible('Model card', cardForComment(modelCardMarkdown)));
  return {
    id: 'validation',
    title: 'Model validation',
    severity: result.verdict,
    markdown: parts.join('\n\n'),
  };
}

/**
 * Day one: nothing is in the stage the baseline names. The verdict is the
 * gates that judge the candidate alone; the metrics are its own, with their
 * intervals; the comparisons the policy asks for start with the next version.
 */
function firstVersionSection(
  result: ValidationResult,
  first: NonNullable<ValidationResult['firstVersion']>,
  modelCardMarkdown: string | undefined,
): ReportSection {
  const floors = result.gates.filter((g) => g.kind === 'floor');
  const parts = [
    `**${statusBadge(result.verdict)}** — **first version**: there is no ${codeSpan(result.baseline.source)} to compare with yet, so candidate ${codeSpan(result.candidate.source)} is judged on the policy's absolute floors, budgets and sanity checks on ${result.data.rows.toLocaleString('en-US')} holdout rows (${codeSpan(result.data.source)}, label ${codeSpan(result.label)}).`,
    `The registry: ${escapeText(first.reason)}.`,
  ];
  const failed = result.gates.filter((g) => g.verdict === 'fail');
  const inconclusive = result.gates.filter((g) => g.verdict === 'inconclusive');
  const passed = result.gates.filter((g) => g.verdict === 'pass');
  if (failed.length) parts.push(`**Failed gates**\n\n${failed.map(gateLine).join('\n')}`);
  if (inconclusive.length) parts.push(`**Inconclusive gates**\n\n${inconclusive.map(gateLine).join('\n')}`);
  if (passed.length) parts.push(`**Passed gates**\n\n${passed.map(gateLine).join('\n')}`);
  if (!floors.length)
    parts.push(
      '_The policy sets no absolute floor (`metric >= value`), so nothing here says this model is good enough: add one._',
    );
  if (first.notApplicable.length)
    parts.push(
      `Not applicable until a version is in production: ${first.notApplicable.map((g) => `**${escapeText(g)}**`).join(', ')}.`,
    );
  parts.push(
    `**Metrics** (bootstrap, ${result.bootstrap.replicates} replicates, seed ${result.bootstrap.seed})\n\n${firstVersionMetricTable(result.metrics, result.bootstrap.confidence)}${notComputedNote(result)}`,
  );
  const headline = result.task === 'classification' ? 'accuracy' : 'mae';
  const sliceRows = result.slices.flatMap((s) => {
    const m = s.metrics.find((x) => x.metric === headline);
    return m
      ? [[s.name, s.rows.toLocaleString('en-US'), f(m.candidate), `[${f(m.candidateCi[0])}, ${f(m.candidateCi[1])}]`]]
      : [];
  });
  if (sliceRows.length)
    parts.push(
      `**Slices** (${METRIC_LABELS[headline]})\n\n${renderTable(['Slice', 'Rows', 'Candidate', 'CI'], sliceRows, { align: ['left', 'right', 'right', 'right'] })}`,
    );
  if (result.confusion)
    parts.push(
      collapsible(
        'Confusion matrix (rows: true class, columns: predicted)',
        confusionTable(result.confusion.classes, result.confusion.candidate),
      ),
    );
  if (result.latency.length) parts.push(collapsible('Latency on this runner', latencyTable(result)));
  if (modelCardMarkdown) parts.push(collapsible('Model card', cardForComment(modelCardMarkdown)));
  return { id: 'validation', title: 'Model validation', severity: result.verdict, markdown: parts.join('\n\n') };
}

/** Metrics that could not be computed are named with the reason, never left out silently. */
function notComputedNote(result: ValidationResult): string {
  const missing = result.notComputed ?? [];
  if (!missing.length) return '';
  return `\n\nNot computed: ${missing.map((m) => `${METRIC_LABELS[m.metric]} (${m.reason})`).join('; ')}.`;
}

function sliceTable(result: ValidationResult): string {
  const metric = result.task === 'classification' ? 'accuracy' : 'mae';
  const rows = result.slices.map((s) => {
    const m = s.metrics.find((x) => x.metric === metric);
    const gates = result.gates.filter((g) => g.scope === s.name);
    const verdict = gates.some((g) => g.verdict === 'fail')
      ? '❌'
      : gates.some((g) => g.verdict === 'inconclusive')
        ? '❔'
        : gates.length
          ? '✅'
          : '';
    return [
      s.name,
      s.rows.toLocaleString('en-US'),
      m ? f(m.baseline) : 'n/a',
      m ? f(m.candidate) : 'n/a',
      m ? signed(m.delta) : 'n/a',
      m ? `[${signed(m.deltaCi[0])}, ${signed(m.deltaCi[1])}]` : '',
      verdict,
    ];
  });
  return `**Slices** (${METRIC_LABELS[metric]})\n\n${renderTable(['Slice', 'Rows', 'Baseline', 'Candidate', 'Δ', 'CI of Δ', 'Gates'], rows, { align: ['left', 'right', 'right', 'right', 'right', 'right', 'center'] })}`;
}

function confusionTable(classes: string[], matrix: number[][]): string {
  return renderTable(
    ['true \\ predicted', ...classes],
    matrix.map((row, i) => [classes[i]!, ...row.map((v) => v.toLocaleString('en-US'))]),
  );
}

function confusionTables(result: ValidationResult): string {
  const { classes, baseline, candidate } = result.confusion!;
  return `Baseline\n\n${confusionTable(classes, baseline)}\n\nCandidate\n\n${confusionTable(classes, candidate)}`;
}

function perClassTable(result: ValidationResult): string {
  return renderTable(
    ['Class', 'Support', 'Precision (b → c)', 'Recall (b → c)', 'F1 (b → c)'],
    result.perClass!.map((p) => [
      p.class,
      p.support.toLocaleString('en-US'),
      `${f(p.baseline.precision)} → ${f(p.candidate.precision)}`,
      `${f(p.baseline.recall)} → ${f(p.candidate.recall)}`,
      `${f(p.baseline.f1)} → ${f(p.candidate.f1)}`,
    ]),
  );
}

function latencyTable(result: ValidationResult): string {
  return renderTable(
    ['Model', 'Batch', 'p50 ms', 'p95 ms', 'p99 ms', 'rows/s'],
    result.latency.map((l) => [
      l.model,
      l.batchSize,
      f(l.p50Ms),
      f(l.p95Ms),
      f(l.p99Ms),
      Math.round(l.rowsPerSecond).toLocaleString('en-US'),
    ]),
    { align: ['left', 'right', 'right', 'right', 'right', 'right'] },
  );
}

/**
 * Front matter would render as a rule and a heading inside a comment; show it
 * as YAML (in a fence no value can close), and nest the headings. The card's
 * text is escaped by buildModelCard, so every line starting with `#` is ours.
 */
function cardForComment(card: string): string {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  const body = (match ? card.slice(match[0].length) : card).replace(
    /^(#{1,4}) /gm,
    (_, hashes: string) => `${hashes}## `,
  );
  return match ? `${codeBlock(match[1]!, 'yaml')}\n\n${body}` : body;
}
