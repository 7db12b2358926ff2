// `mlship validate`: scores a candidate and the production baseline on the
// same holdout and decides, with evidence, whether the candidate may ship.
// The I/O lives here (files, ONNX Runtime, the clock); every decision is a
// pure function from @mlship/eval.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { loadModel } from '@mlship/onnx';
import type { LoadedModel } from '@mlship/onnx';
import {
  buildModelCard,
  classificationMetrics,
  defaultPolicy,
  diffSignatures,
  evaluateBudgets,
  evaluatePaired,
  fairnessOutcome,
  orderGates,
  outputSanity,
  overallVerdict,
  readPolicy,
  regressionMetrics,
  sliceRows,
  summariseComparison,
  validationSection,
} from '@mlship/eval';
import type { GateOutcome, ModelCard, PairedData, Policy, SignatureChange, ValidationResult } from '@mlship/eval';
import { checkOutputDirectory, writeOutputFiles } from '@mlship/output-files';
import { renderSection, type ReportSection } from '@mlship/report';
import { NoVersionYetError, safeParseModelReference } from '@mlship/registry';
import { readHoldout } from './holdout.ts';
import type { Holdout, ReadBatches } from './holdout.ts';
import { mapInputs, mappedColumns } from './input-mapping.ts';
import { classMapping, regressionOutputs, runModel, scoreClassifier } from './scoring.ts';
import { robustness } from './robustness.ts';
import { measureLatency } from './latency.ts';

export const ValidateOptionsSchema = z.object({
  candidate: z.string().min(1),
  /** A model path, or a registry reference such as churn@prod. */
  baseline: z.string().min(1),
  data: z.string().min(1),
  task: z.enum(['classification', 'regression']).optional(),
  label: z.string().min(1).optional(),
  policy: z.string().min(1).optional(),
  /** Where the result JSON, report section and model card are written. */
  outputDir: z.string().min(1).default('mlship-validate'),
});
export type ValidateOptions = z.input<typeof ValidateOptionsSchema>;

export interface ValidateAdapters {
  /** Resolves a registry reference (NAME@stage, NAME@vX.Y.Z) to a local model file. */
  resolveModel?: (reference: string) => Promise<{ path: string; version: string }>;
  readBatches?: ReadBatches;
  now?: () => number;
}

const OUTPUT_DIR = { what: 'output directory', setBy: "action input 'output-dir', --output-dir" };

export interface ValidateOutcome {
  result: ValidationResult;
  section: ReportSection;
  modelCard: ModelCard;
  paths: { result: string; report: string; modelCard: string; modelCardJson: string };
}

