// Issue/PR comments and commit comments over REST. Lists always follow every
// page (octokit.paginate reads the Link header), so a comment on page 11 is
// found as surely as one on page 1 (CML and changesets/action read only the
// first page).
import type { GitHubClient } from './client.ts';
import type { RepoRef } from './repo-ref.ts';

/**
 * A comment's REST id as decimal digits, the one form ids take in mlship.
 * github.com's issue-comment ids are past 2^31 (3,110,844,786 in 2025), beyond
 * GraphQL's 32-bit `databaseId`; GraphQL sends the full id (`fullDatabaseId`,
 * a BigInt) as a string, so ids stay strings through GraphQL, the PR-body
 * pointer and action outputs, and no step can narrow them. REST sends JSON
 * numbers, exact in JavaScript up to 2^53; they become strings on arrival.
 */
export type CommentId = string;

/** The number a REST path parameter takes; refuses what JSON could not have carried exactly. */
function restId(id: CommentId): number {
  const value = Number(id);
  if (!/^[1-9]\d*$/.test(id) || !Number.isSafeInteger(value))
    throw new Error(`comment id '${id}' is not a REST id (decimal digits below 2^53)`);
  return value;
}

/** A comment as stored on GitHub: issue/PR comment or commit comment alike. */
export interface StoredComment {
  /** REST id (for update URLs). */
  id: CommentId;
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
  return { id: String(c.id), nodeId: c.node_id, body: c.body ?? '', htmlUrl: c.html_url };
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
  commentId: CommentId,
  body: string,
): Promise<StoredComment> {
  const { data } = await client.rest.issues.updateComment({ ...ref, comment_id: restId(commentId), body });
  return toStored(data);
}

export async function deleteIssueComment(client: GitHubClient, ref: RepoRef, commentId: CommentId): Promise<void> {
  await client.rest.issues.deleteComment({ ...ref, comment_id: restId(commentId) });
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
  commentId: CommentId,
  body: string,
): Promise<StoredComment> {
  const { data } = await client.rest.repos.updateCommitComment({ ...ref, comment_id: restId(commentId), body });
  return toStored(data);
}
