// Webhook payloads for GITHUB_EVENT_PATH: real examples from
// @octokit/webhooks-examples, rewritten to point at an emulator repository.
import { createRequire } from 'node:module';
import type { PullRequestHandle, RepoHandle } from '@mlship/github-emulator';

export interface WebhookEvent {
  /** GITHUB_EVENT_NAME */
  name: string;
  payload: Record<string, unknown>;
  /** the commit the run is for (GITHUB_SHA) */
  sha: string;
  /** GITHUB_REF */
  ref: string;
  headRef?: string;
  baseRef?: string;
}

export interface WebhookEventOptions {
  repo: RepoHandle;
  pr?: PullRequestHandle;
  /** GITHUB_SHA; defaults to the PR head (the PR base for workflow_run), else required */
  sha?: string;
  /** GITHUB_REF for non-PR events (default refs/heads/<default branch>) */
  ref?: string;
  /**
   * workflow_run events for a PR from a fork owned by this login: GitHub then
   * leaves `workflow_run.pull_requests` empty and names the fork as head_repository.
   */
  forkOwner?: string;
}

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, unknown>>;
}

let examples: ExampleGroup[] | undefined;

/** A real `name`/`action` payload (action '' for events without one) rewritten for `options.repo`. */
export function webhookEvent(name: string, action: string, options: WebhookEventOptions): WebhookEvent {
  examples ??= createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];
  const group = examples.find((g) => g.name === name);
  const example = group?.examples.find((e) => (action === '' ? e['action'] === undefined : e['action'] === action));
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${name}${action ? `.${action}` : ''} example`);
  const original = (example['repository'] as { full_name?: string } | undefined)?.full_name;
  let text = JSON.stringify(example);
  if (original) text = text.split(original).join(options.repo.fullName);
  const payload = JSON.parse(text) as Record<string, unknown>;
  rewriteRepository(payload, options.repo);
  const pr = options.pr;
  const pull = payload['pull_request'] as Record<string, unknown> | undefined;
  if (pr && pull) {
    payload['number'] = pr.number;
    pull['number'] = pr.number;
    Object.assign(pull['head'] as object, { sha: pr.headSha, ref: pr.head, label: `${options.repo.owner}:${pr.head}` });
    Object.assign(pull['base'] as object, { sha: pr.baseSha, ref: pr.base, label: `${options.repo.owner}:${pr.base}` });
    rewriteRepository(pull['head'] as Record<string, unknown>, options.repo, 'repo');
    rewriteRepository(pull['base'] as Record<string, unknown>, options.repo, 'repo');
  }
  // A workflow_run workflow runs on the default branch (GITHUB_SHA is its tip, approximated
  // by the PR's base); the PR's head is the triggering run's head_sha.
  const sha = options.sha ?? (name === 'workflow_run' ? pr?.baseSha : pr?.headSha);
  if (!sha) throw new Error(`webhookEvent(${name}): give a sha (or a pr)`);
  const run = payload['workflow_run'] as Record<string, unknown> | undefined;
  if (run) rewriteWorkflowRun(run, options, pr?.headSha ?? sha);
  if (name === 'push')
    Object.assign(payload, { after: sha, ref: options.ref ?? `refs/heads/${options.repo.defaultBranch}` });
  if (pr && (name === 'pull_request' || name === 'pull_request_target')) {
    return { name, payload, sha, ref: `refs/pull/${pr.number}/merge`, headRef: pr.head, baseRef: pr.base };
  }
  return { name, payload, sha, ref: options.ref ?? `refs/heads/${options.repo.defaultBranch}` };
}

function rewriteRepository(holder: Record<string, unknown>, repo: RepoHandle, key = 'repository'): void {
  const repository = holder[key] as Record<string, unknown> | undefined;
  if (!repository) return;
  repository['id'] = repo.id;
  repository['name'] = repo.name;
  repository['full_name'] = repo.fullName;
  repository['default_branch'] = repo.defaultBranch;
  const owner = repository['owner'] as Record<string, unknown> | undefined;
  if (owner) owner['login'] = repo.owner;
}

/** The triggering run of a workflow_run event: the PR's run when a pr is given. */
function rewriteWorkflowRun(run: Record<string, unknown>, options: WebhookEventOptions, headSha: string): void {
  const { repo, pr } = options;
  rewriteRepository(run, repo, 'repository');
  rewriteRepository(run, repo, 'head_repository');
  run['head_sha'] = headSha;
  run['head_branch'] = pr?.head ?? repo.defaultBranch;
  if (!pr) return;
  run['event'] = 'pull_request';
  run['conclusion'] ??= 'success';
  if (options.forkOwner) {
    const head = run['head_repository'] as Record<string, unknown>;
    head['full_name'] = `${options.forkOwner}/${repo.name}`;
    (head['owner'] as Record<string, unknown>)['login'] = options.forkOwner;
    head['id'] = repo.id + 1;
    run['pull_requests'] = [];
    return;
  }
  const repoRef = { id: repo.id, name: repo.name, url: `https://api.github.com/repos/${repo.fullName}` };
  run['pull_requests'] = [
    {
      id: pr.id,
      number: pr.number,
      url: `https://api.github.com/repos/${repo.fullName}/pulls/${pr.number}`,
      head: { ref: pr.head, sha: pr.headSha, repo: repoRef },
      base: { ref: pr.base, sha: pr.baseSha, repo: repoRef },
    },
  ];
}
