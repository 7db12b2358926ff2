import type { GitHubClient } from './client.ts';
import type { RepoRef } from './repo-ref.ts';

export interface PullRequestHead {
  number: number;
  headSha: string;
}

/** What an update of an open pull request needs besides its head. */
export interface PullRequestSummary extends PullRequestHead {
  base: string;
  title: string;
  body: string | null;
  htmlUrl: string;
}

/**
 * The open PRs whose head is `headOwner:branch`, in one request: the `head`
 * filter is exact, so a branch has at most one open PR per base repository
 * and the first page is complete.
 */
export async function openPullRequestsForHead(
  client: GitHubClient,
  ref: RepoRef,
  headOwner: string,
  branch: string,
): Promise<PullRequestSummary[]> {
  const { data } = await client.rest.pulls.list({
    ...ref,
    head: `${headOwner}:${branch}`,
    state: 'open',
    per_page: 100,
  });
  return data.map((p) => ({
    number: p.number,
    headSha: p.head.sha,
    base: p.base.ref,
    title: p.title,
    body: p.body ?? null,
    htmlUrl: p.html_url,
  }));
}

/** Opens a pull request from a branch of this repository. */
export async function createPullRequest(
  client: GitHubClient,
  ref: RepoRef,
  pull: { head: string; base: string; title: string; body: string },
): Promise<PullRequestSummary> {
  const { data } = await client.rest.pulls.create({ ...ref, ...pull });
  return {
    number: data.number,
    headSha: data.head.sha,
    base: data.base.ref,
    title: data.title,
    body: data.body ?? null,
    htmlUrl: data.html_url,
  };
}

export async function updatePullRequest(
  client: GitHubClient,
  ref: RepoRef,
  pullNumber: number,
  change: { title?: string; body?: string },
): Promise<void> {
  await client.rest.pulls.update({ ...ref, pull_number: pullNumber, ...change });
}
