// Every report section rendered with every string slot filled from the
// hostile-string corpus (test/kit/hostile-strings.ts): nothing may escape into
// the comment, job summary or check run. A new section adds a test here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import {
  checkRunOutput,
  codeBlock,
  codeSpan,
  collapsible,
  composeReport,
  escapeHeading,
  escapeProse,
  escapeText,
  histogramComparison,
  markdownLink,
  renderSection,
  renderTable,
  truncateMarkdown,
  truncationNote,
  type ReportSection,
} from '@mlship/report';
import { dataTestSection, type CheckResult, type ColumnDrift, type DriftReport } from '@mlship/data';
import { buildModelCard, parsePolicy, validationSection, type ValidationResult } from '@mlship/eval';
import { commandSummary, lineageCardSection, type Lineage } from '@mlship/registry';
import { planRollout, rolloutReport, type Judgement, type RolloutEvent } from '@mlship/deploy';
import { trainingSection, type TrainingReport } from '@mlship/train';
import { monitorSection, trackingMarker, type MonitorSummary } from '@mlship/monitor';
import { assertRendersSafely, assertSafeMarkdown, HOSTILE_STRINGS, parseMarkdown } from './kit/hostile-strings.ts';

const RUN_URL = 'https://github.com/octo/churn/actions/runs/42';
const CONFIGURED = { allowedHosts: ['github.com'] };

test('each escaper keeps its context: paragraph, list item, heading, code span, table cell, summary, prose, code block', () => {
  assertRendersSafely((v) => `Before ${escapeText(v)} after.\n\n- ${escapeText(v)}\n- ${codeSpan(v)}\n`);
  assertRendersSafely((v) => `### ${escapeHeading(v)}\n\ntext\n`);
  assertRendersSafely((v) => renderTable(['name', 'code'], [[v, { markdown: codeSpan(v, { table: true }) }]]));
  assertRendersSafely((v) => collapsible(v, `body ${escapeText(v)}`));
  assertRendersSafely((v) => `## Notes\n\n${escapeProse(v)}\n\n## After\n`);
  assertRendersSafely((v) => `${codeBlock(v, 'yaml')}\n\nafter\n`);
  assertRendersSafely((v) => histogramComparison(v, [v, v], [0.5, 0.5], [0.4, 0.6]), { expectVisible: false });
});

test('escaped text reads back exactly as written', () => {
  for (const value of HOSTILE_STRINGS) {
    const oneLine = value.replace(/\s*\n\s*/g, ' ').replace(/[\u0000\u0007\u202A-\u202E]/g, '\uFFFD');
    const paragraph = parseMarkdown(`${escapeText(value)}\n`).children[0];
    const text = paragraph?.type === 'paragraph' ? paragraph.children.map((n) => ('value' in n ? n.value : '')) : [];
    assert.equal(text.join('').replace(/\u200B/g, ''), oneLine.trim(), JSON.stringify(value));
    const code = parseMarkdown(`x ${codeSpan(value)} y\n`).children[0];
    const span = code?.type === 'paragraph' ? code.children.find((n) => n.type === 'inlineCode') : undefined;
    assert.equal(span?.value, oneLine, JSON.stringify(value));
  }
});

test('a table cell holds any value, code or text, in its own column', () => {
  for (const value of HOSTILE_STRINGS) {
    const table = parseMarkdown(
      renderTable(['a', 'b', 'c'], [[value, { markdown: codeSpan(value, { table: true }) }, 'end']]),
    ).children[0];
    assert.equal(table?.type, 'table', JSON.stringify(value));
    if (table?.type !== 'table') continue;
    const [text, code, end] = table.children[1]!.children;
    assert.equal(end?.children[0]?.type === 'text' && end.children[0].value, 'end', JSON.stringify(value));
    assert.equal(
      code?.children[0]?.type === 'inlineCode' && code.children[0].value.replace(/\u200B/g, ''),
      value.replace(/\s*\n\s*/g, ' ').replace(/[\u0000\u0007\u202A-\u202E]/g, '\uFFFD'),
      JSON.stringify(value),
    );
    assert.ok(text!.children.length > 0, JSON.stringify(value));
  }
});