export async function validate(input: ValidateOptions, adapters: ValidateAdapters = {}): Promise<ValidateOutcome> {
  const options = ValidateOptionsSchema.parse(input);
  const now = adapters.now ?? (() => performance.now());
  const timings: Record<string, number> = {};
  const started = now();
  // A wrong output path fails before the models are loaded and scored, not after.
  await checkOutputDirectory(options.outputDir, OUTPUT_DIR);
  const policy = options.policy ? await readPolicy(options.policy, options.task) : defaultPolicy();
  const task = options.task ?? policy.task;
  const label = options.label ?? policy.label;
  if (!task)
    throw new InputError(
      `the task is not set; pass --task classification|regression (action input 'task') or set 'task:' in the policy`,
    );
  if (!label)
    throw new InputError(
      `the label column is not set; pass --label COLUMN (action input 'label') or set 'label:' in the policy`,
    );

  const baselineRef = await resolveBaseline(options.baseline, adapters);
  const firstVersion = baselineRef.firstVersion;
  // A first version has nothing to be compared with: it is paired with itself,
  // so the shared machinery scores it once and every difference is exactly 0,
  // and only the gates that judge the candidate alone are kept.
  const candidate = await loadModel(options.candidate);
  const baseline = firstVersion
    ? candidate
    : await loadModel(baselineRef.path).catch(async (error: unknown) => {
        await candidate.release();
        throw error;
      });
  try {
    const signatureChanges: SignatureChange[] = [
      ...diffSignatures(baseline.signature, candidate.signature, 'baseline'),
      ...(policy.serving_contract
        ? diffSignatures(policy.serving_contract, candidate.signature, 'serving contract')
        : []),
    ];
    const feeds = {
      candidate: mapInputs(candidate, policy, options.policy),
      baseline: mapInputs(baseline, policy, options.policy),
    };
    const features = mappedColumns([feeds.candidate, feeds.baseline]);
    const groupColumns = [
      ...new Set([
        ...policy.slices.map((s) => s.column),
        ...(policy.sanity.fairness ? [policy.sanity.fairness.column] : []),
      ]),
    ];

    let t = now();
    const holdout = await readHoldout(
      { path: options.data, task, label, features, groupColumns, feeds: [feeds.candidate, feeds.baseline] },
      adapters.readBatches,
    );
    timings.decodeMs = now() - t;

    t = now();
    let data: PairedData;
    let classes: string[] | undefined;
    if (task === 'classification') {
      const mapping = classMapping(holdout);
      const holdoutClasses = [...mapping.classes];
      const cand = await scoreClassifier(candidate, feeds.candidate, holdout, mapping, policy.classes, now);
      const base = await scoreClassifier(baseline, feeds.baseline, holdout, mapping, policy.classes, now);
      for (const [model, scored] of [
        [candidate, cand],
        [baseline, base],
      ] as const)
        requireSharedLabels(model, scored.outputs.predicted, mapping.classes, holdoutClasses, label, options.data);
      classes = mapping.classes;
      const truth = (holdout.label as { codes: Int32Array }).codes;
      data = {
        task,
        classes,
        truth,
        candidate: widen(cand.outputs, classes.length),
        baseline: widen(base.outputs, classes.length),
      };
      timings.inferenceMs = cand.inferenceMs + base.inferenceMs;
    } else {
      const rawCandidate = await runModel(candidate, feeds.candidate, holdout, task, now);
      const rawBaseline = await runModel(baseline, feeds.baseline, holdout, task, now);
      data = {
        task,
        truth: (holdout.label as { values: Float64Array }).values,
        candidate: regressionOutputs(rawCandidate, holdout.rows),
        baseline: regressionOutputs(rawBaseline, holdout.rows),
      };
      timings.inferenceMs = rawCandidate.inferenceMs + rawBaseline.inferenceMs;
    }
    timings.scoringMs = now() - t;

    t = now();
    const slices = policy.slices.flatMap((spec) =>
      sliceRows(
        {
          column: spec.column,
          ...(spec.bins ? { bins: spec.bins } : {}),
          ...(spec.max_values ? { maxValues: spec.max_values } : {}),
        },
        holdout.groups.get(spec.column)!,
      ),
    );
    const evaluation = evaluatePaired(data, slices, policy);
    timings.statisticsMs = now() - t;

    t = now();
    const sanity = sanityGates(data, policy, holdout);
    if (policy.sanity.robustness) {
      sanity.push(
        await robustness(candidate, feeds.candidate, holdout, task, policy.sanity.robustness, policy.bootstrap.seed),
      );
    }
    const latency = policy.latency.batch_sizes.length
      ? await measureLatency(
          [
            ...(firstVersion ? [] : [{ role: 'baseline' as const, model: baseline, feeds: feeds.baseline }]),
            { role: 'candidate' as const, model: candidate, feeds: feeds.candidate },
          ],
          holdout,
          policy.latency.batch_sizes,
          policy.latency.repeats,
          now,
        )
      : [];
    timings.latencyMs = now() - t;
    const budgetBatch = latency.find(
      (l) => l.model === 'candidate' && l.batchSize === policy.budgets.latency_batch_size,
    );
    const budgets = evaluateBudgets(policy, {
      modelSizeBytes: candidate.sizeBytes,
      ...(budgetBatch ? { latencyP95Ms: budgetBatch.p95Ms } : {}),
    });
    const signatureGates: GateOutcome[] = signatureChanges
      .filter((c) => c.breaking)
      .map((c) => ({
        gate: `${c.side} '${c.name}' compatible`,
        kind: 'signature',
        scope: 'signature',
        verdict: 'fail',
        reason: c.message,
      }));
    const relative = (g: GateOutcome) => g.kind === 'non-inferiority';
    const metricGates = firstVersion ? evaluation.gates.filter((g) => !relative(g)) : evaluation.gates;
    const gates = orderGates([...signatureGates, ...metricGates, ...sanity, ...budgets]);

    const result: ValidationResult = {
      schemaVersion: 1,
      verdict: overallVerdict(gates),
      task,
      label,
      data: { source: options.data, rows: holdout.rows, features },
      candidate: modelInfo(options.candidate, candidate),
      baseline: firstVersion
        ? { source: options.baseline, sizeBytes: 0, sha256: '' }
        : {
            ...modelInfo(options.baseline, baseline),
            ...(baselineRef.version ? { version: baselineRef.version } : {}),
          },
      ...(firstVersion
        ? {
            firstVersion: {
              reason: firstVersion,
              notApplicable: [...new Set(evaluation.gates.filter(relative).map((g) => g.gate))],
            },
          }
        : {}),
      ...(classes ? { classes } : {}),
      metrics: evaluation.overall.comparisons.map(summariseComparison),
      ...(evaluation.overall.notComputed?.length ? { notComputed: [...evaluation.overall.notComputed] } : {}),
      ...(evaluation.mcnemar && !firstVersion ? { mcnemar: evaluation.mcnemar } : {}),
      slices: evaluation.slices.map((s) => ({
        name: s.scope,
        column: s.column,
        rows: s.rows,
        metrics: s.comparisons.map(summariseComparison),
        ...(s.mcnemar && !firstVersion ? { mcnemar: s.mcnemar } : {}),
      })),
      latency,
      signatureChanges,
      gates,
      bootstrap: {
        replicates: policy.bootstrap.replicates,
        seed: policy.bootstrap.seed,
        confidence: policy.confidence,
        resampledRows: evaluation.resampledRows,
        multipleTesting: policy.multiple_testing,
      },
      timingsMs: timings,
    };
    const base = evaluation.full.baselineDetail;
    const cand = evaluation.full.candidateDetail;
    if (classes && base && cand) {
      result.confusion = { classes, baseline: base.confusion, candidate: cand.confusion };
      result.perClass = classes.map((c, k) => ({
        class: c,
        support: cand.perClass.support[k]!,
        baseline: {
          precision: base.perClass.precision[k]!,
          recall: base.perClass.recall[k]!,
          f1: base.perClass.f1[k]!,
        },
        candidate: {
          precision: cand.perClass.precision[k]!,
          recall: cand.perClass.recall[k]!,
          f1: cand.perClass.f1[k]!,
        },
      }));
    }
    timings.totalMs = now() - started;
    return await writeOutputs(result, policy, options.outputDir);
  } finally {
    await Promise.all(firstVersion ? [candidate.release()] : [candidate.release(), baseline.release()]);
  }
}

