// The retraining pull request: the workflow pushed a branch with the fresh
// data pointer (or config); this opens the pull request from it with the
// monitoring report as its body, or updates the one already open, so a
// model has one retraining pull request however often the monitor fires.
// Opened with a GitHub App token (or a PAT), the pull request starts the
// usual pull-request workflows (train, validate, report), which a pull
// request opened with GITHUB_TOKEN would not.
import {
  createPullRequest,
  openPullRequestsForHead,
  updatePullRequest,
  type GitHubClient,
  type RepoRef,
} from '@mlship/github';
import { COMMENT_LIMIT_CHARS, codeSpan, escapeText, truncateMarkdown, truncationNote } from '@mlship/report';

export interface RetrainPullRequestOptions {
  model: string;
  /** The branch the workflow pushed. */
  head: string;
  base: string;
  /** The monitoring report (markdown, escaped). */
  report: string;
  runUrl?: string | undefined;
}

export interface RetrainPullRequestResult {
  action: 'opened' | 'updated' | 'unchanged';
  number: number;
  url: string;
}

export function retrainMarker(model: string): string {
  return `<!-- mlship:retrain model="${encodeURIComponent(model)}" -->`;
}

export function retrainBranch(model: string): string {
  // Registry names allow '/', which is a valid ref path; nothing else needs changing.
  return `mlship/retrain/${model}`;
}

export async function openRetrainPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  options: RetrainPullRequestOptions,
): Promise<RetrainPullRequestResult> {
  const title = `Retrain ${options.model} on fresh data`;
  const intro = `The monitor found that ${codeSpan(options.model)} needs retraining; this pull request trains it on fresh data from ${codeSpan(options.head)}. ${escapeText('Its checks validate the new version against production; merging it releases the version, and the deploy promotes it through a canary.')}\n\n`;
  const marker = `${retrainMarker(options.model)}\n`;
  const body =
    marker +
    truncateMarkdown(intro + options.report, {
      limitChars: COMMENT_LIMIT_CHARS - marker.length,
      note: truncationNote(options.runUrl),
    }).markdown;
  const open = (await openPullRequestsForHead(client, repo, repo.owner, options.head)).find(
    (p) => p.base === options.base,
  );
  if (!open) {
    const created = await createPullRequest(client, repo, { head: options.head, base: options.base, title, body });
    return { action: 'opened', number: created.number, url: created.htmlUrl };
  }
  if (open.body === body && open.title === title)
    return { action: 'unchanged', number: open.number, url: open.htmlUrl };
  await updatePullRequest(client, repo, open.number, { title, body });
  return { action: 'updated', number: open.number, url: open.htmlUrl };
}