test('links go only to the configured host; other URLs are text', () => {
  assertSafeMarkdown(truncationNote(RUN_URL), CONFIGURED);
  assert.throws(() => assertSafeMarkdown(truncationNote(RUN_URL)), /a link to https:\/\/github\.com/);
  assert.equal(markdownLink('job summary', 'javascript:alert(1)'), 'job summary');
  assert.equal(markdownLink('x', 'https://github.com/a)b(c'), '[x](https://github.com/a%29b%28c)');
});

function check(value: string, passed: boolean): CheckResult {
  return {
    id: `columns.${value}.in_set`,
    column: value,
    check: value,
    severity: passed ? 'error' : 'warn',
    passed,
    checkedCount: 10,
    failingCount: passed ? 0 : 3,
    failingShare: passed ? 0 : 0.3,
    expected: `in {${value}}`,
    observed: value,
    samples: [value, `${value}2`],
    line: 7,
  };
}

function columnDrift(value: string, drifted: boolean, skipped: string | null = null): ColumnDrift {
  return {
    column: value,
    kind: 'categorical',
    skipped,
    method: 'jensen-shannon',
    effect: 0.4,
    threshold: 0.1,
    measures: {},
    pValue: 0.001,
    test: 'chi-square',
    qValue: 0.002,
    drifted,
    referenceCount: 100,
    currentCount: 100,
    newCategories: [{ value, count: 3, share: 0.03 }],
    newCategoryShare: 0.03,
    vanishedCategories: [],
    bins: { labels: [value, `${value} 2`], reference: [0.5, 0.5], current: [0.2, 0.8] },
  };
}

function driftReport(value: string): DriftReport {
  return {
    columns: [columnDrift(value, true), columnDrift(value, false), columnDrift(value, false, value)],
    comparedCount: 2,
    driftedCount: 1,
    driftedShare: 0.5,
    datasetDrift: true,
    missingColumns: [value],
    newColumns: [value],
    findings: [`column '${value}' has new categories: ${value}`],
    warnings: [`column '${value}' is missing`],
    categoryChanges: [
      {
        column: value,
        newCategories: [{ value, count: 3, share: 0.03 }],
        newRows: 3,
        vanishedCategories: [{ value: `${value} 2`, count: 2, share: 0.02 }],
        vanishedRows: 2,
      },
    ],
    options: { datasetDriftShare: 0.5 } as DriftReport['options'],
  };
}

function dataSection(value: string): string {
  return renderSection(
    dataTestSection({
      data: value,
      expectationsFile: value,
      referenceFile: value,
      rowCount: 10,
      columnCount: 2,
      outcome: 'fail',
      expectations: { outcome: 'fail', rowCount: 10, checks: [check(value, false), check(value, true)] },
      drift: driftReport(value),
    }),
  );
}

test('the data test and drift section', () => assertRendersSafely(dataSection));

const metric = (m: 'accuracy' | 'macro_f1') => ({
  metric: m,
  baseline: 0.9,
  candidate: 0.8,
  delta: -0.1,
  deltaCi: [-0.15, -0.05] as [number, number],
  candidateCi: [0.72, 0.87] as [number, number],
  deltaSe: 0.025,
});

function validation(value: string): ValidationResult {
  return {
    schemaVersion: 1,
    verdict: 'fail',
    task: 'classification',
    label: value,
    data: { source: value, rows: 120, features: [value, `${value}2`] },
    candidate: { source: value, sizeBytes: 2048, sha256: value, version: value },
    baseline: { source: value, sizeBytes: 2048, sha256: value, version: value },
    classes: [value, `${value}2`],
    metrics: [metric('accuracy'), metric('macro_f1')],
    mcnemar: { baselineOnly: 3, candidateOnly: 5, method: 'exact', pValue: 0.7 },
    slices: [
      { name: value, column: value, rows: 60, metrics: [metric('accuracy')] },
      { name: `${value}2`, column: value, rows: 60, metrics: [metric('accuracy')] },
    ],
    confusion: {
      classes: [value, `${value}2`],
      baseline: [
        [50, 5],
        [7, 58],
      ],
      candidate: [
        [45, 10],
        [14, 51],
      ],
    },
    perClass: [
      {
        class: value,
        support: 55,
        baseline: { precision: 0.9, recall: 0.9, f1: 0.9 },
        candidate: { precision: 0.8, recall: 0.8, f1: 0.8 },
      },
    ],
    latency: [{ model: 'candidate', batchSize: 1, p50Ms: 1, p95Ms: 2, p99Ms: 3, rowsPerSecond: 1000 }],
    signatureChanges: [{ side: 'input', name: value, change: 'added', breaking: false, message: value }],
    gates: [
      { gate: value, kind: 'non-inferiority', verdict: 'fail', scope: value, reason: value },
      { gate: value, kind: 'fairness', verdict: 'inconclusive', scope: value, reason: value },
      { gate: value, kind: 'budget', verdict: 'pass', scope: 'model', reason: value },
    ],
    bootstrap: { replicates: 1000, seed: 1, confidence: 0.95, resampledRows: 120, multipleTesting: 'holm' },
    timingsMs: {},
  };
}

