// A rollout's plan: the versions, the steps and how each step is judged. It
// is written once, into the Deployment's payload, when the rollout starts, so
// every later controller run judges by the rules the rollout started with,
// whatever happens to the policy file meanwhile.
import { z } from 'zod';
import { higherIsBetter, isPerRequestMetric, PER_REQUEST_METRICS, type Policy } from '@mlship/eval';
import { InputError } from '@mlship/errors';

export const PLAN_SCHEMA_VERSION = 1;

const Metric = z.enum(PER_REQUEST_METRICS);

/** A gate as the judge applies it, every direction and margin resolved. */
export const CanaryGateSchema = z.strictObject({
  metric: Metric,
  /** Non-inferiority against prod, or an absolute bound on the canary. */
  kind: z.enum(['non-inferiority', 'floor']),
  /** non-inferiority: the margin (≥ 0) by which the canary may be worse; floor: the bound. */
  threshold: z.number(),
  higherIsBetter: z.boolean(),
});
export type CanaryGate = z.infer<typeof CanaryGateSchema>;

export const GuardrailSettingsSchema = z.strictObject({
  errorRateMaxIncrease: z.number().min(0).max(1),
  latencyP99MaxRatio: z.number().gt(1),
  latencyP99Ms: z.number().positive().optional(),
  disagreementMax: z.number().gt(0).max(1),
  predictionDrift: z.boolean(),
  inputDrift: z.boolean(),
});
export type GuardrailSettings = z.infer<typeof GuardrailSettingsSchema>;

export const JudgeSettingsSchema = z.strictObject({
  /** Each decision (promote, rollback) errs with probability at most alpha. */
  alpha: z.number().gt(0).lt(0.5),
  gates: z.array(CanaryGateSchema),
  minLabels: z.number().int().min(1),
  maxLabels: z.number().int().positive(),
  maxSeconds: z.number().positive(),
  evidenceMaxAgeSeconds: z.number().positive(),
  guardrails: GuardrailSettingsSchema,
});
export type JudgeSettings = z.infer<typeof JudgeSettingsSchema>;

export const StepSchema = z.strictObject({
  /** Percent of requests the canary answers during the step. */
  weight: z.number().gt(0).max(100),
  /** Requests the canary must answer before the step may end. */
  minRequests: z.number().int().min(0),
  minSeconds: z.number().min(0),
});
export type Step = z.infer<typeof StepSchema>;

export const RolloutPlanSchema = z.strictObject({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  model: z.string().min(1),
  /** The canary. */
  version: z.string().min(1),
  /** Prod when the rollout started: what a rollback restores. */
  prodVersion: z.string().min(1),
  shadow: z.boolean(),
  steps: z
    .array(StepSchema)
    .min(1)
    .refine((steps) => steps.every((s, i) => i === 0 || s.weight > steps[i - 1]!.weight), {
      error: 'step weights must increase, e.g. 5, 25, 50, 100',
    }),
  judge: JudgeSettingsSchema,
});
export type RolloutPlan = z.infer<typeof RolloutPlanSchema>;

/**
 * The canary's gates: the policy's `canary.gates`, or else its validation
 * gates on per-request metrics (the others need the whole sample).
 */
export function canaryGates(policy: Policy): CanaryGate[] {
  const gates = policy.canary.gates ?? policy.gates.filter((g) => isPerRequestMetric(g.metric));
  return gates.map((g) => {
    if (!isPerRequestMetric(g.metric))
      throw new InputError(`canary gate on ${g.metric}: only ${PER_REQUEST_METRICS.join(', ')} can be judged live`);
    const metric = g.metric;
    const higher = higherIsBetter(metric);
    if (g.max_drop !== undefined)
      return { metric, kind: 'non-inferiority', threshold: g.max_drop, higherIsBetter: higher };
    if (g.max_increase !== undefined)
      return { metric, kind: 'non-inferiority', threshold: g.max_increase, higherIsBetter: higher };
    return { metric, kind: 'floor', threshold: (g.min ?? g.max)!, higherIsBetter: g.min !== undefined };
  });
}

/** Weights given as "5,25,50,100" (an action input or flag), checked like the policy's. */
export function parseStepWeights(text: string, input: string): number[] {
  const weights = text
    .split(/[\s,>→-]+/)
    .filter(Boolean)
    .map(Number);
  const problem =
    weights.length === 0
      ? 'is empty'
      : weights.some((w) => !(w > 0 && w <= 100))
        ? 'has a weight outside (0, 100]'
        : weights.some((w, i) => i > 0 && w <= weights[i - 1]!)
          ? 'must increase from step to step'
          : undefined;
  if (problem) throw new InputError(`${input} '${text}' ${problem}; give percentages such as 5,25,50,100`);
  return weights;
}

export function planRollout(
  policy: Policy,
  versions: { model: string; version: string; prodVersion: string },
  weights: readonly number[] = policy.canary.steps,
): RolloutPlan {
  const c = policy.canary;
  return RolloutPlanSchema.parse({
    schemaVersion: PLAN_SCHEMA_VERSION,
    ...versions,
    shadow: c.shadow,
    steps: weights.map((weight) => ({ weight, minRequests: c.min_requests, minSeconds: c.min_minutes * 60 })),
    judge: {
      alpha: 1 - policy.confidence,
      gates: canaryGates(policy),
      minLabels: c.min_labels,
      maxLabels: c.max_labels,
      maxSeconds: c.max_hours * 3600,
      evidenceMaxAgeSeconds: c.evidence_max_age_minutes * 60,
      guardrails: {
        errorRateMaxIncrease: c.guardrails.error_rate_max_increase,
        latencyP99MaxRatio: c.guardrails.latency_p99_max_ratio,
        ...(c.guardrails.latency_p99_ms === undefined ? {} : { latencyP99Ms: c.guardrails.latency_p99_ms }),
        disagreementMax: c.guardrails.disagreement_max,
        predictionDrift: c.guardrails.prediction_drift,
        inputDrift: c.guardrails.input_drift,
      },
    },
  });
}
