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
  /** GITHUB_SHA; defaults to the PR head, else required for push-like events */
  sha?: string;
  /** GITHUB_REF for non-PR events (default refs/heads/<default branch>) */
  ref?: string;
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
  const sha = options.sha ?? pr?.headSha;
  if (!sha) throw new Error(`webhookEvent(${name}): give a sha (or a pr)`);
  if (name === 'push') Object.assign(payload, { after: sha, ref: options.ref ?? `refs/heads/${options.repo.defaultBranch}` });
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
