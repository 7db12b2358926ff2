// Where a validation is shown on GitHub besides the PR comment: the job
// summary (the full section, never truncated) and a check run whose
// conclusion is the verdict, so branch protection can require it.
import { appendFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { GitHubRequestError, gitHubError, type GitHubClient } from '@mlship/github';
import type { Verdict } from '@mlship/eval';
import { checkRunOutput, renderSection } from '@mlship/report';
import { requireRepo, sourceCommit, type RunnerContext } from '@mlship/runner-context';
import { ValidateOptionsSchema } from './validate.ts';
import type { ValidateOutcome } from './validate.ts';

/** The action's inputs: the library options plus where to publish. */
export const ValidateActionInputsSchema = ValidateOptionsSchema.extend({
  checkName: z.string().optional(),
  token: z.string().optional(),
  /** Where a NAME@stage baseline is resolved: github:<owner>/<repo> (default: this repository) or local:<dir>. */
  registry: z.string().optional(),
});

export interface PublishOptions {
  checkName: string | undefined;
  /** The entry's GitHub client; without one no check run is created. */
  client: GitHubClient | undefined;
  context: RunnerContext;
}

const CONCLUSION: Record<Verdict, 'success' | 'failure' | 'neutral'> = {
  pass: 'success',
  fail: 'failure',
  inconclusive: 'neutral',
};

export interface PublishResult {
  checkRunUrl?: string;
  /** Why no check run was created although one was asked for (the step goes on, with this as a warning). */
  warning?: string;
}

export async function publishValidation(outcome: ValidateOutcome, options: PublishOptions): Promise<PublishResult> {
  const { context, client, checkName } = options;
  if (context.stepSummaryPath) await appendFile(context.stepSummaryPath, renderSection(outcome.section));
  if (!checkName || !client) return {};
  const repo = requireRepo(context, 'the check run');
  // On pull_request events GITHUB_SHA is a merge commit, and on workflow_run
  // (the trusted half of a pull request, mlship-train.yml) the default branch's
  // head: the check belongs on the commit that was validated.
  const headSha = sourceCommit(context);
  if (!headSha) throw new InputError('GITHUB_SHA is not set; the check run needs the commit it reports on');
  const { verdict } = outcome.result;
  const failed = outcome.result.gates.filter((g) => g.verdict === 'fail');
  const title =
    verdict === 'pass'
      ? 'Candidate passes every gate'
      : verdict === 'fail'
        ? `${failed.length} gate${failed.length === 1 ? '' : 's'} failed: ${failed[0]!.gate}`
        : 'Inconclusive: more holdout rows are needed';
  try {
    const response = await client.rest.checks.create({
      ...repo,
      name: checkName,
      head_sha: headSha,
      status: 'completed',
      conclusion: CONCLUSION[verdict],
      output: checkRunOutput(title, outcome.section.markdown, context.run?.url),
    });
    return { checkRunUrl: response.data.html_url ?? undefined };
  } catch (error) {
    if (error instanceof GitHubRequestError && error.kind === 'forbidden' && context.pullRequest?.fromFork) {
      // A fork's pull_request run gets a read-only token whatever the workflow asks for: no permission fixes it.
      return {
        warning: `no '${checkName}' check run: this pull request comes from a fork, whose token cannot write checks; the verdict is in the job summary and the outputs (to get a check run, publish it from a workflow_run workflow, or set check-name to '')`,
      };
    }
    const fix = "add `permissions: checks: write` to the job, or set check-name to '' to skip the check run";
    throw gitHubError(error, {
      doing: `create the '${checkName}' check run on ${repo.owner}/${repo.repo}`,
      forbidden: fix,
      notFound: fix,
    });
  }
}
