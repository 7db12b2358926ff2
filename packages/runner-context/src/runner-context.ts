// The run an entry point works for: which repository and commit, which event,
// who started it, where GitHub's API is. Read once at the entry (from the
// runner's environment in an action; from flags, git and the environment in the
// CLI) and handed down, so nothing below the entries reads process.env.
import { z } from 'zod';
import { InputError } from '@mlship/errors';

/** `owner/name`, as GITHUB_REPOSITORY and `--repo` spell a repository. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** A repository as the REST API names it (`{ owner, repo }` spreads into octokit calls). */
export interface RunnerRepo {
  owner: string;
  repo: string;
}

/** The pull request a `pull_request*` event is about, from its payload. */
export interface PullRequestHead {
  number: number;
  /** The PR's head commit: on pull_request events GITHUB_SHA is GitHub's temporary merge commit instead. */
  headSha: string;
  headRef: string;
  /** `owner/name` of the head repository; null when the fork was deleted. */
  headRepo: string | null;
  baseRef: string;
  /** The head lives in another repository, so the job's token is read-only whatever the workflow asks. */
  fromFork: boolean;
}

export interface RunnerContext {
  /** GITHUB_ACTIONS=true: inside a workflow job. */
  inActions: boolean;
  /** GITHUB_REPOSITORY (or the CLI's --repo); `requireRepo` when a step cannot go on without it. */
  repo: RunnerRepo | undefined;
  /** What sets the repository besides GITHUB_REPOSITORY (the CLI's --repo), for the message when it is unknown. */
  repoFlag: string | undefined;
  /** GITHUB_SHA (or the CLI's git HEAD). */
  sha: string | undefined;
  /** GITHUB_REF, e.g. refs/heads/main, refs/pull/12/merge (or the CLI's git branch). */
  ref: string | undefined;
  /** GITHUB_EVENT_NAME. */
  eventName: string | undefined;
  /** The webhook payload at GITHUB_EVENT_PATH; {} outside a workflow. */
  payload: Record<string, unknown>;
  pullRequest: PullRequestHead | undefined;
  /** On workflow_run events, the commit the triggering run worked on (GITHUB_SHA is the default branch's head there). */
  triggeringHeadSha: string | undefined;
  /** The workflow run: GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT and its page. */
  run: { id: string; attempt: number; url: string } | undefined;
  /** GITHUB_ACTOR (or the CLI user). */
  actor: string | undefined;
  /** GITHUB_WORKSPACE (or the CLI's working directory): relative paths resolve here. */
  workspace: string;
  workflow: string | undefined;
  /** GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/file.yml@refs/heads/main. */
  workflowRef: string | undefined;
  job: string | undefined;
  /** GITHUB_ACTION: the step's id (numbered when one action runs twice in a job). */
  step: string | undefined;
  /** GITHUB_API_URL: github.com, GitHub Enterprise Server, or the emulator. */
  apiUrl: string;
  /** GITHUB_SERVER_URL, for web links. */
  serverUrl: string;
  /** GITHUB_GRAPHQL_URL. */
  graphqlUrl: string;
  /** GITHUB_STEP_SUMMARY: the job summary file of this step, when there is one. */
  stepSummaryPath: string | undefined;
  /**
   * RUNNER_NAME, RUNNER_ENVIRONMENT (github-hosted or self-hosted; unset on
   * runners before 2.300) and RUNNER_TEMP (emptied after every job).
   */
  runner: { name: string | undefined; environment: string | undefined; temp: string | undefined };
}

/**
 * The run's repository, for a step that cannot go on without it; the one
 * message when it is unknown names GITHUB_REPOSITORY and, in the CLI, --repo.
 */
export function requireRepo(context: Pick<RunnerContext, 'repo' | 'repoFlag'>, purpose: string): RunnerRepo {
  if (context.repo) return context.repo;
  const fix = context.repoFlag
    ? `pass ${context.repoFlag} owner/name or set GITHUB_REPOSITORY`
    : 'run the step in a GitHub Actions job, or set it to owner/name';
  throw new InputError(`the repository is unknown (${purpose} needs it): GITHUB_REPOSITORY is not set; ${fix}`);
}

/**
 * The commit a run works on: the PR head on pull_request events (GITHUB_SHA is
 * GitHub's temporary merge commit there), the triggering run's head on
 * workflow_run events (the trusted half of a pull request, where GITHUB_SHA is
 * the default branch's head), else GITHUB_SHA.
 */
export function sourceCommit(
  context: Pick<RunnerContext, 'pullRequest' | 'triggeringHeadSha' | 'sha'>,
): string | undefined {
  return context.pullRequest?.headSha ?? context.triggeringHeadSha ?? context.sha;
}

const PullRequestPayloadSchema = z.object({
  pull_request: z.object({
    number: z.number().int().positive(),
    head: z.object({ sha: z.string(), ref: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
    base: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }) }),
  }),
});

/** The PR of a pull_request, pull_request_target or pull_request_review payload; undefined for other events. */
export function pullRequestOfPayload(payload: unknown): PullRequestHead | undefined {
  const parsed = PullRequestPayloadSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const { number, head, base } = parsed.data.pull_request;
  const headRepo = head.repo?.full_name ?? null;
  return {
    number,
    headSha: head.sha,
    headRef: head.ref,
    headRepo,
    baseRef: base.ref,
    fromFork: headRepo?.toLowerCase() !== base.repo.full_name.toLowerCase(),
  };
}

const WorkflowRunPayloadSchema = z.object({ workflow_run: z.object({ head_sha: z.string() }) });

/** The head commit of the run a workflow_run event names; undefined for other events. */
export function triggeringHeadOfPayload(payload: unknown): string | undefined {
  const parsed = WorkflowRunPayloadSchema.safeParse(payload);
  return parsed.success ? parsed.data.workflow_run.head_sha : undefined;
}

/**
 * GitHub's GraphQL endpoint for a REST base URL: api.github.com/graphql on
 * github.com and GHE.com, /api/graphql beside /api/v3 on GitHub Enterprise Server.
 */
export function graphqlUrlFor(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base) ? base.replace(/\/api\/v3$/, '/api/graphql') : `${base}/graphql`;
}