/**
 * The baseline's model file. A stage reference whose stage holds no version
 * yet (`churn@prod` before the first release) is not an error: the candidate
 * is the first version, and `firstVersion` says why.
 */
async function resolveBaseline(
  baseline: string,
  adapters: ValidateAdapters,
): Promise<{ path: string; version?: string; firstVersion?: string }> {
  const reference = existsSync(baseline) ? undefined : safeParseModelReference(baseline);
  if (!reference?.success) return { path: baseline };
  if (!adapters.resolveModel) {
    throw new InputError(
      `baseline '${baseline}' is not a file and no registry is configured; give a model path or a registry (--registry DIR)`,
    );
  }
  try {
    return await adapters.resolveModel(baseline);
  } catch (error) {
    if (reference.data.kind === 'stage' && error instanceof NoVersionYetError)
      return { path: '', firstVersion: error.message };
    throw error;
  }
}

function modelInfo(source: string, model: LoadedModel) {
  return { source, sizeBytes: model.sizeBytes, sha256: createHash('sha256').update(model.bytes).digest('hex') };
}

/**
 * A model none of whose labels occur in the holdout is scored against the wrong labels (a
 * different column, or classes encoded differently): every metric would be 0 with no reason given.
 */
function requireSharedLabels(
  model: LoadedModel,
  predicted: Int32Array,
  classes: string[],
  holdoutClasses: string[],
  label: string,
  data: string,
): void {
  const vocabulary = model.classLabels ?? [...new Set(Array.from(predicted, (k) => classes[k]!))];
  if (vocabulary.length < 2 || vocabulary.some((c) => holdoutClasses.includes(c))) return;
  const list = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ', ...' : ''}`;
  throw new InputError(
    `${model.file}: the model's labels (${list(vocabulary)}) share none with label column '${label}' of ${data} (${list(holdoutClasses)}); check the label column, and that the holdout encodes classes as the model does`,
  );
}

