// Where a report goes, decided from the target input and the event alone;
// the one lookup it may need (the open PR of a branch) is passed in.
import { z } from 'zod';
import { GitHubAccessError } from '@mlship/errors';
import type { PullRequestHead, RepoRef } from '@mlship/github';

export type ReportTarget = { kind: 'issue'; number: number } | { kind: 'commit'; sha: string };

export const TargetInputSchema = z
  .string()
  .regex(
    /^(auto|pr|commit|pr\/[1-9]\d*|issue\/[1-9]\d*|commit\/[0-9a-fA-F]{7,40})$/,
    'expected auto, pr, pr/N, commit, commit/SHA or issue/N',
  );

export type TargetInput = z.infer<typeof TargetInputSchema>;

/** The parts of the workflow run's context that decide the target. */
export interface EventContext {
  /** GITHUB_EVENT_NAME */
  eventName: string;
  /** The webhook payload at GITHUB_EVENT_PATH ({} outside Actions). */
  payload: unknown;
  /** GITHUB_SHA */
  sha: string;
  /** GITHUB_REF, e.g. refs/heads/feature */
  ref: string;
  repo: RepoRef;
}

export interface TargetLookups {
  openPullRequestsForHead(headOwner: string, branch: string): Promise<PullRequestHead[]>;
}

export interface ResolvedTarget {
  target: ReportTarget;
  /**
   * The PR/issue body as the event carried it. It may be stale, so it is only
   * a hint where the comment pointer may be; the pointed comment is verified.
   */
  bodyHint: string | null | undefined;
  /** True when the target is known to be an issue, not a PR (the permission it needs differs). */
  plainIssue?: boolean;
}

const PullRequestEvent = z.object({
  pull_request: z.object({ number: z.number(), body: z.string().nullish(), head: z.object({ sha: z.string() }) }),
});
const IssueEvent = z.object({
  issue: z.object({ number: z.number(), body: z.string().nullish(), pull_request: z.unknown().optional() }),
});
const PushEvent = z.object({ ref: z.string(), after: z.string().optional() });
const WorkflowRunEvent = z.object({
  workflow_run: z.object({
    head_sha: z.string(),
    head_branch: z.string().nullish(),
    head_repository: z.object({ owner: z.object({ login: z.string() }) }).nullish(),
    pull_requests: z.array(z.object({ number: z.number() })).default([]),
  }),
});

export function describeTarget(repo: RepoRef, target: ReportTarget): string {
  return target.kind === 'issue'
    ? `${repo.owner}/${repo.repo}#${target.number}`
    : `commit ${target.sha.slice(0, 12)} of ${repo.owner}/${repo.repo}`;
}

/** The commit a commit comment belongs on: never the PR's ephemeral merge commit. */
function eventCommit(context: EventContext): string {
  const pr = PullRequestEvent.safeParse(context.payload);
  if (pr.success) return pr.data.pull_request.head.sha;
  const run = WorkflowRunEvent.safeParse(context.payload);
  if (context.eventName === 'workflow_run' && run.success) return run.data.workflow_run.head_sha;
  const push = PushEvent.safeParse(context.payload);
  if (context.eventName === 'push' && push.success && push.data.after && !/^0+$/.test(push.data.after))
    return push.data.after;
  return context.sha;
}

function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/** The PR the event is about, if any; undefined means "post on the commit". */
async function eventPullRequest(context: EventContext, lookups: TargetLookups): Promise<ResolvedTarget | undefined> {
  const { eventName, payload } = context;
  if (eventName === 'pull_request' || eventName === 'pull_request_target' || eventName === 'pull_request_review') {
    const pr = PullRequestEvent.safeParse(payload);
    if (pr.success)
      return { target: { kind: 'issue', number: pr.data.pull_request.number }, bodyHint: pr.data.pull_request.body };
  }
  if (eventName === 'issue_comment' || eventName === 'issues') {
    const issue = IssueEvent.safeParse(payload);
    if (issue.success) {
      return {
        target: { kind: 'issue', number: issue.data.issue.number },
        bodyHint: issue.data.issue.body,
        plainIssue: issue.data.issue.pull_request == null,
      };
    }
  }
  if (eventName === 'workflow_run') {
    // The safe fork pattern: the unprivileged run's PR. GitHub leaves
    // pull_requests empty for fork PRs, so look the head branch up then.
    const run = WorkflowRunEvent.safeParse(payload);
    if (!run.success) return undefined;
    const first = run.data.workflow_run.pull_requests[0];
    if (first) return { target: { kind: 'issue', number: first.number }, bodyHint: undefined };
    const { head_branch: branch, head_repository: headRepo, head_sha: headSha } = run.data.workflow_run;
    if (!branch || !headRepo) return undefined;
    const pulls = await lookups.openPullRequestsForHead(headRepo.owner.login, branch);
    const pull = pulls.find((p) => p.headSha === headSha) ?? pulls[0];
    return pull ? { target: { kind: 'issue', number: pull.number }, bodyHint: undefined } : undefined;
  }
  // push, workflow_dispatch, schedule...: the open PR of the branch, if any.
  const push = PushEvent.safeParse(payload);
  const branch = branchOf(eventName === 'push' && push.success ? push.data.ref : context.ref);
  if (!branch) return undefined;
  const pull = (await lookups.openPullRequestsForHead(context.repo.owner, branch))[0];
  return pull ? { target: { kind: 'issue', number: pull.number }, bodyHint: undefined } : undefined;
}

/** Resolves the `target` input against the event; see docs/report.md for the table. */
export async function resolveTarget(
  input: TargetInput,
  context: EventContext,
  lookups: TargetLookups,
): Promise<ResolvedTarget> {
  const [kind, value] = input.split('/', 2) as [string, string | undefined];
  if (value !== undefined) {
    return kind === 'commit'
      ? { target: { kind: 'commit', sha: value.toLowerCase() }, bodyHint: undefined }
      : { target: { kind: 'issue', number: Number(value) }, bodyHint: undefined, plainIssue: kind === 'issue' };
  }
  if (kind === 'commit') return { target: { kind: 'commit', sha: eventCommit(context) }, bodyHint: undefined };
  const pull = await eventPullRequest(context, lookups);
  if (pull) return pull;
  if (kind === 'pr') {
    const branch = branchOf(context.ref);
    const where = branch
      ? `no open pull request has head '${branch}' in ${context.repo.owner}/${context.repo.repo}`
      : `the '${context.eventName}' event names no pull request`;
    throw new GitHubAccessError(
      `report: target 'pr' found no pull request: ${where}; open one, set target: pr/NUMBER, or use target: auto to fall back to a commit comment`,
    );
  }
  return { target: { kind: 'commit', sha: eventCommit(context) }, bodyHint: undefined };
}
