// The profile file: versioned, JSON, mergeable. Raw sketch states are kept so
// profiles of shards merge into the profile of the whole; the derived fields
// (stdev, percentiles, distinctEstimate) are recomputed on every merge.
import { z } from 'zod';
import { KllStateSchema } from '../sketch/kll.ts';
import { HllStateSchema } from '../sketch/hyperloglog.ts';
import { FrequentItemsStateSchema } from '../sketch/frequent-items.ts';

export const PERCENTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

export const HistogramSchema = z.object({
  /** Bin i holds cuts[i-1] < v <= cuts[i]; the first and last bins are open-ended. */
  cuts: z.array(z.number()),
  counts: z.array(z.number().min(0)),
  /** False when the counts were estimated from the quantile sketch (no fixed reference cuts). */
  exact: z.boolean(),
});
export type Histogram = z.infer<typeof HistogramSchema>;

export const NumericProfileSchema = z.object({
  name: z.string(),
  kind: z.literal('numeric'),
  timestamp: z.boolean(),
  count: z.number().int().min(0),
  nullCount: z.number().int().min(0),
  nanCount: z.number().int().min(0),
  posInfCount: z.number().int().min(0),
  negInfCount: z.number().int().min(0),
  /** Text that did not parse as a number (CSV/JSON); counted in nullCount too. */
  invalidCount: z.number().int().min(0),
  invalidSamples: z.array(z.string()),
  finiteCount: z.number().int().min(0),
  mean: z.number().nullable(),
  /** Sum of squared deviations from the mean (Chan et al.), so variance merges exactly. */
  m2: z.number().min(0),
  stdev: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  allIntegers: z.boolean(),
  percentiles: z.record(z.string(), z.number()),
  distinctEstimate: z.number().int().min(0),
  quantileSketch: KllStateSchema,
  distinctSketch: HllStateSchema,
  histogram: HistogramSchema.nullable(),
});
export type NumericProfile = z.infer<typeof NumericProfileSchema>;

export const CategoricalProfileSchema = z.object({
  name: z.string(),
  kind: z.literal('categorical'),
  count: z.number().int().min(0),
  nullCount: z.number().int().min(0),
  minLength: z.number().int().min(0).nullable(),
  maxLength: z.number().int().min(0).nullable(),
  distinctEstimate: z.number().int().min(0),
  topValues: FrequentItemsStateSchema,
  distinctSketch: HllStateSchema,
});
export type CategoricalProfile = z.infer<typeof CategoricalProfileSchema>;

export const ColumnProfileSchema = z.discriminatedUnion('kind', [NumericProfileSchema, CategoricalProfileSchema]);
export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;

export const ProfileSchema = z.object({
  schemaVersion: z.literal(1),
  rowCount: z.number().int().min(0),
  /** Columns in file order. */
  columns: z.array(ColumnProfileSchema),
});
export type Profile = z.infer<typeof ProfileSchema>;
