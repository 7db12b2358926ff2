import { z } from 'zod';
import { BooleanInput } from '@mlship/actions-kit/boolean-input';
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
  /** The model's name in the registry: the tracking issue is the model's. */
  model: z.string().optional(),
  /** Keep one issue for the model open while the step fails, closed when a run passes. */
  trackingIssue: BooleanInput.default(false),
});
export type DataTestActionInputs = z.infer<typeof DataTestActionInputsSchema>;