const cardText = (value: string) => ({
  name: value,
  overview: value,
  intended_use: value,
  factors: value,
  training_data: value,
  ethical_considerations: value,
  caveats: value,
  license: value,
});

test('the validation section, with the model card collapsed in it', () =>
  assertRendersSafely((v) => {
    const result = validation(v);
    return renderSection(validationSection(result, buildModelCard(result, cardText(v)).markdown));
  }));

test('the model card file: its text is escaped and its front matter parses to the same values', () => {
  assertRendersSafely((v) => buildModelCard(validation(v), cardText(v)).markdown);
  for (const value of HOSTILE_STRINGS) {
    const card = buildModelCard(validation(value), cardText(value)).markdown;
    const front = parseMarkdown(card).children[0];
    assert.equal(front?.type, 'yaml', JSON.stringify(value));
    const data = parseYaml(front?.type === 'yaml' ? front.value : '') as Record<string, any>;
    assert.equal(data.license, value, JSON.stringify(value));
    assert.equal(data['model-index'][0].name, value, JSON.stringify(value));
    assert.equal(data['model-index'][0].results[0].dataset.type, value, JSON.stringify(value));
  }
});

test('the registry command summary', () =>
  assertRendersSafely((v) =>
    commandSummary('publish', {
      text: `published ${v}@v1.0.0: ${v}`,
      outputs: {
        manifest: JSON.stringify({ assets: [{ name: v, role: v, sizeBytes: 12, sha256: v }] }),
      },
    }),
  ));

test('the check run: a plain one-line title and a safe summary', () => {
  assertRendersSafely((v) => checkRunOutput(v, validationSection(validation(v)).markdown, RUN_URL).summary, CONFIGURED);
  for (const value of HOSTILE_STRINGS) {
    const { title } = checkRunOutput(`1 gate failed: ${value}`, 'x', RUN_URL);
    assert.ok(!/[\n\r\u0000\u202E]/.test(title) && Array.from(title).length <= 255, JSON.stringify(title));
    assert.ok(!/(^|\W)@[a-z0-9]/i.test(title), JSON.stringify(title));
  }
});

function monitorSummary(value: string): MonitorSummary {
  return {
    model: value,
    version: value,
    data: value,
    rows: 1000,
    labelledRows: 10,
    fileCount: 2,
    modelAgeDays: 40,
    verdict: {
      status: 'degraded',
      triggers: [
        { kind: 'feature-drift', message: `feature '${value}' drifted` },
        { kind: 'quality', message: value },
      ],
      estimateReliable: false,
      quality: [
        {
          metric: 'accuracy',
          estimated: 0.9,
          estimatedOnLabelled: 0.91,
          realised: 0.8,
          floor: 0.85,
          judgedOn: 'realised',
          passed: false,
        },
      ],
      notes: [value, `the label-free estimate is unreliable: ${value}`],
    },
    calibration: {
      status: 'uncertain',
      rows: 50,
      ece: 0.2,
      interval: [0.1, 0.3],
      confidence: 0.95,
      maxEce: 0.05,
      reason: value,
    },
    featureDrift: driftReport(value),
    predictionDrift: driftReport(value),
  };
}

test('the monitoring section (job summary, tracking issue, retraining pull request)', () =>
  assertRendersSafely((v) => renderSection(monitorSection(monitorSummary(v)))));

test('the tracking issue marker cannot be closed or forged by a model name', () => {
  for (const value of HOSTILE_STRINGS) {
    const marker = trackingMarker(value);
    assert.match(marker, /^<!-- mlship:monitor model="[^"<>\n]*" -->$/, JSON.stringify(value));
  }
});

