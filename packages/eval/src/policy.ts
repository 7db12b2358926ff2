// The validation policy file: which columns feed the model, how slices are
// cut, and the gates a candidate must pass. Parsed once, with errors that
// point at the line and column of the offending value.
import { z } from 'zod';
import { parseConfigFile, readConfigFile, type ConfigFile } from '@mlship/config-file';
import { metricsOf, higherIsBetter } from './metric-names.ts';
import type { Task } from './metric-names.ts';
import { GateSchema, MetricSchema } from './gate-schema.ts';
import { CanaryPolicySchema, isPerRequestMetric, PER_REQUEST_METRICS } from './canary-policy.ts';

export const PolicySchema = z.strictObject({
  schemaVersion: z.literal(1).default(1),
  task: z.enum(['classification', 'regression']).optional(),
  label: z.string().min(1).optional(),
  /** Ordered columns feeding a model whose single input is a float [N, F] tensor. */
  features: z.array(z.string().min(1)).min(1).optional(),
  /** Model input name → the column (or ordered columns) that feed it. */
  inputs: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
  /** Probability column order, when the model records no class labels. */
  classes: z.array(z.string()).min(2).optional(),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  bootstrap: z
    .strictObject({
      replicates: z.number().int().min(100).max(100_000).default(1000),
      seed: z.number().int().default(20240601),
      max_rows: z.number().int().min(100).default(10_000),
    })
    .prefault({}),
  multiple_testing: z.enum(['holm', 'benjamini-hochberg']).default('holm'),
  slices: z
    .array(
      z.strictObject({
        column: z.string().min(1),
        bins: z.array(z.number()).min(1).optional(),
        max_values: z.number().int().positive().optional(),
      }),
    )
    .default([]),
  gates: z.array(GateSchema).default([]),
  budgets: z
    .strictObject({
      latency_p95_ms: z.number().positive().optional(),
      /** The batch size the latency budget applies to. */
      latency_batch_size: z.number().int().positive().default(1),
      model_size_mb: z.number().positive().optional(),
    })
    .prefault({}),
  latency: z
    .strictObject({
      batch_sizes: z.array(z.number().int().positive()).min(1).default([1, 64, 1024]),
      repeats: z.number().int().min(3).max(10_000).default(30),
    })
    .prefault({}),
  sanity: z
    .strictObject({
      probability_tolerance: z.number().positive().default(1e-3),
      robustness: z
        .strictObject({
          /** Gaussian noise as a fraction of each feature's standard deviation. */
          noise: z.number().positive().default(0.01),
          /** Share of rows allowed to change: class for classifiers, prediction beyond the tolerance for regressors. */
          max_flip_rate: z.number().min(0).max(1).default(0.05),
          /** A regressor's row changes when its prediction moves by more than this many standard deviations of the predictions. */
          regression_tolerance: z.number().positive().default(0.1),
          rows: z.number().int().positive().default(2000),
        })
        .optional(),
      fairness: z
        .strictObject({
          column: z.string().min(1),
          metric: MetricSchema.default('accuracy'),
          max_gap: z.number().nonnegative(),
        })
        .optional(),
    })
    .prefault({}),
  /** Text for the model card's prose sections (Mitchell et al.); the numbers come from the validation. */
  model_card: z
    .strictObject({
      name: z.string().optional(),
      overview: z.string().optional(),
      intended_use: z.string().optional(),
      factors: z.string().optional(),
      training_data: z.string().optional(),
      ethical_considerations: z.string().optional(),
      caveats: z.string().optional(),
      license: z.string().optional(),
    })
    .prefault({}),
  /** The serving contract's signature (as `readOnnxSignature` writes it); the candidate must satisfy it. */
  serving_contract: z
    .strictObject({
      inputs: z.array(
        z.object({
          name: z.string(),
          elementType: z.string(),
          shape: z.array(z.union([z.number(), z.string(), z.null()])),
        }),
      ),
      outputs: z.array(
        z.object({
          name: z.string(),
          elementType: z.string(),
          shape: z.array(z.union([z.number(), z.string(), z.null()])),
        }),
      ),
    })
    .optional(),
  canary: CanaryPolicySchema,
});

export type Policy = z.infer<typeof PolicySchema>;
export type Gate = Policy['gates'][number];

/** The policy used when none is given: report everything, gate nothing. */
export function defaultPolicy(): Policy {
  return PolicySchema.parse({});
}

const HELP = 'see docs/validate.md#policy-file';

/**
 * Parses a policy's YAML text. Errors name the file, line and column of the
 * offending value. With a task, gates naming the other task's metrics fail too.
 */
export function parsePolicy(text: string, file: string, task?: Task): Policy {
  return checkedForTask(parseConfigFile(PolicySchema, text, file, { help: HELP }), task);
}

/** Reads a policy file; `file` is the name the user gave, when `path` is resolved from it. */
export async function readPolicy(path: string, task?: Task, file = path): Promise<Policy> {
  return checkedForTask(await readConfigFile(PolicySchema, path, { what: 'policy', file, help: HELP }), task);
}

/** The rules that depend on the task, which may come from the command line rather than the file. */
function checkedForTask(loaded: ConfigFile<Policy>, task: Task | undefined): Policy {
  const policy = loaded.value;
  const effectiveTask = task ?? policy.task;
  // A margin's direction is the metric's own, so it is checked with or without a task.
  const checkGates = (gates: readonly Gate[], at: readonly string[]) =>
    gates.forEach((gate, i) => {
      if (effectiveTask && !metricsOf(effectiveTask).includes(gate.metric))
        throw loaded.errorAt(
          [...at, i],
          `metric '${gate.metric}' does not apply to ${effectiveTask}; use one of ${metricsOf(effectiveTask).join(', ')}`,
        );
      if (gate.max_drop !== undefined && !higherIsBetter(gate.metric))
        throw loaded.errorAt([...at, i], `${gate.metric} is lower-is-better: use max_increase, not max_drop`);
      if (gate.max_increase !== undefined && higherIsBetter(gate.metric))
        throw loaded.errorAt([...at, i], `${gate.metric} is higher-is-better: use max_drop, not max_increase`);
    });
  checkGates(policy.gates, ['gates']);
  // Canary gates are judged as labels arrive: only means over requests qualify, on the whole traffic.
  const canaryGates = policy.canary.gates ?? [];
  canaryGates.forEach((gate, i) => {
    if (!isPerRequestMetric(gate.metric))
      throw loaded.errorAt(
        ['canary', 'gates', i, 'metric'],
        `${gate.metric} needs the whole sample, so it cannot be judged as labels arrive; gate the canary on ${PER_REQUEST_METRICS.join(', ')} and keep ${gate.metric} a validation gate`,
      );
    if (gate.per_slice)
      throw loaded.errorAt(
        ['canary', 'gates', i, 'per_slice'],
        'canary gates judge the whole traffic; remove per_slice',
      );
  });
  checkGates(canaryGates, ['canary', 'gates']);
  const fairness = policy.sanity.fairness;
  if (effectiveTask && fairness && !metricsOf(effectiveTask).includes(fairness.metric))
    throw loaded.errorAt(
      ['sanity', 'fairness', 'metric'],
      `metric '${fairness.metric}' does not apply to ${effectiveTask}; use one of ${metricsOf(effectiveTask).join(', ')}`,
    );
  return policy;
}
