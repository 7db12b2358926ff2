// Where a validation is shown on GitHub besides the PR comment: the job
// summary (the full section, never truncated) and a check run whose
// conclusion is the verdict, so branch protection can require it.
import { appendFile, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { GitHubAccessError, InputError } from '@mlship/errors';
import { createGitHubClient } from '@mlship/github';
import type { GitHubClient } from '@mlship/github';
import type { Verdict } from '@mlship/eval';
import { checkRunOutput, renderSection } from '@mlship/report';
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
  token: string | undefined;
  env: Record<string, string | undefined>;
  /** Injected client (tests); otherwise built from the token and GITHUB_API_URL. */
  client?: GitHubClient;
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
  const { env } = options;
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(summaryFile, renderSection(outcome.section));
  if (!options.checkName || !(options.token || options.client)) return {};
  const repository = env.GITHUB_REPOSITORY;
  if (!repository?.includes('/'))
    throw new InputError(`GITHUB_REPOSITORY is not set; the check run needs the repository (owner/name)`);
  const [owner, repo] = repository.split('/') as [string, string];
  const headSha = (await pullRequestHead(env)) ?? env.GITHUB_SHA;
  if (!headSha) throw new InputError('GITHUB_SHA is not set; the check run needs the commit it reports on');
  const client =
    options.client ??
    createGitHubClient({ token: options.token!, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) });
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
      owner,
      repo,
      name: options.checkName,
      head_sha: headSha,
      status: 'completed',
      conclusion: CONCLUSION[verdict],
      output: checkRunOutput(title, outcome.section.markdown, runUrl(env)),
    });
    return { checkRunUrl: response.data.html_url ?? undefined };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 && (await isForkPullRequest(env))) {
      // A fork's pull_request run gets a read-only token whatever the workflow asks for: no permission fixes it.
      return {
        warning: `no '${options.checkName}' check run: this pull request comes from a fork, whose token cannot write checks; the verdict is in the job summary and the outputs (to get a check run, publish it from a workflow_run workflow, or set check-name to '')`,
      };
    }
    if (status === 403 || status === 404) {
      throw new GitHubAccessError(
        `cannot create the '${options.checkName}' check run on ${repository} (HTTP ${status}); give the job 'permissions: checks: write', or set check-name to '' to skip it`,
        { status, cause: error },
      );
    }
    throw error;
  }
}

function runUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
}

interface PullRequestEvent {
  pull_request?: {
    head?: { sha?: string; repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } };
  };
  workflow_run?: { head_sha?: string };
}

async function readEvent(env: Record<string, string | undefined>): Promise<PullRequestEvent | undefined> {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    return JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as PullRequestEvent;
  } catch {
    return undefined;
  }
}

/**
 * On pull_request events GITHUB_SHA is a merge commit, and on workflow_run
 * (the trusted half of a pull request, mlship-train.yml) the default branch's
 * head: the check belongs on the commit that was validated, the PR's head.
 */
async function pullRequestHead(env: Record<string, string | undefined>): Promise<string | undefined> {
  const event = await readEvent(env);
  return event?.pull_request?.head?.sha ?? event?.workflow_run?.head_sha;
}

/** The head repository differs from the base (a deleted fork's head repo is null). */
async function isForkPullRequest(env: Record<string, string | undefined>): Promise<boolean> {
  const pr = (await readEvent(env))?.pull_request;
  if (!pr) return false;
  return pr.head?.repo?.full_name !== pr.base?.repo?.full_name;
}
