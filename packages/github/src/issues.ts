import type { GitHubClient } from './client.ts';
import type { RepoRef } from './repo-ref.ts';

export interface IssueSummary {
  number: number;
  body: string | null;
  isPullRequest: boolean;
  state: string;
}

/** An issue or PR (the issues endpoint serves both). */
export async function getIssue(client: GitHubClient, ref: RepoRef, issueNumber: number): Promise<IssueSummary> {
  const { data } = await client.rest.issues.get({ ...ref, issue_number: issueNumber });
  return { number: data.number, body: data.body ?? null, isPullRequest: data.pull_request != null, state: data.state };
}

/** Replaces an issue's or PR's body (the issues endpoint accepts either permission). */
export async function setIssueBody(
  client: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
  body: string,
): Promise<void> {
  await client.rest.issues.update({ ...ref, issue_number: issueNumber, body });
}
