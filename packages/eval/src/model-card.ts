// A model card from a validation result: Mitchell et al. (2019) sections as
// markdown with Hugging Face `model-index` front matter, plus a JSON form
// (model-card-toolkit's layout) for the registry to attach at release.
import { stringify } from 'yaml';
import { codeSpan, escapeHeading, escapeProse, escapeText, formatNumber, renderTable } from '@mlship/report';
import { METRIC_LABELS } from './metric-names.ts';
import type { Policy } from './policy.ts';
import type { ValidationResult } from './result.ts';

export interface ModelCard {
  markdown: string;
  json: ModelCardJson;
}

export interface ModelCardJson {
  schemaVersion: 1;
  model_details: {
    name: string;
    overview: string;
    version?: string;
    sha256: string;
    size_bytes: number;
    license?: string;
  };
  considerations: { intended_use: string; factors: string; ethical_considerations: string; caveats: string };
  training_data: string;
  evaluation_data: { source: string; rows: number; label: string; features: string[] };
  quantitative_analysis: {
    performance_metrics: {
      type: string;
      value: number;
      slice: string;
      confidence_interval: { lower_bound: number; upper_bound: number };
    }[];
    baseline: { source: string; version?: string; metrics: Record<string, number> };
  };
  verdict: ValidationResult['verdict'];
}

const TODO = '_Not provided: add it under `model_card:` in the validation policy._';