test('the composed report and its truncation keep every section closed', () => {
  const sections = (v: string): ReportSection[] => [
    { id: 'data-test', title: v, severity: 'fail', markdown: dataSection(v) },
    { ...validationSection(validation(v)), title: v, severity: 'inconclusive' },
  ];
  assertRendersSafely((v) => composeReport(sections(v), { title: v }), CONFIGURED);
  // Cut inside the sections: what is left is as safe, and every <details> closed.
  assertRendersSafely(
    (v) =>
      truncateMarkdown(composeReport(sections(v), { title: v }), { limitChars: 3_000, note: truncationNote(RUN_URL) })
        .markdown,
    { ...CONFIGURED, expectVisible: false, sameStructure: false },
  );
});

test('the checks catch what they exist for', () => {
  const unsafe: Array<[string, RegExp]> = [
    ['![x](https://evil.example/p.png)', /an image/],
    ['[x](https://evil.example)', /a link to https:\/\/evil\.example/],
    ['see https://evil.example', /a link to|a bare URL/],
    ['[x]: https://evil.example', /a definition/],
    ['<img src=x>', /raw HTML/],
    ['<!-- mlship:report key="churn" -->', /raw HTML/],
    ['hi @org/team', /a mention/],
    ['<details>\n<summary>@alice</summary>\n\nx\n\n</details>', /a mention/],
    ['<details>\n<summary>s</summary>\n\nx', /1 <details> left open/],
    ['x\n\n</details>', /closes a section it did not open/],
    ['| a | b |\n| - | - |\n| 1 | 2 | 3 |', /3 cells, its header 2/],
    ['x \u202Ey', /a control character/],
  ];
  for (const [markdown, why] of unsafe) assert.throws(() => assertSafeMarkdown(markdown), why, markdown);
  assert.throws(
    () => assertRendersSafely((v) => `- ${v.replace(/[<>]/g, '')}`),
    /structure differs|an image|a link|a mention|raw HTML/,
  );
  assert.throws(() => assertRendersSafely((v) => escapeText(v.slice(0, 3))), /not shown as written/);
});

test("the rollout report: every run's job summary and the rollback evidence on the commit", () => {
  const plan = planRollout(parsePolicy('gates:\n  - metric: accuracy\n    max_drop: 0.02\n', 'policy.yml'), {
    model: 'churn',
    version: 'v1.1.0',
    prodVersion: 'v1.0.0',
  });
  const event = (v: string): RolloutEvent => ({
    schemaVersion: 1,
    seq: 3,
    model: 'churn',
    deploymentId: 3204815736,
    version: 'v1.1.0',
    prodVersion: 'v1.0.0',
    prodDeploymentId: null,
    phase: 'rolled-back',
    step: 1,
    weight: 0,
    startedAt: '2026-03-01T10:00:00.000Z',
    at: '2026-03-01T11:00:00.000Z',
    canaryServedAtStart: 0,
    actor: 'github-actions[bot]',
    runUrl: RUN_URL,
    reasons: [`input drift: 1 of 3 input columns drifted (${v})`, v],
  });
  const judgement = (v: string): Judgement => ({
    outcome: 'rollback',
    advance: false,
    reasons: [v, `prediction drift: the canary's ${v} (jensen-shannon 0.4 ≥ 0.1) drifted from prod's`],
    gates: [],
    guardrails: [{ name: 'input drift', status: 'breach', detail: `2 of 3 input columns drifted (${v})` }],
    counts: { canaryServed: 40, canaryScored: 400, prodScored: 400, labels: 0, stepServed: 20, stepSeconds: 600 },
    evidenceAsOf: '2026-03-01T11:00:00Z',
  });
  assertRendersSafely((v) => rolloutReport({ event: event(v), plan, headline: `rolled back: ${v}` }), CONFIGURED);
  assertRendersSafely(
    (v) => rolloutReport({ event: event(v), plan, judgement: judgement(v), headline: v }),
    CONFIGURED,
  );
});

