// The train step's view of the run, from the runner's variables and the
// event payload: which branch its checkpoints belong to, which run and
// attempt it is. A fork's branch is named with its repository, so a fork
// whose branch is called `main` can never write checkpoints the default
// branch's runs would restore.
import type { GuardFacts } from './fork-guard.ts';
import type { TrainContext } from './train.ts';

function at(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const key of keys) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export interface RunnerFacts {
  env: Record<string, string | undefined>;
  payload: Record<string, unknown>;
  workspace: string;
}

/** The branch whose checkpoints a run reads and writes. */
export function checkpointBranch(env: Record<string, string | undefined>, payload: Record<string, unknown>): string {
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const qualify = (branch: string, headRepo: string | undefined) =>
    headRepo && headRepo.toLowerCase() !== repository.toLowerCase() ? `${headRepo}:${branch}` : branch;
  const event = env['GITHUB_EVENT_NAME'];
  if (event === 'workflow_run') {
    const branch = text(at(payload, 'workflow_run', 'head_branch'));
    if (branch) return qualify(branch, text(at(payload, 'workflow_run', 'head_repository', 'full_name')));
  }
  const pullBranch = text(at(payload, 'pull_request', 'head', 'ref'));
  if (pullBranch)
    return qualify(pullBranch, text(at(payload, 'pull_request', 'head', 'repo', 'full_name')) ?? 'a deleted fork');
  return (
    text(env['GITHUB_HEAD_REF']) ??
    text(env['GITHUB_REF_NAME']) ??
    text(env['GITHUB_REF']?.replace(/^refs\/heads\//, '')) ??
    'local'
  );
}

export function trainContextFromRunner(facts: RunnerFacts): TrainContext {
  const { env, payload } = facts;
  const repository = text(env['GITHUB_REPOSITORY']);
  const runId = text(env['GITHUB_RUN_ID']);
  const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  const pullRequest = at(payload, 'pull_request', 'number');
  const workflowRunPr = at(payload, 'workflow_run', 'pull_requests', '0', 'number');
  const headSha =
    text(at(payload, 'pull_request', 'head', 'sha')) ??
    (env['GITHUB_EVENT_NAME'] === 'workflow_run' ? text(at(payload, 'workflow_run', 'head_sha')) : undefined);
  return {
    workspace: facts.workspace,
    env,
    runnerName: text(env['RUNNER_NAME']) ?? 'this machine',
    run: {
      id: runId ?? `local-${Date.now()}`,
      attempt: Number(env['GITHUB_RUN_ATTEMPT'] ?? '1') || 1,
      url: repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined,
    },
    repository,
    commit: headSha ?? text(env['GITHUB_SHA']),
    ref: text(env['GITHUB_REF']),
    branch: checkpointBranch(env, payload),
    defaultBranch: text(at(payload, 'repository', 'default_branch')),
    pullRequest:
      typeof pullRequest === 'number' ? pullRequest : typeof workflowRunPr === 'number' ? workflowRunPr : undefined,
    defaultName: repository?.split('/')[1] ?? 'model',
  };
}

/** The fork guard's facts from the runner's variables and the event payload. */
export function guardFactsFromRunner(facts: RunnerFacts, approvalEnvironment: string): GuardFacts {
  const { env } = facts;
  return {
    // Runners before 2.300 do not set it; those are treated as self-hosted.
    runnerEnvironment:
      text(env['RUNNER_ENVIRONMENT']) ?? (env['GITHUB_ACTIONS'] === 'true' ? undefined : 'github-hosted'),
    eventName: text(env['GITHUB_EVENT_NAME']),
    repository: env['GITHUB_REPOSITORY'] ?? '',
    payload: facts.payload,
    workflowRef: text(env['GITHUB_WORKFLOW_REF']),
    sha: text(env['GITHUB_SHA']),
    approvalEnvironment,
  };
}
