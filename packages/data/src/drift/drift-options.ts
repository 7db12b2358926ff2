// Drift settings: every threshold has a default documented in docs/data.md
// and can be overridden (a YAML/JSON file, action input or CLI flag).
import { z } from 'zod';
import { parseConfigFile, readConfigFile } from '@mlship/config-file';

export const NumericMethodSchema = z.enum(['psi', 'ks', 'wasserstein', 'jensen-shannon']);
export const CategoricalMethodSchema = z.enum(['jensen-shannon', 'psi', 'cramers-v']);

export const DriftOptionsSchema = z.strictObject({
  /** The effect size that decides numeric drift. */
  numericMethod: NumericMethodSchema.default('psi'),
  /** The effect size that decides categorical drift. */
  categoricalMethod: CategoricalMethodSchema.default('jensen-shannon'),
  thresholds: z
    .strictObject({
      psi: z.number().positive().default(0.1),
      ks: z.number().positive().max(1).default(0.1),
      /** Wasserstein distance divided by the reference standard deviation. */
      wasserstein: z.number().positive().default(0.1),
      jensenShannon: z.number().positive().max(1).default(0.1),
      cramersV: z.number().positive().max(1).default(0.1),
    })
    .default({ psi: 0.1, ks: 0.1, wasserstein: 0.1, jensenShannon: 0.1, cramersV: 0.1 }),
  /** False discovery rate across columns (Benjamini-Hochberg) for the significance gate. */
  alpha: z.number().positive().max(1).default(0.05),
  /** The data set drifts when at least this share of compared columns drift. */
  datasetDriftShare: z.number().positive().max(1).default(0.5),
  /** Columns not compared (identifiers, timestamps are skipped anyway). */
  ignore: z.array(z.string()).default([]),
});
export type DriftOptions = z.infer<typeof DriftOptionsSchema>;
export type DriftOptionsInput = z.input<typeof DriftOptionsSchema>;

const HELP = 'see docs/data.md#drift';

/** Reads drift settings from YAML or JSON text; errors name the file, line and column. */
export function parseDriftOptions(text: string, file: string): DriftOptions {
  return parseConfigFile(DriftOptionsSchema, text, file, { help: HELP }).value;
}

/** `file` is the name the user gave, when `path` is resolved from it. */
export async function readDriftOptions(path: string, file = path): Promise<DriftOptions> {
  return (await readConfigFile(DriftOptionsSchema, path, { what: 'drift settings', file, help: HELP })).value;
}
