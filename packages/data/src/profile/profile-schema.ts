// The profile file: versioned, JSON, mergeable. Raw sketch states are kept so
// profiles of shards merge into the profile of the whole; the derived fields
// (stdev, percentiles, distinctEstimate) are recomputed on every merge.
// Version 2 replaced the quantile sketch of version 1 by a rank summary with
// exact counts (or known bounds after a merge); version 1 files are refused
// with the command that re-creates them.
import { z } from 'zod';
import { RankSummarySchema } from '../sketch/rank-summary.ts';
import { HllStateSchema } from '../sketch/hyperloglog.ts';
import { FrequentItemsStateSchema } from '../sketch/frequent-items.ts';

export const PROFILE_SCHEMA_VERSION = 2;

export const PERCENTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

export const HistogramSchema = z.object({
  /** Bin i holds cuts[i-1] < v <= cuts[i]; the first and last bins are open-ended. */
  cuts: z.array(z.number()),
  counts: z.array(z.number().min(0)),
  /** True when every count is exact; false when read from a merged summary's bounds (the middle). */
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
  /** Exact number of distinct finite values; null when not known exactly (a merged profile). */
  distinctCount: z.number().int().min(0).nullable(),
  /** Counts below and at a few hundred points: exact when built from data, bounded after a merge. */
  quantileSummary: RankSummarySchema,
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
  /** Exact number of distinct values; null when not known exactly (a merged profile beyond the top values' capacity). */
  distinctCount: z.number().int().min(0).nullable(),
  /** Non-null values that are ISO 8601 dates or date-times (text timestamps). */
  dateTextCount: z.number().int().min(0),
  topValues: FrequentItemsStateSchema,
  distinctSketch: HllStateSchema,
});
export type CategoricalProfile = z.infer<typeof CategoricalProfileSchema>;

export const ColumnProfileSchema = z.discriminatedUnion('kind', [NumericProfileSchema, CategoricalProfileSchema]);
export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;

export const ProfileSchema = z.object({
  schemaVersion: z.literal(PROFILE_SCHEMA_VERSION),
  rowCount: z.number().int().min(0),
  /** Columns in file order. */
  columns: z.array(ColumnProfileSchema),
});
export type Profile = z.infer<typeof ProfileSchema>;