function trainingReport(value: string, outcome: TrainingReport['outcome']): TrainingReport {
  const gpu = {
    index: 0,
    name: value,
    uuid: `GPU-${value}`,
    driverVersion: value,
    memoryTotalMiB: 40_960,
    memoryUsedMiB: 30_000,
    utilizationPercent: 12,
    powerDrawWatts: 90,
    temperatureC: 50,
  };
  const series = [
    { step: 1, value: 0.9 },
    { step: 2, value: 0.5 },
  ];
  const point = (atMs: number) => ({
    atMs,
    gpuUtilizationPercent: [12],
    gpuMemoryUsedMiB: [30_000],
    cpuPercent: 90,
    memoryUsedBytes: 2 ** 30,
    weight: 1,
  });
  return {
    model: value,
    outcome,
    command: value,
    exitCode: outcome === 'failed' ? 3 : 0,
    signal: null,
    durationMs: 65_000,
    ...(outcome === 'failed' ? { failure: `the training command exited with code 3: ${value}` } : {}),
    lastLines: [value, `${value} again`],
    runner: { name: value },
    gpus: [gpu],
    driverVersion: value,
    cudaVersion: value,
    metrics: {
      final: { [value]: { value: 0.5, step: 2 }, loss: { value: 0.5, step: 2 } },
      series: { [value]: series, loss: series },
      skipped: 1,
      skippedExamples: [{ line: 3, text: value, reason: value }],
    },
    telemetry: {
      samples: 3,
      gpus: [
        {
          index: 0,
          name: value,
          meanUtilizationPercent: 12,
          peakMemoryMiB: 30_000,
          memoryTotalMiB: 40_960,
          energyWh: 1.5,
          peakTemperatureC: 50,
        },
      ],
      gpuHours: 0.02,
      energyKWh: 0.0015,
      cost: { amount: 0.05, currency: value, hourlyRate: 2.5 },
      host: { meanCpuPercent: 90, peakMemoryUsedBytes: 2 ** 30, memoryTotalBytes: 2 ** 34 },
      idle: [{ index: 0, meanUtilizationPercent: 12, reason: value }],
      series: [point(0), point(5_000), point(10_000)],
    },
    checkpoint: {
      dir: value,
      store: value,
      restoredFrom: `mlship-checkpoint-${value}`,
      saves: [
        { key: value, trigger: 'interval', sizeBytes: 2048, files: 2, durationMs: 40, stored: true },
        { key: value, trigger: 'stop', sizeBytes: 2048, files: 2, durationMs: 40, stored: false, message: value },
      ],
    },
    reproducibility: {
      verdict: 'different',
      files: [{ path: value, first: 'a'.repeat(64), second: 'b'.repeat(64), same: false }],
      metrics: [{ name: value, first: 0.5, second: 0.51, absoluteDifference: 0.01, relativeDifference: 0.02 }],
      largestCurveGap: { name: value, step: 2, absoluteDifference: 0.01 },
    },
    lineage: {
      commit: value,
      data: [{ path: value, kind: 'file', sha256: 'c'.repeat(64), sizeBytes: 10 }],
      lockfiles: [{ path: value }],
      containerImage: value,
      seed: 7,
    },
  };
}

test('the training section, finished and failed', () => {
  assertRendersSafely((value) => renderSection(trainingSection(trainingReport(value, 'succeeded'))));
  assertRendersSafely((value) => renderSection(trainingSection(trainingReport(value, 'failed'))));
});

/** A lineage.json whose every string a training command or its repository could have chosen is `value`. */
function hostileLineage(value: string): Lineage {
  return {
    schemaVersion: 1,
    model: value,
    createdAt: '2026-11-30T00:00:00.000Z',
    source: { repository: value, commit: value, ref: value, pullRequest: 7, runUrl: value, runAttempt: 2 },
    command: value,
    configDigest: 'a'.repeat(64),
    seed: 7,
    deterministic: true,
    data: [
      { path: value, kind: 'file', sha256: 'b'.repeat(64), sizeBytes: 10 },
      { path: value, kind: 'dvc', md5: value, files: 3 },
    ],
    environment: {
      runner: {
        name: value,
        environment: value,
        labels: [value, 'gpu'],
        os: value,
        arch: value,
        cpu: value,
        cpuCount: 8,
        memoryBytes: 2 ** 34,
      },
      gpus: [{ index: 0, name: value, uuid: value, memoryTotalMiB: 81559 }],
      gpuDriver: value,
      cudaVersion: value,
      lockfiles: [{ path: value, sha256: 'c'.repeat(64) }],
      containerImage: value,
    },
    outputs: [],
    metrics: {},
    params: {},
  };
}

test("the lineage section of a published version's model card", () => {
  assertRendersSafely((value) => lineageCardSection(hostileLineage(value)));
});