/** Probabilities laid out for the final class count (a later model may have added a class). */
function widen(outputs: { predicted: Int32Array; probabilities?: Float32Array | Float64Array }, classCount: number) {
  const p = outputs.probabilities;
  if (!p) return outputs;
  const rows = outputs.predicted.length;
  const width = p.length / Math.max(1, rows);
  if (width === classCount) return outputs;
  const wide = new Float32Array(rows * classCount);
  for (let i = 0; i < rows; i++) for (let j = 0; j < width; j++) wide[i * classCount + j] = p[i * width + j]!;
  return { predicted: outputs.predicted, probabilities: wide };
}

function sanityGates(data: PairedData, policy: Policy, holdout: Holdout): GateOutcome[] {
  const gates: GateOutcome[] = [];
  if (data.task === 'classification') {
    gates.push(
      ...outputSanity('candidate', {
        ...(data.candidate.probabilities ? { probabilities: data.candidate.probabilities } : {}),
        classCount: data.classes.length,
        predicted: data.candidate.predicted,
        truthClassCount: new Set(data.truth).size,
        tolerance: policy.sanity.probability_tolerance,
      }),
    );
  } else {
    gates.push(
      ...outputSanity('candidate', { predictions: data.candidate, tolerance: policy.sanity.probability_tolerance }),
    );
  }
  const fairness = policy.sanity.fairness;
  if (fairness) {
    // Rows without a group value are not a protected group; a handful of them would only add noise.
    const groups = sliceRows({ column: fairness.column }, holdout.groups.get(fairness.column)!).filter(
      (g) => !g.name.endsWith('= (missing)'),
    );
    const byGroup = groups.map((g) => {
      const value =
        data.task === 'classification'
          ? classificationMetrics(
              pick(data.truth, g.rows),
              groupOutputs(data.candidate, g.rows, data.classes.length),
              data.classes.length,
            ).values[fairness.metric as 'accuracy']
          : regressionMetrics(pick(data.truth, g.rows), pick(data.candidate, g.rows))[fairness.metric as 'mae'];
      return { group: g.name, value: value ?? Number.NaN, rows: g.rows.length };
    });
    gates.push(fairnessOutcome(fairness.column, fairness.metric, byGroup, fairness.max_gap));
  }
  return gates;
}

/** A group's predictions, with its probability rows so probability metrics (log_loss, roc_auc) can be compared too. */
function groupOutputs(
  outputs: { predicted: Int32Array; probabilities?: Float32Array | Float64Array },
  rows: Int32Array,
  classCount: number,
) {
  const predicted = pick(outputs.predicted, rows);
  const p = outputs.probabilities;
  if (!p) return { predicted };
  const probabilities = new Float64Array(rows.length * classCount);
  for (let k = 0; k < rows.length; k++)
    probabilities.set(p.subarray(rows[k]! * classCount, (rows[k]! + 1) * classCount), k * classCount);
  return { predicted, probabilities };
}

function pick<T extends Int32Array | Float64Array>(values: T, rows: Int32Array): T {
  const out = new (values.constructor as { new (n: number): T })(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}

async function writeOutputs(result: ValidationResult, policy: Policy, outputDir: string): Promise<ValidateOutcome> {
  const modelCard = buildModelCard(result, policy.model_card);
  const section = validationSection(result, modelCard.markdown);
  const paths = {
    result: join(outputDir, 'validation.json'),
    report: join(outputDir, 'validation.md'),
    modelCard: join(outputDir, 'model-card.md'),
    modelCardJson: join(outputDir, 'model-card.json'),
  };
  await writeOutputFiles(
    outputDir,
    {
      'validation.json': `${JSON.stringify(result, null, 2)}\n`,
      'validation.md': renderSection(section),
      'model-card.md': modelCard.markdown,
      'model-card.json': `${JSON.stringify(modelCard.json, null, 2)}\n`,
    },
    OUTPUT_DIR,
  );
  return { result, section, modelCard, paths };
}
