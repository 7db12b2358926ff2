// The policy's `canary:` section: how a released version is rolled out and
// judged on live traffic (the deploy controller reads it; docs/deploy.md).
import { z } from 'zod';
import { GateSchema } from './gate-schema.ts';
import type { MetricName } from './metric-names.ts';

/**
 * Metrics that are a mean over requests, so they can be judged as labels
 * arrive, one request at a time. The others (AUC, F1, RMSE...) need the whole
 * sample and stay validation gates.
 */
export const PER_REQUEST_METRICS = ['accuracy', 'log_loss', 'mae', 'mape'] as const satisfies readonly MetricName[];
export type PerRequestMetric = (typeof PER_REQUEST_METRICS)[number];

export function isPerRequestMetric(metric: string): metric is PerRequestMetric {
  return (PER_REQUEST_METRICS as readonly string[]).includes(metric);
}

const strictlyIncreasing = (weights: readonly number[]) => weights.every((w, i) => i === 0 || w > weights[i - 1]!);

export const CanaryPolicySchema = z
  .strictObject({
    /** Canary traffic weights in percent, one per step. */
    steps: z
      .array(z.number().gt(0).max(100))
      .min(1)
      .max(20)
      .default([5, 25, 50, 100])
      .refine(strictlyIncreasing, { error: 'weights must increase from step to step, e.g. [5, 25, 50, 100]' }),
    /** Requests the canary must serve at a step before the next step. */
    min_requests: z.number().int().min(0).default(200),
    /** Minutes a step lasts at least. */
    min_minutes: z.number().min(0).default(10),
    /** Both models score every request (the canary's answer is served for its weight's share): paired evidence. */
    shadow: z.boolean().default(true),
    /** Labelled requests before the labelled gates may decide. */
    min_labels: z.number().int().min(10).default(100),
    /** With this many labelled requests and no decision, the rollout is inconclusive and waits for a reviewer. */
    max_labels: z.number().int().positive().default(20_000),
    /** Hours after the start with no decision: inconclusive. */
    max_hours: z.number().positive().default(72),
    /** Evidence older than this never passes a step. */
    evidence_max_age_minutes: z.number().positive().default(15),
    /** Gates judged on labelled traffic; default: the policy's gates on per-request metrics. */
    gates: z.array(GateSchema).optional(),
    /** Label-free checks: any breach rolls back at once. */
    guardrails: z
      .strictObject({
        /** Canary error rate above prod's by more than this (absolute share of requests). */
        error_rate_max_increase: z.number().min(0).max(1).default(0.01),
        /** Canary p99 latency above this multiple of prod's. */
        latency_p99_max_ratio: z.number().gt(1).default(1.5),
        /** Canary p99 latency above this many milliseconds. */
        latency_p99_ms: z.number().positive().optional(),
        /** Share of requests where canary and prod predict differently (shadow mode). */
        disagreement_max: z.number().gt(0).max(1).default(0.3),
        /** The canary's predictions drift from prod's. */
        prediction_drift: z.boolean().default(true),
        /** The inputs the canary saw drift from the version's published data profile. */
        input_drift: z.boolean().default(true),
      })
      .prefault({}),
  })
  .prefault({});

export type CanaryPolicy = z.infer<typeof CanaryPolicySchema>;
