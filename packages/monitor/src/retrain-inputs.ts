import { z } from 'zod';

/** The retrain-pr action's inputs (kebab-case in action.yml). */
export const RetrainInputsSchema = z.object({
  model: z.string({ error: 'is required' }).min(1),
  /** The monitoring report (monitor.md) that becomes the pull request's body. */
  report: z.string({ error: 'is required' }),
  /** The branch the workflow pushed; default mlship/retrain/MODEL. */
  branch: z.string().optional(),
  /** Default: the repository's default branch. */
  base: z.string().optional(),
  appToken: z.string({
    error:
      'is required: a GitHub App installation token or a PAT (a pull request opened with GITHUB_TOKEN starts no workflow)',
  }),
});
export type RetrainInputs = z.infer<typeof RetrainInputsSchema>;
