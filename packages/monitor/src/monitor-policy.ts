// The monitoring policy file: which columns of the serving data hold the
// model's outputs and the labels that arrive later, what counts as trouble
// (drift of important features, quality below a floor, a model too old), and
// when the probabilities may stand in for labels. Read by the one settings
// loader, so every mistake points at its line and column.
import { z } from 'zod';
import { parseConfigFile, readConfigFile } from '@mlship/config-file';
import { DriftOptionsSchema } from '@mlship/data';

/** The metrics a quality floor can name: the ones both estimated and realised. */
export const MONITORED_METRICS = ['accuracy', 'macro_f1', 'roc_auc'] as const;
export type MonitoredMetric = (typeof MONITORED_METRICS)[number];

const Column = z.string().min(1);

export const MonitorPolicySchema = z.strictObject({
  schemaVersion: z.literal(1).default(1),
  /** Class names in the order of the probability columns (and of the model's output). */
  classes: z.array(z.string().min(1)).min(2),
  /** Columns holding each class's probability, in `classes` order. Default: `probability_<class>`. */
  probabilities: z.array(Column).min(2).optional(),
  /** The class the model decided per row; the top probability when absent. */
  prediction: Column.optional(),
  /** The label column, filled in as labels arrive; rows without one count as unlabelled. */
  label: Column.default('label'),
  /** Reference column the predicted classes are compared with (the training labels by default). */
  prediction_reference: Column.optional(),
  /** Fewer rows than this in a window judge nothing but age: too little traffic to tell. */
  min_rows: z.number().int().positive().default(100),
  /** Labelled rows needed before realised metrics are reported and judged. */
  min_labels: z.number().int().positive().default(100),
  drift: DriftOptionsSchema.prefault({}),
  calibration: z
    .strictObject({
      max_ece: z.number().positive().max(1).default(0.05),
      min_rows: z.number().int().positive().default(100),
    })
    .prefault({}),
  triggers: z
    .strictObject({
      /** Drift of any of these features opens the issue; every compared feature when absent. */
      features: z.array(Column).min(1).optional(),
      /** Predicted classes drifting from the reference open the issue. */
      prediction_drift: z.boolean().default(true),
      /** Quality floors: realised once labels arrive, else estimated (when the model is calibrated). */
      quality: z
        .array(z.strictObject({ metric: z.enum(MONITORED_METRICS), min: z.number().min(0).max(1) }))
        .default([]),
      /** A prod version older than this is retrained however it does. */
      max_age_days: z.number().positive().optional(),
    })
    .prefault({}),
  /** A window without rows fails the run (a dead endpoint is not a healthy one) or only warns. */
  on_no_traffic: z.enum(['fail', 'warn']).default('fail'),
});
export type MonitorPolicy = z.infer<typeof MonitorPolicySchema>;

const HELP = 'see docs/monitor.md#policy';

export function probabilityColumns(policy: MonitorPolicy): string[] {
  return policy.probabilities ?? policy.classes.map((c) => `probability_${c}`);
}

function checked(file: { value: MonitorPolicy; errorAt(path: (string | number)[], message: string): Error }) {
  const policy = file.value;
  if (policy.probabilities && policy.probabilities.length !== policy.classes.length)
    throw file.errorAt(
      ['probabilities'],
      `${policy.probabilities.length} probability columns for ${policy.classes.length} classes; give one per class, in the classes' order`,
    );
  return policy;
}

export function parseMonitorPolicy(text: string, file: string): MonitorPolicy {
  return checked(parseConfigFile(MonitorPolicySchema, text, file, { help: HELP }));
}

/** `file` is the name the user gave, when `path` is resolved from it. */
export async function readMonitorPolicy(path: string, file = path): Promise<MonitorPolicy> {
  return checked(await readConfigFile(MonitorPolicySchema, path, { what: 'monitoring policy', file, help: HELP }));
}
