// The train step's settings: the action's inputs (kebab-case in action.yml)
// and `mlship train`'s flags parse into this one schema, so both run the same
// way. Lists are one item per line or comma-separated, as in a workflow's
// `with:` block.
import { z } from 'zod';
import { BooleanInput } from '@mlship/actions-kit/boolean-input';

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(/[\n,]/)
      .map((item) => item.trim())
      .filter(Boolean),
  );
const wholeNumber = z.coerce.number({ error: 'expected a number' }).int('expected a whole number');
const positive = z.coerce.number({ error: 'expected a number' }).positive('expected a number above 0');
const fileName = z.string().regex(/^[^\0]+$/, 'expected a path');

export const TrainInputsSchema = z.object({
  /** The team's training command: a shell line, as a workflow's `run:` (not `command`: the root action dispatches on that). */
  run: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  /** The model's name: it keys the checkpoints and names the lineage. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'expected a model name (letters, digits, . _ / -)')
    .optional(),
  workingDirectory: fileName.optional(),
  gpus: wholeNumber.min(0, 'expected 0 or more').default(0),
  minFreeGpuMemoryGb: positive.optional(),
  maxGpuUtilization: z.coerce.number().min(0).max(100).default(20),
  checkpointDir: fileName.optional(),
  checkpointIntervalMinutes: positive.default(10),
  restoreFromDefaultBranch: BooleanInput.default(true),
  /** Files whose content defines the run (its config): a change starts over instead of resuming. */
  config: list,
  metricsFile: fileName.optional(),
  finalMetrics: fileName.optional(),
  modelPath: fileName.optional(),
  params: fileName.optional(),
  data: list,
  lockfiles: list,
  containerImage: z.string().optional(),
  seed: wholeNumber.min(0).optional(),
  deterministic: BooleanInput.default(false),
  timeoutMinutes: positive.optional(),
  graceSeconds: positive.default(30),
  telemetryIntervalSeconds: positive.default(5),
  /** How often the log shows a progress line (closing the output group) and the job summary is rewritten. */
  progressIntervalSeconds: positive.default(60),
  hourlyRate: z.coerce.number({ error: 'expected a number' }).nonnegative().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected a currency code such as USD')
    .default('USD'),
  passEnv: list,
  artifactName: z.string().default('mlship-model'),
  uploadArtifact: BooleanInput.default(true),
  retentionDays: wholeNumber.min(1).max(90).optional(),
  reproduce: BooleanInput.default(false),
  outputDir: fileName.default('mlship-train'),
  forkApprovalEnvironment: z.string().default('fork-training'),
  token: z.string().optional(),
});
export type TrainInputs = z.infer<typeof TrainInputsSchema>;