export function buildModelCard(result: ValidationResult, card: Policy['model_card']): ModelCard {
  const name = card.name ?? result.candidate.source.replace(/^.*\//, '').replace(/\.onnx$/, '');
  const pipeline = result.task === 'classification' ? 'tabular-classification' : 'tabular-regression';
  const finite = result.metrics.filter((m) => Number.isFinite(m.candidate));
  const json: ModelCardJson = {
    schemaVersion: 1,
    model_details: {
      name,
      overview: card.overview ?? '',
      ...(result.candidate.version ? { version: result.candidate.version } : {}),
      sha256: result.candidate.sha256,
      size_bytes: result.candidate.sizeBytes,
      ...(card.license ? { license: card.license } : {}),
    },
    considerations: {
      intended_use: card.intended_use ?? '',
      factors: card.factors ?? '',
      ethical_considerations: card.ethical_considerations ?? '',
      caveats: card.caveats ?? '',
    },
    training_data: card.training_data ?? '',
    evaluation_data: {
      source: result.data.source,
      rows: result.data.rows,
      label: result.label,
      features: result.data.features,
    },
    quantitative_analysis: {
      performance_metrics: [
        ...finite.map((m) => ({
          type: m.metric,
          value: m.candidate,
          slice: 'all rows',
          confidence_interval: { lower_bound: m.candidateCi[0], upper_bound: m.candidateCi[1] },
        })),
        ...result.slices.flatMap((s) =>
          s.metrics
            .filter((m) => Number.isFinite(m.candidate))
            .map((m) => ({
              type: m.metric,
              value: m.candidate,
              slice: s.name,
              confidence_interval: { lower_bound: m.candidateCi[0], upper_bound: m.candidateCi[1] },
            })),
        ),
      ],
      baseline: {
        source: result.baseline.source,
        ...(result.baseline.version ? { version: result.baseline.version } : {}),
        // A first version had no baseline: its "baseline" numbers would be its own.
        metrics: result.firstVersion ? {} : Object.fromEntries(finite.map((m) => [m.metric, m.baseline])),
      },
    },
    verdict: result.verdict,
  };
  const frontMatter = {
    ...(card.license ? { license: card.license } : {}),
    library_name: 'onnx',
    pipeline_tag: pipeline,
    tags: ['mlship', 'onnx', pipeline],
    'model-index': [
      {
        name,
        results: [
          {
            task: {
              type: pipeline,
              name: result.task === 'classification' ? 'Tabular Classification' : 'Tabular Regression',
            },
            dataset: { type: result.data.source, name: result.data.source.replace(/^.*\//, ''), split: 'holdout' },
            metrics: finite.map((m) => ({
              type: m.metric,
              value: round(m.candidate),
              name: METRIC_LABELS[m.metric],
              verified: false,
            })),
          },
        ],
      },
    ],
  };
  const text = (value: string | undefined) => (value?.trim() ? escapeProse(value) : TODO);
  const f = (x: number) => formatNumber(x, { significantDigits: 4 });
  const metricRows = finite.map((m) => [
    METRIC_LABELS[m.metric],
    f(m.candidate),
    `[${f(m.candidateCi[0])}, ${f(m.candidateCi[1])}]`,
    ...(result.firstVersion ? [] : [f(m.baseline)]),
  ]);
  const headline = result.task === 'classification' ? 'accuracy' : 'mae';
  const sliceRows = result.slices.map((s) => {
    const m = s.metrics.find((x) => x.metric === headline);
    return [
      s.name,
      s.rows.toLocaleString('en-US'),
      m ? f(m.candidate) : 'n/a',
      m ? `[${f(m.candidateCi[0])}, ${f(m.candidateCi[1])}]` : '',
    ];
  });
  const markdown = [
    `---\n${stringify(frontMatter).trimEnd()}\n---`,
    `# Model card: ${escapeHeading(name)}`,
    `## Model Details\n\n${card.overview?.trim() ? escapeProse(card.overview) : `An ONNX ${result.task} model predicting ${codeSpan(result.label)}.`}\n\n- File: ${codeSpan(result.candidate.source)}${result.candidate.version ? ` (version ${escapeText(result.candidate.version)})` : ''}\n- sha256: ${codeSpan(result.candidate.sha256)}\n- Size: ${(result.candidate.sizeBytes / 1024).toFixed(1)} KiB\n- Validation verdict ${result.firstVersion ? `as the first version (no ${codeSpan(result.baseline.source)} yet)` : `against ${codeSpan(result.baseline.source)}`}: **${result.verdict}**${card.license ? `\n- License: ${escapeText(card.license)}` : ''}`,
    `## Intended Use\n\n${text(card.intended_use)}`,
    `## Factors\n\n${text(card.factors)}${result.slices.length ? `\n\nEvaluated slices: ${[...new Set(result.slices.map((s) => s.column))].map((c) => codeSpan(c)).join(', ')}.` : ''}`,
    `## Metrics\n\n${finite.map((m) => METRIC_LABELS[m.metric]).join(', ')}; ${Math.round(result.bootstrap.confidence * 100)}% intervals from a seeded paired bootstrap (${result.bootstrap.replicates} replicates, seed ${result.bootstrap.seed}).`,
    `## Evaluation Data\n\n${codeSpan(result.data.source)}: ${result.data.rows.toLocaleString('en-US')} rows, label ${codeSpan(result.label)}, features ${result.data.features.map((x) => codeSpan(x)).join(', ')}.`,
    `## Training Data\n\n${text(card.training_data)}`,
    `## Quantitative Analyses\n\n${renderTable(['Metric', 'Candidate', 'CI', ...(result.firstVersion ? [] : ['Baseline'])], metricRows)}${sliceRows.length ? `\n\nBy slice (${METRIC_LABELS[headline]}):\n\n${renderTable(['Slice', 'Rows', METRIC_LABELS[headline], 'CI'], sliceRows)}` : ''}`,
    `## Ethical Considerations\n\n${text(card.ethical_considerations)}${fairnessNote(result)}`,
    `## Caveats and Recommendations\n\n${text(card.caveats)}`,
  ].join('\n\n');
  return { markdown: `${markdown}\n`, json };
}

function fairnessNote(result: ValidationResult): string {
  const gates = result.gates.filter((g) => g.kind === 'fairness');
  return gates.length
    ? `\n\nFairness checks: ${escapeText(gates.map((g) => `${g.gate} — ${g.verdict} (${g.reason})`).join('; '))}.`
    : '';
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
