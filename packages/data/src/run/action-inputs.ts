import { z } from 'zod';
import { FailOnSchema } from './data-test.ts';

/** The data-test action's inputs (camelCase here, kebab-case in action.yml). */
export const DataTestActionInputsSchema = z.object({
  data: z.string({ error: 'is required' }),
  expectations: z.string().optional(),
  /** A profile file, or a registry reference (churn@prod) whose data-profile asset is used. */
  referenceProfile: z.string().optional(),
  /** Where registry references resolve: github:owner/repo (default: this repository) or local:DIR. */
  registry: z.string().optional(),
  token: z.string().optional(),
  driftConfig: z.string().optional(),
  failOn: FailOnSchema.default('error'),
  outputDir: z.string().default('mlship-data'),
  /** A model name: keep one issue for it open while the step fails, closed when a run passes. */
  trackingIssue: z.string().optional(),
});
export type DataTestActionInputs = z.infer<typeof DataTestActionInputsSchema>;
