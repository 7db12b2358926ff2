// One gate of a policy, in its shorthand ("accuracy >= 0.9") or object form:
// the validation gates and the canary's gates are written the same way.
import { z } from 'zod';
import { isMetricName, metricsOf } from './metric-names.ts';

const GATE_SHORTHAND = /^\s*([a-z0-9_]+)\s*(>=|<=)\s*(-?[0-9]*\.?[0-9]+(?:e-?[0-9]+)?)\s*$/i;

const unknownMetric = (name: string) =>
  `unknown metric '${name}'; valid metrics: ${[...new Set([...metricsOf('classification'), ...metricsOf('regression')])].join(', ')}`;

export const MetricSchema = z.string().refine(isMetricName, {
  error: (issue) => unknownMetric(String(issue.input)),
});

const ThresholdGateSchema = z
  .strictObject({
    metric: MetricSchema,
    /** Absolute floor on the candidate (judged on its confidence bound). */
    min: z.number().optional(),
    /** Absolute ceiling, for lower-is-better metrics. */
    max: z.number().optional(),
    /** Non-inferiority margin against the baseline, judged on the confidence bound of the difference. */
    max_drop: z.number().nonnegative().optional(),
    max_increase: z.number().nonnegative().optional(),
    /** Apply the gate to every slice as well, with multiple-testing control. */
    per_slice: z.boolean().default(false),
  })
  .refine((g) => [g.min, g.max, g.max_drop, g.max_increase].filter((v) => v !== undefined).length === 1, {
    error: 'a gate sets exactly one of min, max, max_drop, max_increase',
  });

/**
 * A gate: "accuracy >= 0.9" is the same as { metric: accuracy, min: 0.9 }. The
 * shorthand is rewritten to the object form before the one gate schema checks
 * it, so both forms get the same messages (z.union would hide which part is
 * wrong behind "Invalid input").
 */
export const GateSchema = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  const m = GATE_SHORTHAND.exec(value);
  if (!m) {
    ctx.addIssue({
      // Stryker disable next-line StringLiteral: zod reports the message whatever the code says
      code: 'custom',
      input: value,
      message: `cannot read gate '${value}'; write it as 'metric >= number' or 'metric <= number'`,
    });
    return z.NEVER;
  }
  return { metric: m[1], [m[2] === '>=' ? 'min' : 'max']: Number(m[3]) };
}, ThresholdGateSchema);
