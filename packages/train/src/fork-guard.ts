// Whether this step may train here: on a self-hosted runner, code whose head
// is a fork's runs only through the path the templates use (a workflow_run
// from the default branch, after a maintainer approved the fork-training
// environment, with the default branch's code in the workspace). This catches
// a template copied with the wrong trigger; the protection against a fork
// that simply does not call this action is in repository settings
// (docs/security.md). Pure: the facts are gathered by fork-guard-facts.ts.
import { UserError } from '@mlship/errors';

export class ForkRefusedError extends UserError {
  override readonly name: string = 'ForkRefusedError';
}

export interface RunApproval {
  state: string;
  environments: string[];
  user: string;
}

export interface GuardFacts {
  /** RUNNER_ENVIRONMENT: github-hosted or self-hosted (unset on runners before 2.300: treated as self-hosted). */
  runnerEnvironment: string | undefined;
  eventName: string | undefined;
  /** GITHUB_REPOSITORY. */
  repository: string;
  payload: Record<string, unknown>;
  /** GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/file.yml@refs/heads/main. */
  workflowRef: string | undefined;
  /** GITHUB_SHA: for workflow_run and pull_request_target, the default branch's head. */
  sha: string | undefined;
  /** The environment whose approval lets a fork's data be trained (the templates' fork-training). */
  approvalEnvironment: string;
}

/** What the guard needs to look up only when a fork's head is involved. */
export interface GuardLookups {
  /** The run's deployment reviews; throws when they cannot be read. */
  approvals(): Promise<RunApproval[]>;
  /** `git rev-parse HEAD` in the workspace; undefined when it is not a git checkout. */
  workspaceHead(): Promise<string | undefined>;
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);
/** Events that run the default branch's workflow file with access to the base repository. */
const BASE_EVENTS = new Set(['workflow_run', 'pull_request_target']);

function path(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
const HOW = 'see docs/security.md';

/** Resolves when the step may train; throws ForkRefusedError with one line when it may not. */
export async function checkForkGuard(facts: GuardFacts, lookups: GuardLookups): Promise<void> {
  if (facts.runnerEnvironment === 'github-hosted') return;
  const event = facts.eventName ?? '';
  const defaultBranch = text(path(facts.payload, 'repository', 'default_branch'));
  if (PULL_REQUEST_EVENTS.has(event)) {
    const head = text(path(facts.payload, 'pull_request', 'head', 'repo', 'full_name'));
    const base = text(path(facts.payload, 'pull_request', 'base', 'repo', 'full_name')) ?? facts.repository;
    if (!same(head, base)) {
      throw new ForkRefusedError(
        `refusing to train on a self-hosted runner: this ${event} comes from ${head ? `the fork ${head}` : 'a deleted fork'}, and a fork's pull request runs its own copy of this workflow; train forks from mlship-train.yml (workflow_run, after approval): ${HOW}`,
      );
    }
    return;
  }
  if (!BASE_EVENTS.has(event)) return;
  if (facts.workflowRef && defaultBranch && !facts.workflowRef.endsWith(`@refs/heads/${defaultBranch}`)) {
    throw new ForkRefusedError(
      `refusing to train on a self-hosted runner: a ${event} workflow must come from the default branch, but GITHUB_WORKFLOW_REF is ${facts.workflowRef}; ${HOW}`,
    );
  }
  const head =
    event === 'workflow_run'
      ? text(path(facts.payload, 'workflow_run', 'head_repository', 'full_name'))
      : text(path(facts.payload, 'pull_request', 'head', 'repo', 'full_name'));
  if (same(head, facts.repository)) return;
  const author =
    event === 'workflow_run'
      ? text(path(facts.payload, 'workflow_run', 'actor', 'login'))
      : text(path(facts.payload, 'pull_request', 'user', 'login'));
  const from = head ? `the fork ${head}` : 'a deleted fork';
  const approvals = await lookups.approvals();
  const approved = approvals.some(
    (a) => a.state === 'approved' && a.environments.includes(facts.approvalEnvironment) && !same(a.user, author),
  );
  if (!approved) {
    throw new ForkRefusedError(
      `refusing to train on a self-hosted runner: this ${event} run is for ${from} and no one but its author approved the '${facts.approvalEnvironment}' environment for it; give the job 'environment: ${facts.approvalEnvironment}' with required reviewers: ${HOW}`,
    );
  }
  const headSha =
    event === 'workflow_run'
      ? text(path(facts.payload, 'workflow_run', 'head_sha'))
      : text(path(facts.payload, 'pull_request', 'head', 'sha'));
  const workspace = await lookups.workspaceHead();
  if (!workspace || !same(workspace, facts.sha) || same(workspace, headSha)) {
    throw new ForkRefusedError(
      `refusing to train on a self-hosted runner: the workspace holds ${workspace ? `commit ${workspace}` : 'no git checkout'}, not the default branch's ${facts.sha ?? 'commit'}; for ${from} check out the default branch's code and the fork's files apart, as data (path: pr): ${HOW}`,
    );
  }
}
