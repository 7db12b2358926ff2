// The train step's view of the run, from the runner context the entry read
// once: which branch its checkpoints belong to, which run and attempt it is.
// A fork's branch is named with its repository, so a fork whose branch is
// called `main` can never write checkpoints the default branch's runs would
// restore.
import { sourceCommit, type RunnerContext } from '@mlship/runner-context';
import type { GuardFacts } from './fork-guard.ts';
import type { TrainContext } from './train.ts';

function at(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const key of keys) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const fullName = (context: Pick<RunnerContext, 'repo'>) =>
  context.repo ? `${context.repo.owner}/${context.repo.repo}` : undefined;

/** The branch whose checkpoints a run reads and writes. */
export function checkpointBranch(context: Pick<RunnerContext, 'repo' | 'eventName' | 'payload' | 'ref'>): string {
  const { payload } = context;
  const repository = fullName(context) ?? '';
  const qualify = (branch: string, headRepo: string | undefined) =>
    headRepo && headRepo.toLowerCase() !== repository.toLowerCase() ? `${headRepo}:${branch}` : branch;
  if (context.eventName === 'workflow_run') {
    const branch = text(at(payload, 'workflow_run', 'head_branch'));
    if (branch) return qualify(branch, text(at(payload, 'workflow_run', 'head_repository', 'full_name')));
  }
  const pullBranch = text(at(payload, 'pull_request', 'head', 'ref'));
  if (pullBranch)
    return qualify(pullBranch, text(at(payload, 'pull_request', 'head', 'repo', 'full_name')) ?? 'a deleted fork');
  // GITHUB_REF_NAME's spelling: the branch or tag name, `N/merge` for a pull request's ref.
  return text(context.ref?.replace(/^refs\/(heads|tags|pull)\//, '')) ?? 'local';
}

/**
 * The train step's context. `env` is the step's environment, which the
 * training command's own environment is built from; the run is read from the
 * runner context only.
 */
export function trainContextFromRunner(context: RunnerContext, env: Record<string, string | undefined>): TrainContext {
  const repository = fullName(context);
  const pullRequest = at(context.payload, 'pull_request', 'number');
  const workflowRunPr = at(context.payload, 'workflow_run', 'pull_requests', '0', 'number');
  return {
    workspace: context.workspace,
    env,
    runnerName: context.runner.name ?? 'this machine',
    runner: context.runner,
    run: context.run ?? { id: `local-${Date.now()}`, attempt: 1 },
    repository,
    commit: sourceCommit(context),
    ref: context.ref,
    branch: checkpointBranch(context),
    defaultBranch: text(at(context.payload, 'repository', 'default_branch')),
    pullRequest:
      typeof pullRequest === 'number' ? pullRequest : typeof workflowRunPr === 'number' ? workflowRunPr : undefined,
    defaultName: context.repo?.repo ?? 'model',
  };
}

/** The fork guard's facts from the runner context. */
export function guardFactsFromRunner(context: RunnerContext, approvalEnvironment: string): GuardFacts {
  return {
    // Runners before 2.300 do not set it; those are treated as self-hosted.
    runnerEnvironment: context.runner.environment ?? (context.inActions ? undefined : 'github-hosted'),
    eventName: context.eventName,
    repository: fullName(context) ?? '',
    payload: context.payload,
    workflowRef: context.workflowRef,
    sha: context.sha,
    approvalEnvironment,
  };
}
