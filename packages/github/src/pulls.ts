import type { GitHubClient } from './client.ts';
import type { RepoRef } from './repo-ref.ts';

export interface PullRequestHead {
  number: number;
  headSha: string;
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
): Promise<PullRequestHead[]> {
  const { data } = await client.rest.pulls.list({
    ...ref,
    head: `${headOwner}:${branch}`,
    state: 'open',
    per_page: 100,
  });
  return data.map((p) => ({ number: p.number, headSha: p.head.sha }));
}
