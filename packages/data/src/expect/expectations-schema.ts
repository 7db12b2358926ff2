// The expectations file (YAML): what a data set must look like. Every check
// takes `severity` (error|warn); row checks also take `mostly`, the share of
// checked rows that must pass. Null semantics: value checks skip nulls and
// `mostly` is a share of the non-null rows; `notNull`'s `mostly` is a share
// of all rows. Shorthands (`notNull: true`, `inSet: [a, b]`, `type: number`,
// `regex: '^x'`) expand to the full form.
import { z } from 'zod';

const Severity = z.enum(['error', 'warn']);
const Common = { severity: Severity.default('error') };
const Mostly = { mostly: z.number().min(0).max(1).default(1) };
const Range = {
  min: z.number().optional(),
  max: z.number().optional(),
};
const hasBound = (r: { min?: number | undefined; max?: number | undefined }) =>
  r.min !== undefined || r.max !== undefined;
const BOUND_MESSAGE = 'give min, max or both';

/** A check written as `true` (or a bare value) means its defaults. */
function flag<T extends z.ZodRawShape>(shape: T) {
  return z.union([z.literal(true).transform(() => ({})), z.strictObject(shape)]).pipe(z.strictObject(shape));
}

export const ColumnTypeSchema = z.enum(['number', 'integer', 'string', 'boolean', 'timestamp']);

export const ColumnExpectationsSchema = z.strictObject({
  type: z
    .union([
      ColumnTypeSchema.transform((is) => ({ is })),
      z.strictObject({ is: ColumnTypeSchema, ...Mostly, ...Common }),
    ])
    .pipe(z.strictObject({ is: ColumnTypeSchema, ...Mostly, ...Common }))
    .optional(),
  notNull: flag({ ...Mostly, ...Common }).optional(),
  between: z
    .strictObject({ ...Range, ...Mostly, ...Common })
    .refine(hasBound, BOUND_MESSAGE)
    .optional(),
  inSet: z
    .union([
      z.array(z.union([z.string(), z.number(), z.boolean()])).transform((values) => ({ values })),
      z.strictObject({ values: z.array(z.union([z.string(), z.number(), z.boolean()])), ...Mostly, ...Common }),
    ])
    .pipe(
      z.strictObject({ values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1), ...Mostly, ...Common }),
    )
    .optional(),
  regex: z
    .union([
      z.string().transform((pattern) => ({ pattern })),
      z.strictObject({ pattern: z.string(), ...Mostly, ...Common }),
    ])
    .pipe(
      z.strictObject({
        pattern: z.string().refine((p) => {
          try {
            new RegExp(p, 'u');
            return true;
          } catch {
            return false;
          }
        }, 'not a valid regular expression'),
        ...Mostly,
        ...Common,
      }),
    )
    .optional(),
  unique: flag({ ...Mostly, ...Common }).optional(),
  length: z
    .strictObject({ ...Range, ...Mostly, ...Common })
    .refine(hasBound, BOUND_MESSAGE)
    .optional(),
  mean: z
    .strictObject({ ...Range, ...Common })
    .refine(hasBound, BOUND_MESSAGE)
    .optional(),
  stdev: z
    .strictObject({ ...Range, ...Common })
    .refine(hasBound, BOUND_MESSAGE)
    .optional(),
  quantiles: z
    .array(z.strictObject({ q: z.number().min(0).max(1), ...Range, ...Common }).refine(hasBound, BOUND_MESSAGE))
    .optional(),
  /** Share of non-null rows whose category the reference profile never saw. */
  newCategoryShare: z.strictObject({ max: z.number().min(0).max(1), ...Common }).optional(),
});
export type ColumnExpectations = z.infer<typeof ColumnExpectationsSchema>;

export const TableExpectationsSchema = z.strictObject({
  columns: z
    .strictObject({
      present: z.array(z.string()).default([]),
      absent: z.array(z.string()).default([]),
      /** The data's columns must be exactly `present`, in that order. */
      ordered: z.boolean().default(false),
      ...Common,
    })
    .optional(),
  rowCount: z
    .strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional(), ...Common })
    .refine(hasBound, BOUND_MESSAGE)
    .optional(),
  /** `mostly`: the share of rows that must not repeat an earlier row (1 = no duplicates). */
  duplicateRows: flag({ ...Mostly, ...Common }).optional(),
  /** The newest value of a timestamp column must be at most this old. */
  freshness: z.strictObject({ column: z.string(), maxAgeHours: z.number().positive(), ...Common }).optional(),
});
export type TableExpectations = z.infer<typeof TableExpectationsSchema>;

export const ExpectationsSchema = z.strictObject({
  schemaVersion: z.literal(1),
  table: TableExpectationsSchema.default({}),
  columns: z.record(z.string(), ColumnExpectationsSchema).default({}),
});
export type Expectations = z.infer<typeof ExpectationsSchema>;
export type Severity = z.infer<typeof Severity>;
