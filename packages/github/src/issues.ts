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

export interface LabelledIssue {
  number: number;
  title: string;
  body: string | null;
  htmlUrl: string;
}

/**
 * The open issues (not pull requests) carrying a label, every page. Only
 * people with triage access can label an issue, so a labelled issue was not
 * planted by an outsider.
 */
export async function listOpenIssuesWithLabel(
  client: GitHubClient,
  ref: RepoRef,
  label: string,
): Promise<LabelledIssue[]> {
  const issues = await client.paginate(client.rest.issues.listForRepo, {
    ...ref,
    state: 'open',
    labels: label,
    per_page: 100,
  });
  return issues
    .filter((i) => i.pull_request == null)
    .map((i) => ({ number: i.number, title: i.title, body: i.body ?? null, htmlUrl: i.html_url }));
}

export async function createIssue(
  client: GitHubClient,
  ref: RepoRef,
  issue: { title: string; body: string; labels: string[] },
): Promise<LabelledIssue> {
  const { data } = await client.rest.issues.create({ ...ref, ...issue });
  return { number: data.number, title: data.title, body: data.body ?? null, htmlUrl: data.html_url };
}

export async function updateIssue(
  client: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
  change: { title?: string; body?: string; state?: 'open' | 'closed' },
): Promise<void> {
  await client.rest.issues.update({
    ...ref,
    issue_number: issueNumber,
    ...change,
    ...(change.state === 'closed' ? { state_reason: 'completed' as const } : {}),
  });
}
