// Issue/PR comments and commit comments over REST. Lists always follow every
// page (octokit.paginate reads the Link header), so a comment on page 11 is
// found as surely as one on page 1 (CML and changesets/action read only the
// first page).
import type { GitHubClient } from './client.ts';
import type { RepoRef } from './repo-ref.ts';

/** A comment as stored on GitHub: issue/PR comment or commit comment alike. */
export interface StoredComment {
  /** REST id (for update URLs). */
  id: number;
  /** GraphQL node id (for authorship checks and the PR-body pointer). */
  nodeId: string;
  body: string;
  htmlUrl: string;
}

interface RestComment {
  id: number;
  node_id: string;
  body?: string | null;
  html_url: string;
}

function toStored(c: RestComment): StoredComment {
  return { id: c.id, nodeId: c.node_id, body: c.body ?? '', htmlUrl: c.html_url };
}

const PAGE_SIZE = 100;

export async function listIssueComments(
  client: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
): Promise<StoredComment[]> {
  const comments = await client.paginate(client.rest.issues.listComments, {
    ...ref,
    issue_number: issueNumber,
    per_page: PAGE_SIZE,
  });
  return comments.map(toStored);
}

/**
 * Creates an issue/PR comment with the retry plugin switched off for this
 * request: a POST whose response was lost may have created the comment, and a
 * blind retry would post it twice. Callers look again before trying again.
 */
export async function createIssueComment(
  client: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
  body: string,
): Promise<StoredComment> {
  const { data } = await client.rest.issues.createComment({
    ...ref,
    issue_number: issueNumber,
    body,
    request: { retries: 0 },
  });
  return toStored(data);
}

/** Updates in place; a PATCH with the same body is idempotent, so retries are safe. */
export async function updateIssueComment(
  client: GitHubClient,
  ref: RepoRef,
  commentId: number,
  body: string,
): Promise<StoredComment> {
  const { data } = await client.rest.issues.updateComment({ ...ref, comment_id: commentId, body });
  return toStored(data);
}

export async function deleteIssueComment(client: GitHubClient, ref: RepoRef, commentId: number): Promise<void> {
  await client.rest.issues.deleteComment({ ...ref, comment_id: commentId });
}

export async function listCommitComments(client: GitHubClient, ref: RepoRef, sha: string): Promise<StoredComment[]> {
  const comments = await client.paginate(client.rest.repos.listCommentsForCommit, {
    ...ref,
    commit_sha: sha,
    per_page: PAGE_SIZE,
  });
  return comments.map(toStored);
}

/** Like createIssueComment: never retried blindly. */
export async function createCommitComment(
  client: GitHubClient,
  ref: RepoRef,
  sha: string,
  body: string,
): Promise<StoredComment> {
  const { data } = await client.rest.repos.createCommitComment({
    ...ref,
    commit_sha: sha,
    body,
    request: { retries: 0 },
  });
  return toStored(data);
}

export async function updateCommitComment(
  client: GitHubClient,
  ref: RepoRef,
  commentId: number,
  body: string,
): Promise<StoredComment> {
  const { data } = await client.rest.repos.updateCommitComment({ ...ref, comment_id: commentId, body });
  return toStored(data);
}
